import { findRequestTransition } from '@service-catalogue/plugin-service-catalogue-common';
import { RequestStore, StoreTransaction } from '../database/RequestStore';
import { SYSTEM_ACTOR_REF } from '../systemActor';
import { endOfSla } from '../time/requestClock';

/**
 * What a stage's timeout did.
 *
 * - `escalated`: the stage's approvers grew by its `escalateTo`, whom the
 *   caller tells that they may decide it now.
 * - `rejected`: the request is REJECTED on the system's behalf.
 *
 * @internal
 */
export type TimeoutOutcome = 'escalated' | 'rejected';

/**
 * Times out the current stage of a pending request, in the caller's
 * transaction, if it is still the stage that was due: a decision that
 * completed it, or another worker's timeout, wins and this does nothing
 * (returns undefined). Writes the history event and moves the request's
 * version, so a decision racing it is re-read and sees the outcome.
 *
 * @internal
 */
export async function recordTimeout(
  tx: StoreTransaction,
  requests: RequestStore,
  options: { requestId: string; stageIndex: number; now: Date },
): Promise<
  | { outcome: TimeoutOutcome; added: string[]; escalatedTo: string[] }
  | undefined
> {
  const { now, stageIndex } = options;
  const request = await requests.lockRequest(tx, options.requestId);
  const stage = request.stages.find(s => s.index === stageIndex);
  if (
    request.state !== 'PENDING_APPROVAL' ||
    request.currentStage !== stageIndex ||
    !stage?.deadlineAt ||
    stage.timedOutAt ||
    new Date(stage.deadlineAt).getTime() > now.getTime()
  ) {
    return undefined;
  }
  await requests.markStage(tx, {
    requestId: request.id,
    stageIndex,
    timedOutAt: now,
  });
  const reason = `Stage ${stageIndex + 1} had no decision within ${
    stage.timeout
  }`;

  if (stage.onTimeout === 'reject') {
    const reject = findRequestTransition({
      from: request.state,
      action: 'reject',
      actor: 'system',
    })!;
    await requests.updateRequest(
      tx,
      request,
      {
        state: reject.to,
        currentStage: null,
        slaEnd: endOfSla(request, reject.to, now),
      },
      now,
    );
    await requests.updateStages(tx, {
      requestId: request.id,
      stageIndex,
      status: 'rejected',
    });
    await requests.updateStages(tx, {
      requestId: request.id,
      from: ['waiting'],
      status: 'skipped',
    });
    await requests.appendEvent(tx, {
      requestId: request.id,
      type: reject.action,
      actorRef: SYSTEM_ACTOR_REF,
      fromState: reject.from,
      toState: reject.to,
      data: { stageIndex, timeout: stage.timeout ?? null, reason },
      at: now,
    });
    return { outcome: 'rejected', added: [], escalatedTo: [] };
  }

  // Escalation: the stage keeps waiting, with more people who may decide.
  // Those of escalateTo who could already decide are told all the same:
  // the stage now waits for them.
  const escalatedTo = stage.escalateTo ?? [];
  const added = escalatedTo.filter(ref => !stage.approvers.includes(ref));
  await requests.addStageApprovers(tx, {
    requestId: request.id,
    stageIndex,
    approverRefs: added,
  });
  await requests.updateRequest(tx, request, {}, now);
  await requests.appendEvent(tx, {
    requestId: request.id,
    type: 'stage-escalate',
    actorRef: SYSTEM_ACTOR_REF,
    data: { stageIndex, added, reason },
    at: now,
  });
  return { outcome: 'escalated', added, escalatedTo };
}
