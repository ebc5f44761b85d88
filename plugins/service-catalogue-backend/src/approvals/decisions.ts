import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  ApprovalDecision,
  findRequestTransition,
} from '@service-catalogue/plugin-service-catalogue-common';
import { GrantStore } from '../database/GrantStore';
import { RequestStore, StoreTransaction } from '../database/RequestStore';
import { settleExtension } from '../grants/extensions';
import { endOfSla, stageDeadline } from '../time/requestClock';

/**
 * The effect of a decision.
 *
 * - `recorded`: counted; the stage needs more approvals.
 * - `stage-approved`: the stage completed and the next one is active.
 * - `approved`: the last stage completed; the request is APPROVED.
 * - `rejected`: the request is REJECTED.
 *
 * @internal
 */
export type DecisionOutcome =
  | 'recorded'
  | 'stage-approved'
  | 'approved'
  | 'rejected';

/**
 * What a decision does to its request. One rejection ends the request: a
 * later stage cannot undo it. A stage completes with as many approvals as
 * its policy requires, and the last stage to complete approves the request.
 *
 * @internal
 */
export function decisionOutcome(options: {
  decision: ApprovalDecision['decision'];
  /** Approvals on the stage, this decision's included. */
  approvals: number;
  required: number;
  lastStage: boolean;
}): DecisionOutcome {
  if (options.decision === 'reject') {
    return 'rejected';
  }
  if (options.approvals < options.required) {
    return 'recorded';
  }
  return options.lastStage ? 'approved' : 'stage-approved';
}

/**
 * A decision as an approver, or their delegate, makes it.
 *
 * @internal
 */
export interface DecisionInput {
  requestId: string;
  /** The approver the decision counts for. */
  approverRef: string;
  /** Who decided: the approver, or their delegate. */
  decidedByRef: string;
  decision: ApprovalDecision['decision'];
  comment?: string;
  /** The stage the decider saw, when they said. */
  expectedStage?: number;
}

/**
 * Records a decision on the current stage and applies its effect, in the
 * caller's transaction; the approval of an extension settles it there too.
 * Refuses (ConflictError) a second decision by the same approver, or by the
 * same person for several approvers, on the same stage; a decision meant
 * for a stage that is no longer current; and any decision on a request that
 * is no longer pending. Refuses (NotAllowedError) an approver who is not on
 * the current stage. Returns the ids of the history events it wrote.
 *
 * @internal
 */
export async function recordDecision(
  tx: StoreTransaction,
  stores: { requests: RequestStore; grants: GrantStore },
  options: DecisionInput & { now: Date },
): Promise<{ outcome: DecisionOutcome; eventIds: string[] }> {
  const { requests } = stores;
  const request = await requests.lockRequest(tx, options.requestId);
  const tracking = request.trackingNumber;
  const stageIndex = request.currentStage;
  const stage = request.stages.find(s => s.index === stageIndex);
  if (
    request.state !== 'PENDING_APPROVAL' ||
    stageIndex === undefined ||
    !stage
  ) {
    throw new ConflictError(
      `${tracking} is ${request.state} and takes no more decisions`,
    );
  }
  const stageName = `stage ${stageIndex + 1} of ${tracking}`;
  if (
    options.expectedStage !== undefined &&
    options.expectedStage !== stageIndex
  ) {
    throw new ConflictError(
      `Stage ${
        options.expectedStage + 1
      } of ${tracking} takes no more decisions; it is at stage ${
        stageIndex + 1
      } now`,
    );
  }
  if (!stage.approvers.includes(options.approverRef)) {
    throw new NotAllowedError(
      `${options.approverRef} is not an approver of ${stageName}`,
    );
  }
  const previous = stage.decisions.find(
    d => d.approverRef === options.approverRef,
  );
  if (previous) {
    throw new ConflictError(
      `${options.approverRef} already decided ${stageName} (${previous.decision})`,
    );
  }
  // Standing in for several approvers still makes one voice per stage.
  const byPerson = stage.decisions.find(
    d => d.decidedByRef === options.decidedByRef,
  );
  if (byPerson) {
    throw new ConflictError(
      `${options.decidedByRef} already decided ${stageName} (for ${byPerson.approverRef})`,
    );
  }

  const now = options.now;
  await requests.insertDecision(tx, {
    requestId: request.id,
    stageIndex,
    approverRef: options.approverRef,
    decidedByRef: options.decidedByRef,
    decision: options.decision,
    comment: options.comment,
    at: now,
  });
  // Whom a timeout escalated to settles the stage alone: the approvals an
  // `all` or N stage still waited for are what ran out of time.
  const byEscalation =
    Boolean(stage.timedOutAt) &&
    stage.onTimeout === 'escalate' &&
    (stage.escalateTo ?? []).includes(options.approverRef);
  const outcome = decisionOutcome({
    decision: options.decision,
    approvals:
      stage.decisions.filter(d => d.decision === 'approve').length +
      (options.decision === 'approve' ? 1 : 0),
    required: byEscalation ? 1 : stage.required,
    lastStage: stageIndex + 1 >= request.stages.length,
  });
  const transition =
    outcome === 'rejected' || outcome === 'approved'
      ? findRequestTransition({
          from: request.state,
          action: outcome === 'rejected' ? 'reject' : 'approve',
          actor: 'approver',
        })!
      : undefined;

  // A finished request has no current stage; a completed stage hands over
  // to the next one.
  let currentStage: number | null = stageIndex;
  if (transition) {
    currentStage = null;
  } else if (outcome === 'stage-approved') {
    currentStage = stageIndex + 1;
  }
  const state = transition?.to ?? request.state;
  await requests.updateRequest(
    tx,
    request,
    {
      state,
      currentStage,
      // A decision is a person's response.
      respondedAt: request.sla?.respondedAt ? undefined : now,
      slaEnd: endOfSla(request, state, now),
    },
    now,
  );
  if (outcome !== 'recorded') {
    await requests.updateStages(tx, {
      requestId: request.id,
      stageIndex,
      status: outcome === 'rejected' ? 'rejected' : 'approved',
    });
  }
  if (outcome === 'stage-approved') {
    const next = request.stages.find(s => s.index === stageIndex + 1);
    await requests.updateStages(tx, {
      requestId: request.id,
      stageIndex: stageIndex + 1,
      status: 'active',
      // Its timeout counts from now, not from submission.
      opened: { at: now, deadlineAt: stageDeadline(next?.timeout, now) },
    });
  }
  if (transition) {
    await requests.updateStages(tx, {
      requestId: request.id,
      from: ['waiting'],
      status: 'skipped',
    });
  }

  const eventIds = [
    await requests.appendEvent(tx, {
      requestId: request.id,
      type: 'decide',
      actorRef: options.decidedByRef,
      data: {
        stageIndex,
        approverRef: options.approverRef,
        decision: options.decision,
        outcome,
        ...(options.comment ? { comment: options.comment } : {}),
      },
      at: now,
    }),
  ];
  if (transition) {
    eventIds.push(
      await requests.appendEvent(tx, {
        requestId: request.id,
        type: transition.action,
        actorRef: options.decidedByRef,
        fromState: transition.from,
        toState: transition.to,
        at: now,
      }),
    );
  }
  if (outcome === 'approved' && request.extendsGrantId) {
    eventIds.push(...(await settleExtension(tx, stores, request.id, now)));
  }
  return { outcome, eventIds };
}
