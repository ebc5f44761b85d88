import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  OfferingFulfilment,
  ApprovalDecision,
  CommentVisibility,
  RequestAction,
  RequestActor,
  RequestApprovalStage,
  RequestComment,
  RequestEvent,
  RequestState,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { RequestFilter } from '../permissions/rules';

/**
 * An approval stage as routing resolved it, before anyone decided.
 *
 * @internal
 */
export type NewRequestStage = Omit<
  RequestApprovalStage,
  'decisions' | 'status'
>;

/** @internal */
export interface NewRequest {
  offeringRef: string;
  offeringTitle: string;
  offeringOwnerRef: string;
  requesterRef: string;
  submittedByRef: string;
  formValues: JsonObject;
  stages: NewRequestStage[];
  slaDueAt?: string;
  fulfilment: OfferingFulfilment;
  /** The template whose steps provision an automatic request. */
  templateRef?: string;
  /** What the offering gives access to. */
  targetRef?: string;
  /**
   * The offering's `grant` settings: present when fulfilling the request
   * leaves a revocable grant.
   */
  grant?: {
    duration?: string;
    revokeTemplateRef?: string;
    /** For a birthright: the group whose members hold it. */
    birthrightGroupRef?: string;
  };
  /**
   * The grant of the requester's whose end the request moves once approved.
   * Refused (ConflictError) when the grant cannot be extended or already
   * has an open extension request.
   */
  extendsGrantId?: string;
}

/** @internal */
export interface ListRequestsQuery {
  /** Requests for or submitted by this user. */
  involvingUserRef?: string;
  states?: RequestState[];
  /** Matches the tracking number or the offering's title or ref. */
  search?: string;
  fulfilment?: OfferingFulfilment;
  /** Requests for offerings owned by one of these. */
  offeringOwnerRefs?: string[];
  offeringRef?: string;
  requesterRef?: string;
  /** `null` for requests nobody took yet. */
  assigneeRef?: string | null;
  /** Requests for one of these offerings. */
  offeringRefs?: string[];
  /** What the permission policy lets the caller read; everything without. */
  readable?: PermissionCriteria<RequestFilter>;
  /** Newest first unless said otherwise. */
  order?: 'newest' | 'oldest';
  limit?: number;
  offset?: number;
}

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
 * A request a fulfilment worker claimed, and when the claim began: a task
 * the scaffolder created since then may be this claim's own, started by a
 * worker that died before it could record it.
 *
 * @internal
 */
export interface FulfilmentClaim {
  request: ServiceRequest;
  claimedAt: Date;
  /**
   * Which run of fulfilment this is: a retry starts a new run, and each run
   * starts at most one task.
   */
  run: number;
}

/**
 * Where requests live. Every change is one transaction that compares and
 * sets the request's version and appends to its history, so concurrent
 * changes produce one outcome and a crash never leaves a request
 * half-moved.
 *
 * @internal
 */
export interface RequestStore {
  /**
   * Stores a new request and moves it out of NEW: to PENDING_APPROVAL when
   * it has stages, to IN_PROGRESS when nothing needs approval. An extension
   * that needs no approval is settled at once.
   */
  createRequest(
    request: NewRequest,
  ): Promise<{ request: ServiceRequest; events: RequestEvent[] }>;

  /**
   * Records access given outside a request's own fulfilment (by a template
   * or the desk) as a request that is DONE at once with its grant, in one
   * transaction. A holder who already has an active grant on the offering
   * keeps it: that one is returned, `created` false, and nothing is stored.
   */
  recordFulfilled(
    input: NewRequest & {
      /** Overrides the end the offering's duration gives. */
      expiresAt?: string;
      /** Kept on the completing history event. */
      data?: JsonObject;
    },
  ): Promise<{ request: ServiceRequest; grantId: string; created: boolean }>;

  /** By id or by tracking number. */
  getRequest(idOrTrackingNumber: string): Promise<ServiceRequest | undefined>;

  listRequests(
    query: ListRequestsQuery,
  ): Promise<{ items: ServiceRequest[]; totalCount: number }>;

  /**
   * Pending requests whose current stage lists one of these approvers who
   * has not decided yet.
   */
  listAwaitingDecision(options: {
    approverRefs: string[];
  }): Promise<ServiceRequest[]>;

  /** Requests on which this user decided, for themselves or as a delegate. */
  listDecidedBy(options: { userRef: string }): Promise<ServiceRequest[]>;

  /**
   * Records a decision on the current stage and applies its effect. The
   * approval of an extension settles it in the same transaction: the grant's
   * end moves and the request is DONE (FAILED when the grant ended). Refuses
   * (ConflictError) a second decision by the same approver, or by the same
   * person for several approvers, on the same stage; a decision meant for a
   * stage that is no longer current; and any decision on a request that is
   * no longer pending. Refuses (NotAllowedError) an approver who is not on
   * the current stage.
   */
  decide(options: {
    requestId: string;
    approverRef: string;
    decidedByRef: string;
    decision: ApprovalDecision['decision'];
    comment?: string;
    /** The stage the decider saw, when they said. */
    expectedStage?: number;
  }): Promise<{
    request: ServiceRequest;
    outcome: DecisionOutcome;
    events: RequestEvent[];
  }>;

  /**
   * Moves a request along the state machine: refuses (ConflictError) a move
   * the machine does not allow from the current state (or not for this
   * request, such as cancelling one the desk has taken), or one whose
   * `expectedVersion` is stale. Reaching DONE records the request's grant,
   * when its offering leaves one, in the same transaction.
   */
  transition(options: {
    requestId: string;
    action: RequestAction;
    actor: RequestActor;
    actorRef: string;
    expectedVersion?: number;
    data?: JsonObject;
  }): Promise<{ request: ServiceRequest; event: RequestEvent }>;

  /**
   * Claims automatic requests whose scaffolder task has not started: those
   * APPROVED (moved to IN_PROGRESS in the same transaction) and those
   * IN_PROGRESS without a task, unless another worker's claim still runs.
   * A claim lasts `leaseMs`; a worker that dies leaves it to expire.
   */
  claimFulfilment(options: {
    worker: string;
    leaseMs: number;
    limit: number;
    /** Requests this pass already tried: left for a later pass. */
    excludeIds?: string[];
  }): Promise<FulfilmentClaim[]>;

  /**
   * Records the task a claim started. Refuses (ConflictError) when the
   * worker no longer holds the claim.
   */
  recordTask(options: {
    requestId: string;
    worker: string;
    taskId: string;
  }): Promise<ServiceRequest>;

  /**
   * Shortens a claim whose start failed for now, so that a later pass tries
   * again soon rather than after the whole lease. Safe because a later claim
   * adopts a task this one may have started after all.
   */
  releaseClaim(options: {
    requestId: string;
    worker: string;
    retryAfterMs: number;
  }): Promise<void>;

  /** IN_PROGRESS automatic requests whose task runs. */
  listFollowing(options: { limit: number }): Promise<ServiceRequest[]>;

  /**
   * Gives a request to someone of the desk: an APPROVED one starts (moves to
   * IN_PROGRESS) in the same transaction. Refuses (ConflictError) a request
   * that is not waiting for or in fulfilment.
   */
  assign(options: {
    requestId: string;
    assigneeRef: string;
    actorRef: string;
    expectedVersion?: number;
  }): Promise<ServiceRequest>;

  addComment(options: {
    requestId: string;
    authorRef: string;
    body: string;
    visibility: CommentVisibility;
  }): Promise<RequestComment>;

  listComments(
    requestId: string,
    options: { includeInternal: boolean },
  ): Promise<RequestComment[]>;

  listEvents(requestId: string): Promise<RequestEvent[]>;
}
