import { JsonObject } from '@backstage/types';
import {
  ApprovalPolicy,
  OfferingFulfilment,
} from '../entity/OfferingEntityV1alpha1';
import { RequestAction, RequestState } from './stateMachine';

/**
 * Where a stage's approvers came from.
 *
 * - `resolved`: the offering's approver words and refs.
 * - `fallback`: nobody resolved (or only the requester), so the configured
 *   fallback approvers stand in; a request is never approved by default.
 *
 * @public
 */
export type ApproverSource = 'resolved' | 'fallback';

/**
 * The progress of one approval stage.
 *
 * @public
 */
export type ApprovalStageStatus =
  | 'waiting'
  | 'active'
  | 'approved'
  | 'rejected'
  | 'skipped';

/**
 * A decision on one stage of a request.
 *
 * @public
 */
export interface ApprovalDecision {
  stageIndex: number;
  /** The approver the decision counts for. */
  approverRef: string;
  /** Who clicked: the approver, or their delegate. */
  decidedByRef: string;
  decision: 'approve' | 'reject';
  comment?: string;
  decidedAt: string;
}

/**
 * One approval stage of a request: the approvers resolved when the request
 * was submitted, kept as a snapshot so that later changes in the
 * organisation do not rewrite who was asked.
 *
 * @public
 */
export interface RequestApprovalStage {
  index: number;
  /** The offering's words and refs for this stage, such as `manager`. */
  approverSpec: string[];
  /** User entity refs of the people who may decide. */
  approvers: string[];
  source: ApproverSource;
  policy: ApprovalPolicy;
  /** How many approvals complete the stage. */
  required: number;
  status: ApprovalStageStatus;
  decisions: ApprovalDecision[];
  /** How long the stage waits for decisions, as an ISO 8601 duration. */
  timeout?: string;
  /** What happens when the stage times out. */
  onTimeout?: 'escalate' | 'reject';
  /** User entity refs the stage escalates to, resolved at submission. */
  escalateTo?: string[];
  /** When the stage began to take decisions. */
  openedAt?: string;
  /** When the stage times out: `timeout` after it opened. */
  deadlineAt?: string;
  /** When its approvers were reminded of the deadline. */
  remindedAt?: string;
  /** When it timed out, escalating or rejecting. */
  timedOutAt?: string;
}

/**
 * Who may see a comment: `external` ones also the requester, `internal`
 * ones only approvers, owners and the desk.
 *
 * @public
 */
export type CommentVisibility = 'internal' | 'external';

/**
 * A comment on a request.
 *
 * @public
 */
export interface RequestComment {
  id: string;
  authorRef: string;
  body: string;
  visibility: CommentVisibility;
  createdAt: string;
}

/**
 * An entry of a request's append-only history.
 *
 * @public
 */
export interface RequestEvent {
  id: string;
  /** A transition's action, or another thing that happened. */
  type:
    | RequestAction
    | 'submit'
    | 'decide'
    | 'comment'
    | 'assign'
    | 'task'
    | 'sla-warn'
    | 'sla-breach'
    | 'stage-remind'
    | 'stage-escalate';
  actorRef: string;
  fromState?: RequestState;
  toState?: RequestState;
  data?: JsonObject;
  createdAt: string;
}

/**
 * Why a request's fulfilment failed.
 *
 * @public
 */
export interface RequestFailure {
  /** The scaffolder step that failed, when a task ran. */
  stepId?: string;
  message: string;
}

/**
 * The SLA clock of a request: the promise made at submission and how it is
 * kept.
 *
 * @public
 */
export interface RequestSla {
  policyId: string;
  policyTitle: string;
  /** Due for the first human action: a decision, or the desk taking it. */
  responseDueAt?: string;
  /** Due to be done. */
  resolutionDueAt?: string;
  /** When a person first acted on it. */
  respondedAt?: string;
  /** When people were warned that the response target nears. */
  responseWarnedAt?: string;
  /** When people were warned that the resolution target nears. */
  resolutionWarnedAt?: string;
  /** When the job found the response target missed. */
  responseBreachedAt?: string;
  /** When the job found the resolution target missed. */
  resolutionBreachedAt?: string;
  /** When it ended: done, rejected or cancelled. */
  endedAt?: string;
  /** Whether both targets were met, once it ended. */
  met?: boolean;
  /** Business minutes in the policy's calendar from submission to the end. */
  businessMinutes?: number;
}

/**
 * A request for an offering.
 *
 * @public
 */
export interface ServiceRequest {
  id: string;
  /** Human tracking number such as `REQ-000123`. */
  trackingNumber: string;
  offeringRef: string;
  offeringTitle: string;
  /** The offering's owner when the request was submitted. */
  offeringOwnerRef: string;
  /** The user the request is for. */
  requesterRef: string;
  /** The user who submitted it: the requester, or a delegate. */
  submittedByRef: string;
  state: RequestState;
  /** Incremented by every change; transitions compare and set it. */
  version: number;
  formValues: JsonObject;
  stages: RequestApprovalStage[];
  /** Index of the stage waiting for decisions, while pending approval. */
  currentStage?: number;
  assigneeRef?: string;
  /**
   * When the request is due: its SLA policy's resolution target, counted
   * in the policy's calendar from submission. Absent without an SLA.
   */
  slaDueAt?: string;
  /** The request's SLA clock, when its offering names a policy. */
  sla?: RequestSla;
  /**
   * How the request is fulfilled, as the offering said when it was
   * submitted: `automatic` runs `templateRef`'s steps, `manual` is the
   * desk's work.
   */
  fulfilment?: OfferingFulfilment;
  templateRef?: string;
  /** The scaffolder task that provisions it, once started. */
  scaffolderTaskId?: string;
  /** Why fulfilment failed, while the request is FAILED. */
  failure?: RequestFailure;
  /**
   * The grant whose end this request moves once approved: an extension
   * asked for by the grant's holder. It runs no template.
   */
  extendsGrantId?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Formats a request's sequence number as its tracking number.
 *
 * @public
 */
export function formatTrackingNumber(sequence: number): string {
  return `REQ-${String(sequence).padStart(6, '0')}`;
}

/**
 * How many approvals complete a stage with the given policy and number of
 * approvers. `all` of none would be vacuous, so it needs at least one.
 *
 * @public
 */
export function requiredApprovals(
  policy: ApprovalPolicy,
  approverCount: number,
): number {
  if (policy === 'any') {
    return 1;
  }
  if (policy === 'all') {
    return Math.max(approverCount, 1);
  }
  return policy;
}
