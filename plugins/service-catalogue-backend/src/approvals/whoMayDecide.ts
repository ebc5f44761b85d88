import {
  RequestApprovalStage,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * The stage of a request that takes decisions now, if any.
 *
 * @internal
 */
export function currentStageOf(
  request: ServiceRequest,
): RequestApprovalStage | undefined {
  return request.currentStage !== undefined
    ? request.stages[request.currentStage]
    : undefined;
}

/**
 * Whether the user asked for the request, for themselves or for someone.
 *
 * @internal
 */
export function isOwnRequest(request: ServiceRequest, userRef: string) {
  return request.requesterRef === userRef || request.submittedByRef === userRef;
}

/**
 * The one rule of who decides a stage: the approver on whose behalf a user
 * decides the current stage now, or undefined when they may not. That is
 * themselves when they are an approver who has not decided, or else an
 * approver who delegated to them and has not decided, but never on their
 * own request; and one voice per person and stage, however many approvers
 * they stand in for. Whether the requester may approve at all, routing
 * decided when it chose the approvers.
 *
 * The approvals lists, the request view and the decision all ask this.
 *
 * @internal
 */
export function approverToDecideFor(options: {
  request: ServiceRequest;
  userRef: string;
  /** Approvers who delegated to the user at this moment. */
  delegators: readonly string[];
}): string | undefined {
  const { request, userRef, delegators } = options;
  const stage = currentStageOf(request);
  if (!stage || stage.decisions.some(d => d.decidedByRef === userRef)) {
    return undefined;
  }
  const undecided = (approver: string) =>
    stage.approvers.includes(approver) &&
    !stage.decisions.some(d => d.approverRef === approver);
  if (undecided(userRef)) {
    return userRef;
  }
  if (isOwnRequest(request, userRef)) {
    return undefined;
  }
  return delegators.find(undecided);
}
