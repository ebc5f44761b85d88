import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  OfferingFulfilment,
  ApprovalDecision,
  ApprovalStageStatus,
  CommentVisibility,
  RequestApprovalStage,
  RequestComment,
  RequestEvent,
  RequestFailure,
  RequestState,
  RequestTransition,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import { RequestFilter } from '../permissions/rules';
import { NewSlaClock, SlaTerms } from '../time/requestClock';
import { SlaPolicy } from '../time/SlaPolicies';

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
  /** The offering's SLA policy; the request's clock starts with it. */
  slaPolicy?: SlaPolicy;
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
  /** Only requests past a due time of their SLA (`true`), or none past. */
  breached?: boolean;
  /** What `breached` compares due times with; now unless said. */
  now?: Date;
  /**
   * Newest first unless said otherwise; `due` puts the soonest due first
   * and requests without a due time last, the oldest first among equals.
   */
  order?: 'newest' | 'oldest' | 'due';
  limit?: number;
  offset?: number;
  /**
   * The sequence of the previous page's last request: the page starts
   * beyond it in the list's order, whatever was added or left meanwhile.
   */
  fromSequence?: number;
}

/**
 * One keyset page of requests, and how many match in all.
 *
 * @internal
 */
export interface RequestPage {
  items: ServiceRequest[];
  totalCount: number;
  /** When more match than `totalCount`, where counting stopped. */
  totalCountCapped?: boolean;
  /**
   * When another page follows: the sequence of this page's last request,
   * where the next page starts after.
   */
  next?: number;
}

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
 * A request as the domain reads it to change it, inside a transaction: with
 * what it keeps of its offering, which the API does not show.
 *
 * @internal
 */
export type LockedRequest = ServiceRequest & {
  targetRef?: string;
  grant?: NewRequest['grant'];
  slaTerms?: SlaTerms;
};

/**
 * What a change of a request writes besides its version.
 *
 * @internal
 */
export interface RequestChanges {
  state?: RequestState;
  /** The stage that takes decisions now; `null` once none does. */
  currentStage?: number | null;
  assigneeRef?: string;
  failure?: RequestFailure | null;
  /** A retry: the old task and claim go, and a new fulfilment run begins. */
  newFulfilmentRun?: boolean;
  /** The first human action on the request. */
  respondedAt?: Date;
  /** The end of a request with an SLA, and how it kept it. */
  slaEnd?: { endedAt: Date; met: boolean; businessMinutes: number };
  /** A warning or breach the SLA job sent. */
  slaMark?: SlaMark;
}

/**
 * The warnings and breaches of an SLA, each sent once.
 *
 * @internal
 */
export type SlaMark =
  | 'response-warned'
  | 'response-breached'
  | 'resolution-warned'
  | 'resolution-breached';

/**
 * A request with an SLA that has reached a warning or breach point not yet
 * sent.
 *
 * @internal
 */
export interface SlaAlarm {
  requestId: string;
  mark: SlaMark;
}

/**
 * An active stage with a deadline that has not timed out yet.
 *
 * @internal
 */
export interface StageOnTheClock {
  requestId: string;
  stageIndex: number;
  openedAt: Date;
  deadlineAt: Date;
  reminded: boolean;
}

/**
 * An entry for a request's append-only history.
 *
 * @internal
 */
export interface NewRequestEvent {
  requestId: string;
  type: RequestEvent['type'];
  actorRef: string;
  fromState?: RequestState;
  toState?: RequestState;
  data?: JsonObject;
  at: Date;
}

/**
 * A transaction of the plugin's database, which the domain opens through
 * {@link RequestStore.transaction} and hands to every store it writes with.
 *
 * @internal
 */
export type StoreTransaction = Knex.Transaction;

/**
 * Where requests live: rows, their stages, decisions, comments and
 * history. The store decides nothing: the domain reads a request inside a
 * transaction, decides what changes, and writes it back here, where every
 * write to a request compares and sets its version. Concurrent changes
 * produce one outcome, and a crash never leaves a request half-moved.
 *
 * @internal
 */
export interface RequestStore {
  /**
   * Runs `fn` in one transaction, again on fresh state when it lost a race
   * (a stale version, or a unique index another transaction filled first).
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  /**
   * Reads a request to change it; on PostgreSQL it stays locked until the
   * transaction ends. NotFoundError when there is none.
   */
  lockRequest(tx: StoreTransaction, requestId: string): Promise<LockedRequest>;

  /** Stores a new request with its stages; returns its id. */
  insertRequest(
    tx: StoreTransaction,
    options: {
      request: NewRequest;
      state: RequestState;
      currentStage: number | null;
      now: Date;
      sla?: NewSlaClock;
    },
  ): Promise<string>;

  /**
   * Writes a change, only if the request is still at the version it was
   * read at; otherwise the transaction fails and is run again.
   */
  updateRequest(
    tx: StoreTransaction,
    request: { id: string; version: number },
    changes: RequestChanges,
    now: Date,
  ): Promise<void>;

  /**
   * Sets the status of a request's stages: one of them, or every one that
   * is in one of `from`.
   */
  updateStages(
    tx: StoreTransaction,
    options: {
      requestId: string;
      stageIndex?: number;
      from?: ApprovalStageStatus[];
      status: ApprovalStageStatus;
      /** A stage that opens now: when, and when it times out. */
      opened?: { at: Date; deadlineAt?: Date };
    },
  ): Promise<void>;

  /** Adds approvers to a stage's snapshot, as an escalation does. */
  addStageApprovers(
    tx: StoreTransaction,
    options: { requestId: string; stageIndex: number; approverRefs: string[] },
  ): Promise<void>;

  /** Records that a stage's approvers were reminded, or that it timed out. */
  markStage(
    tx: StoreTransaction,
    options: {
      requestId: string;
      stageIndex: number;
      remindedAt?: Date;
      timedOutAt?: Date;
    },
  ): Promise<void>;

  /** Open requests with a warning or breach point at or before `now` not yet sent. */
  listSlaAlarms(options: { now: Date; limit: number }): Promise<SlaAlarm[]>;

  /** Current stages of pending requests that have a deadline and have not timed out. */
  listStagesOnTheClock(options: { limit: number }): Promise<StageOnTheClock[]>;

  insertDecision(
    tx: StoreTransaction,
    decision: Omit<ApprovalDecision, 'decidedAt'> & {
      requestId: string;
      at: Date;
    },
  ): Promise<void>;

  appendEvent(tx: StoreTransaction, event: NewRequestEvent): Promise<string>;

  /** The tracking number of an open request for more time on a grant. */
  findOpenExtension(
    tx: StoreTransaction,
    grantId: string,
  ): Promise<string | undefined>;

  /** By id or by tracking number. */
  getRequest(
    idOrTrackingNumber: string,
    tx?: StoreTransaction,
  ): Promise<ServiceRequest | undefined>;

  listRequests(query: ListRequestsQuery): Promise<RequestPage>;

  /**
   * A page of the pending requests whose current stage the user may decide
   * now, by the rule of `approverToDecideFor`, oldest first.
   */
  listAwaitingDecision(query: {
    userRef: string;
    /** Approvers who delegated to the user at this moment. */
    delegatorRefs: string[];
    readable?: PermissionCriteria<RequestFilter>;
    /** The sequence of the previous page's last request. */
    afterSequence?: number;
    limit: number;
  }): Promise<RequestPage>;

  /**
   * A page of the requests on which this user decided, for themselves or
   * as a delegate, newest first.
   */
  listDecidedBy(query: {
    userRef: string;
    readable?: PermissionCriteria<RequestFilter>;
    /** The sequence of the previous page's last request. */
    beforeSequence?: number;
    limit: number;
  }): Promise<RequestPage>;

  /**
   * Claims automatic requests whose scaffolder task has not started: those
   * waiting for fulfilment (moved by `start` in the same transaction) and
   * those in it without a task, unless another worker's claim still runs.
   * A claim lasts `leaseMs`; a worker that dies leaves it to expire.
   */
  claimFulfilment(options: {
    worker: string;
    leaseMs: number;
    limit: number;
    /** How a request waiting for fulfilment starts. */
    start: RequestTransition;
    /** Requests this pass already tried: left for a later pass. */
    excludeIds?: string[];
    /** When the claim begins: now, unless the worker's clock says. */
    now?: Date;
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
    now?: Date;
  }): Promise<void>;

  /** IN_PROGRESS automatic requests whose task runs. */
  listFollowing(options: { limit: number }): Promise<ServiceRequest[]>;

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
