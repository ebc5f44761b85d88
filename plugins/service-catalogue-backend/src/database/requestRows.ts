import {
  ApprovalPolicy,
  RequestApprovalStage,
  RequestComment,
  RequestEvent,
  RequestSla,
  ServiceRequest,
  formatTrackingNumber,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import {
  CommentRow,
  DecisionRow,
  EventRow,
  RequestRow,
  StageApproverRow,
  StageRow,
} from './tables';
import { Timestamp, toIso } from './timestamps';
import { SlaTerms } from '../time/requestClock';

/**
 * Requests as the API shows them, from their rows and those of their stages,
 * approvers and decisions, in three queries for any number of requests: one
 * after the other, since a transaction has one connection.
 *
 * @internal
 */
export async function hydrateRequests(
  db: Knex | Knex.Transaction,
  rows: RequestRow[],
): Promise<ServiceRequest[]> {
  if (rows.length === 0) {
    return [];
  }
  const ids = rows.map(row => row.id);
  const stages = await db<StageRow>('request_stages')
    .whereIn('request_id', ids)
    .orderBy('stage_index', 'asc');
  const approvers = await db<StageApproverRow>('request_stage_approvers')
    .whereIn('request_id', ids)
    .orderBy('approver_ref', 'asc');
  const decisions = await db<DecisionRow>('request_decisions')
    .whereIn('request_id', ids)
    .orderBy('id', 'asc');
  return rows.map(row => {
    const ownStages = stages
      .filter(stage => stage.request_id === row.id)
      .map(
        (stage): RequestApprovalStage => ({
          index: stage.stage_index,
          approverSpec: JSON.parse(stage.approver_spec),
          approvers: approvers
            .filter(
              a =>
                a.request_id === row.id && a.stage_index === stage.stage_index,
            )
            .map(a => a.approver_ref),
          source: stage.source,
          policy: parsePolicy(stage.policy),
          required: stage.required,
          status: stage.status,
          ...(stage.timeout ? { timeout: stage.timeout } : {}),
          ...(stage.on_timeout ? { onTimeout: stage.on_timeout } : {}),
          ...(stage.escalate_to
            ? { escalateTo: JSON.parse(stage.escalate_to) }
            : {}),
          ...(stage.opened_at ? { openedAt: toIso(stage.opened_at) } : {}),
          ...(stage.deadline_at
            ? { deadlineAt: toIso(stage.deadline_at) }
            : {}),
          ...(stage.reminded_at
            ? { remindedAt: toIso(stage.reminded_at) }
            : {}),
          ...(stage.timed_out_at
            ? { timedOutAt: toIso(stage.timed_out_at) }
            : {}),
          decisions: decisions
            .filter(
              d =>
                d.request_id === row.id && d.stage_index === stage.stage_index,
            )
            .map(d => ({
              stageIndex: d.stage_index,
              approverRef: d.approver_ref,
              decidedByRef: d.decided_by_ref,
              decision: d.decision,
              ...(d.comment ? { comment: d.comment } : {}),
              decidedAt: toIso(d.decided_at),
            })),
        }),
      );
    return {
      id: row.id,
      trackingNumber: formatTrackingNumber(row.sequence),
      offeringRef: row.offering_ref,
      offeringTitle: row.offering_title,
      offeringOwnerRef: row.offering_owner_ref,
      requesterRef: row.requester_ref,
      submittedByRef: row.submitted_by_ref,
      state: row.state,
      version: row.version,
      formValues: JSON.parse(row.form_values),
      stages: ownStages,
      ...(row.current_stage !== null
        ? { currentStage: row.current_stage }
        : {}),
      ...(row.assignee_ref ? { assigneeRef: row.assignee_ref } : {}),
      ...(row.sla_due_at ? { slaDueAt: toIso(row.sla_due_at) } : {}),
      ...(row.sla_terms ? { sla: slaOf(row) } : {}),
      fulfilment: row.fulfilment,
      ...(row.template_ref ? { templateRef: row.template_ref } : {}),
      ...(row.scaffolder_task_id
        ? { scaffolderTaskId: row.scaffolder_task_id }
        : {}),
      ...(row.failure ? { failure: JSON.parse(row.failure) } : {}),
      ...(row.extends_grant_id ? { extendsGrantId: row.extends_grant_id } : {}),
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    };
  });
}

function slaOf(row: RequestRow): RequestSla {
  const terms: SlaTerms = JSON.parse(row.sla_terms!);
  const at = (value: Timestamp | null) =>
    value !== null ? toIso(value) : undefined;
  const sla: RequestSla = {
    policyId: terms.policyId,
    policyTitle: terms.policyTitle,
    responseDueAt: at(row.response_due_at),
    resolutionDueAt: at(row.sla_due_at),
    respondedAt: at(row.responded_at),
    responseWarnedAt: at(row.response_warned_at),
    resolutionWarnedAt: at(row.resolution_warned_at),
    responseBreachedAt: at(row.response_breached_at),
    resolutionBreachedAt: at(row.resolution_breached_at),
    endedAt: at(row.ended_at),
    ...(row.sla_met !== null ? { met: Boolean(row.sla_met) } : {}),
    ...(row.sla_business_minutes !== null
      ? { businessMinutes: row.sla_business_minutes }
      : {}),
  };
  return Object.fromEntries(
    Object.entries(sla).filter(([, value]) => value !== undefined),
  ) as RequestSla;
}

function parsePolicy(policy: string): ApprovalPolicy {
  return policy === 'any' || policy === 'all' ? policy : Number(policy);
}

/** @internal */
export function toComment(row: CommentRow): RequestComment {
  return {
    id: row.id,
    authorRef: row.author_ref,
    body: row.body,
    visibility: row.visibility,
    createdAt: toIso(row.created_at),
  };
}

/** @internal */
export function toEvent(row: EventRow): RequestEvent {
  return {
    id: String(row.id),
    type: row.type,
    actorRef: row.actor_ref,
    ...(row.from_state ? { fromState: row.from_state } : {}),
    ...(row.to_state ? { toState: row.to_state } : {}),
    ...(row.data ? { data: JSON.parse(row.data) } : {}),
    createdAt: toIso(row.created_at),
  };
}
