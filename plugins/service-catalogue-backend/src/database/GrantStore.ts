import {
  Grant,
  GrantEndReason,
  RequestFailure,
} from '@service-catalogue/plugin-service-catalogue-common';
import { StoreTransaction } from './RequestStore';

/**
 * What a request remembers of its offering's `grant` settings.
 *
 * @internal
 */
export type GrantSpec = {
  duration?: string;
  revokeTemplateRef?: string;
  /** For a birthright: the group whose members hold it. */
  birthrightGroupRef?: string;
};

/**
 * A grant about to be recorded for a fulfilled request.
 *
 * @internal
 */
export interface NewGrant {
  requestId: string;
  holderRef: string;
  offeringRef: string;
  offeringTitle: string;
  offeringOwnerRef: string;
  targetRef?: string;
  grantedAt: Date;
  expiresAt?: Date;
  revokeTemplateRef?: string;
  birthrightGroupRef?: string;
}

/**
 * A grant read to change it inside a transaction.
 *
 * @internal
 */
export type LockedGrant = Grant & { version: number };

/**
 * A grant whose revoke template a worker claimed.
 *
 * @internal
 */
export interface RevocationClaim {
  grant: Grant;
  revokeTemplateRef: string;
  /** A new revocation after a failed one is a new run, with its own task. */
  run: number;
}

/**
 * Where grants live. The domain records them in the same transaction that
 * moves their request to DONE, and moves their end in the one that settles
 * an extension; every later change compares and sets the grant's version.
 *
 * @internal
 */
export interface GrantStore {
  insertGrant(tx: StoreTransaction, grant: NewGrant): Promise<string>;

  /** The holder's active grant on an offering, read inside a transaction. */
  findActiveGrant(
    tx: StoreTransaction,
    options: { holderRef: string; offeringRef: string },
  ): Promise<Grant | undefined>;

  /** Reads a grant to change it; on PostgreSQL it stays locked. */
  lockGrant(
    tx: StoreTransaction,
    grantId: string,
  ): Promise<LockedGrant | undefined>;

  /** Moves a grant's end, if it is still at the version it was read at. */
  setExpiry(
    tx: StoreTransaction,
    grant: { id: string; version: number },
    expiresAt: Date,
  ): Promise<void>;

  getGrant(id: string): Promise<Grant | undefined>;

  listGrants(query: {
    holderRef?: string;
    offeringRefs?: string[];
    states?: Grant['state'][];
  }): Promise<Grant[]>;

  /**
   * Ends an active grant, or starts ending it: `revoking` when the offering
   * has a revoke template (a worker runs it), `ended` when it has none. A
   * grant already `revoking` whose revoke task failed starts a new run.
   * Refuses (ConflictError) a grant that ended or whose revocation runs.
   */
  revokeGrant(options: {
    grantId: string;
    reason: GrantEndReason;
    actorRef: string;
  }): Promise<Grant>;

  /**
   * {@link GrantStore.revokeGrant} inside the caller's transaction, such as
   * the one that records the review decision ending the grant.
   */
  revokeGrantIn(
    tx: StoreTransaction,
    options: {
      grantId: string;
      reason: GrantEndReason;
      actorRef: string;
      /** The review line whose decision ends it. */
      reviewLineId?: string;
    },
  ): Promise<void>;

  /** Active grants whose time is up, moved on as `expired` revocations. */
  expireDue(options: { now: Date }): Promise<Grant[]>;

  /**
   * Active grants that expire before `now + withinMs` and whose holder was
   * not reminded yet, marked as reminded.
   */
  claimReminders(options: { now: Date; withinMs: number }): Promise<Grant[]>;

  claimRevocations(options: {
    worker: string;
    leaseMs: number;
    limit: number;
    /** Grants this pass already tried: left for a later pass. */
    excludeIds?: string[];
    /** When the claim begins: now, unless the worker's clock says. */
    now?: Date;
  }): Promise<RevocationClaim[]>;

  /**
   * Shortens a revocation claim whose start failed for now, so that a later
   * pass tries again soon; a later claim adopts a task this one may have
   * started after all.
   */
  releaseRevocationClaim(options: {
    grantId: string;
    worker: string;
    retryAfterMs: number;
    now?: Date;
  }): Promise<void>;

  recordRevokeTask(options: {
    grantId: string;
    worker: string;
    taskId: string;
  }): Promise<Grant>;

  /** Grants whose revoke task runs. */
  listRevoking(options: { limit: number }): Promise<Grant[]>;

  /** The revoke task succeeded: the grant ends. */
  finishRevocation(options: { grantId: string }): Promise<Grant>;

  /** The revoke task failed: the grant stays `revoking` with the reason. */
  failRevocation(options: {
    grantId: string;
    failure: RequestFailure;
  }): Promise<Grant>;

  /**
   * Flags a grant for its owners' review with a reason, or clears the flag
   * with `null`; tells whether anything changed.
   */
  setReview(options: {
    grantId: string;
    reason: string | null;
  }): Promise<boolean>;
}
