import {
  ApprovalDecision,
  ApprovalStageStatus,
  ApproverSource,
  CommentVisibility,
  Departure,
  Grant,
  GrantEndReason,
  OfferingFulfilment,
  RequestEvent,
  RequestState,
  GrantOrigin,
  ReviewCampaign,
  ReviewDecision,
  ReviewEvent,
  ReviewScope,
  Swap,
} from '@service-catalogue/plugin-service-catalogue-common';
import { GateTicketKey } from './GateTicketStore';
import { SwapItem } from './SwapStore';
import { Timestamp } from './timestamps';

// The rows of the plugin's tables, as the migrations define them.

/** @internal */
export type RequestRow = {
  sequence: number;
  id: string;
  offering_ref: string;
  offering_title: string;
  offering_owner_ref: string;
  requester_ref: string;
  submitted_by_ref: string;
  state: RequestState;
  version: number;
  form_values: string;
  current_stage: number | null;
  assignee_ref: string | null;
  sla_due_at: Timestamp | null;
  scaffolder_task_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  fulfilment: OfferingFulfilment;
  template_ref: string | null;
  fulfilment_claimed_by: string | null;
  fulfilment_claimed_at: Timestamp | null;
  fulfilment_claimed_until: Timestamp | null;
  fulfilment_run: number;
  failure: string | null;
  target_ref: string | null;
  grant_spec: string | null;
  extends_grant_id: string | null;
  sla_policy_id: string | null;
  sla_terms: string | null;
  response_due_at: Timestamp | null;
  response_warn_at: Timestamp | null;
  resolution_warn_at: Timestamp | null;
  responded_at: Timestamp | null;
  response_warned_at: Timestamp | null;
  response_breached_at: Timestamp | null;
  resolution_warned_at: Timestamp | null;
  resolution_breached_at: Timestamp | null;
  ended_at: Timestamp | null;
  sla_met: boolean | number | null;
  sla_business_minutes: number | null;
};

/** @internal */
export type StageRow = {
  request_id: string;
  stage_index: number;
  approver_spec: string;
  source: ApproverSource;
  policy: string;
  required: number;
  status: ApprovalStageStatus;
  timeout: string | null;
  on_timeout: 'escalate' | 'reject' | null;
  escalate_to: string | null;
  opened_at: Timestamp | null;
  deadline_at: Timestamp | null;
  reminded_at: Timestamp | null;
  timed_out_at: Timestamp | null;
};

/** @internal */
export type StageApproverRow = {
  request_id: string;
  stage_index: number;
  approver_ref: string;
};

/** @internal */
export type DecisionRow = {
  id: number;
  request_id: string;
  stage_index: number;
  approver_ref: string;
  decided_by_ref: string;
  decision: ApprovalDecision['decision'];
  comment: string | null;
  decided_at: Timestamp;
};

/** @internal */
export type CommentRow = {
  id: string;
  request_id: string;
  author_ref: string;
  body: string;
  visibility: CommentVisibility;
  created_at: Timestamp;
};

/** @internal */
export type EventRow = {
  id: number;
  request_id: string;
  type: RequestEvent['type'];
  actor_ref: string;
  from_state: RequestState | null;
  to_state: RequestState | null;
  data: string | null;
  created_at: Timestamp;
};

/** @internal */
export type DelegationRow = {
  id: string;
  approver_ref: string;
  delegate_ref: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string | null;
  created_at: Timestamp;
};

/** @internal */
export type GrantRow = {
  id: string;
  request_id: string;
  holder_ref: string;
  offering_ref: string;
  offering_title: string;
  offering_owner_ref: string;
  target_ref: string | null;
  state: Grant['state'];
  version: number;
  granted_at: Timestamp;
  expires_at: Timestamp | null;
  reminded_at: Timestamp | null;
  ended_at: Timestamp | null;
  end_reason: GrantEndReason | null;
  ended_by_ref: string | null;
  revoke_template_ref: string | null;
  revoke_task_id: string | null;
  revoke_run: number;
  revoke_claimed_by: string | null;
  revoke_claimed_until: Timestamp | null;
  failure: string | null;
  birthright_group_ref: string | null;
  review_reason: string | null;
  review_flagged_at: Timestamp | null;
  ended_by_review_line_id: string | null;
};

/** @internal */
export type DepartureRow = {
  id: string;
  user_ref: string;
  detected_at: Timestamp;
  reason: Departure['reason'];
  revoked_grants: string;
  cancelled_requests: string;
};

/** @internal */
export type SwapRow = {
  id: string;
  from_offering_ref: string;
  to_offering_ref: string;
  actor_ref: string;
  state: Swap['state'];
  total: number;
  created_at: Timestamp;
  finished_at: Timestamp | null;
};

/** @internal */
export type SwapItemRow = {
  swap_id: string;
  grant_id: string;
  holder_ref: string;
  state: SwapItem['state'];
  request_id: string | null;
  failure: string | null;
};

/** @internal */
export type GateTicketRow = {
  purpose: GateTicketKey['purpose'];
  subject_id: string;
  run: number;
  secret_hash: string;
  template_ref: string;
  issued_at: Timestamp;
  passed_task_id: string | null;
  passed_at: Timestamp | null;
};

/** @internal */
export type ReviewCampaignRow = {
  id: string;
  title: string;
  scope_kind: ReviewScope['kind'];
  scope_ref: string;
  trigger: ReviewCampaign['trigger'];
  schedule_key: string | null;
  opened_by_ref: string;
  opened_at: Timestamp;
  deadline_at: Timestamp;
  state: ReviewCampaign['state'];
  closed_at: Timestamp | null;
  reminded_at: Timestamp | null;
  owner_refs: string;
  version: number;
};

/** @internal */
export type ReviewLineRow = {
  id: string;
  campaign_id: string;
  grant_id: string;
  holder_ref: string;
  offering_ref: string;
  offering_title: string;
  offering_owner_ref: string;
  target_ref: string | null;
  granted_at: Timestamp;
  origin: GrantOrigin;
  tracking_number: string;
  on_undecided: ReviewDecision;
  deadline_at: Timestamp;
  decision: ReviewDecision | null;
  decided_by_ref: string | null;
  decided_for_ref: string | null;
  decided_at: Timestamp | null;
  automatic: boolean | number;
  reason: string | null;
  no_reviewer: boolean | number;
  version: number;
};

/** @internal */
export type ReviewEventRow = {
  id: number;
  campaign_id: string;
  type: ReviewEvent['type'];
  at: Timestamp;
  actor_ref: string;
  line_id: string | null;
  message: string;
};
