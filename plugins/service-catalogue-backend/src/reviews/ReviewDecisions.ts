import {
  ReviewDecision,
  ReviewLine,
} from '@service-catalogue/plugin-service-catalogue-common';
import { GrantStore } from '../database/GrantStore';
import { StoreTransaction } from '../database/RequestStore';
import { LockedReviewLine, ReviewStore } from '../database/ReviewStore';

/**
 * What became of a line's grant when its decision was recorded.
 *
 * @internal
 */
export type GrantOutcome =
  /** Kept: nothing to do. */
  | 'kept'
  /** Revoked: ended at once, or `revoking` while its revoke template runs. */
  | 'revoked'
  /** Revoke decided, but the grant had ended or was being ended already. */
  | 'gone';

/**
 * Records one decision on a line and, for a revoke, ends its grant through
 * the grant store's own revoke path with reason `reviewed`, in the
 * caller's transaction: a decision is never recorded without its revoke,
 * nor a revoke without its decision. The revoke template of the offering,
 * if any, then runs through the gate like any other revocation.
 *
 * @internal
 */
export class ReviewDecisions {
  static create(options: {
    reviews: ReviewStore;
    grants: GrantStore;
  }): ReviewDecisions {
    return new ReviewDecisions(options.reviews, options.grants);
  }

  private constructor(
    private readonly reviews: ReviewStore,
    private readonly grants: GrantStore,
  ) {}

  async record(
    tx: StoreTransaction,
    line: LockedReviewLine,
    decision: {
      decision: ReviewDecision;
      actorRef: string;
      decidedForRef?: string;
      reason?: string;
      automatic: boolean;
      now: Date;
    },
  ): Promise<GrantOutcome> {
    await this.reviews.recordDecision(tx, line, {
      decision: decision.decision,
      decidedByRef: decision.actorRef,
      decidedForRef: decision.decidedForRef,
      reason: decision.reason,
      automatic: decision.automatic,
      at: decision.now,
    });
    let outcome: GrantOutcome = 'kept';
    if (decision.decision === 'revoke') {
      const grant = await this.grants.lockGrant(tx, line.grantId);
      const revocable =
        grant !== undefined &&
        (grant.state === 'active' ||
          (grant.state === 'revoking' && grant.failure !== undefined));
      if (revocable) {
        await this.grants.revokeGrantIn(tx, {
          grantId: line.grantId,
          reason: 'reviewed',
          actorRef: decision.actorRef,
          reviewLineId: line.id,
        });
        outcome = 'revoked';
      } else {
        outcome = 'gone';
      }
    }
    await this.reviews.addEvent(tx, line.campaignId, {
      type: decision.automatic ? 'deadline' : 'decided',
      at: decision.now.toISOString(),
      actorRef: decision.actorRef,
      lineId: line.id,
      message: describeDecision(line, decision, outcome),
    });
    return outcome;
  }
}

function describeDecision(
  line: ReviewLine,
  decision: {
    decision: ReviewDecision;
    actorRef: string;
    decidedForRef?: string;
    reason?: string;
    automatic: boolean;
  },
  outcome: GrantOutcome,
): string {
  const what = `${line.offeringTitle} of ${line.holderRef}`;
  const who = decision.automatic
    ? 'at the deadline, as the offering says for undecided lines'
    : `by ${decision.actorRef}${
        decision.decidedForRef ? ` for ${decision.decidedForRef}` : ''
      }`;
  const verb = decision.decision === 'keep' ? 'kept' : 'revoked';
  const gone =
    outcome === 'gone' ? ' (the grant had already ended or was ending)' : '';
  const reason = decision.reason ? `: ${decision.reason}` : '';
  return `${what} ${verb} ${who}${gone}${reason}`;
}
