import {
  ReviewCampaign,
  ReviewDecision,
  ReviewEvent,
  ReviewLine,
  ReviewScope,
} from '@service-catalogue/plugin-service-catalogue-common';
import { StoreTransaction } from './RequestStore';

/**
 * An active grant as a campaign's snapshot takes it, with what tells why
 * its holder has it.
 *
 * @internal
 */
export interface SnapshotGrant {
  grantId: string;
  holderRef: string;
  offeringRef: string;
  offeringTitle: string;
  offeringOwnerRef: string;
  targetRef?: string;
  grantedAt: string;
  trackingNumber: string;
  birthrightGroupRef?: string;
  /** The desk or a template recorded it (`POST /grants`). */
  recorded: boolean;
}

/**
 * A line about to be written with its campaign.
 *
 * @internal
 */
export interface NewReviewLine {
  grant: SnapshotGrant;
  origin: ReviewLine['origin'];
  onUndecided: ReviewDecision;
  reviewerRefs: string[];
}

/**
 * A campaign about to be opened.
 *
 * @internal
 */
export interface NewReviewCampaign {
  title: string;
  scope: ReviewScope;
  trigger: ReviewCampaign['trigger'];
  /** Scheduled campaigns only: `<offeringRef>#<n>`, opened once. */
  scheduleKey?: string;
  openedByRef: string;
  openedAt: Date;
  deadlineAt: Date;
  ownerRefs: string[];
  /** What it covers: each under this campaign alone until it closes. */
  offeringRefs: string[];
  lines: NewReviewLine[];
}

/**
 * A line read to decide it, inside a transaction.
 *
 * @internal
 */
export type LockedReviewLine = ReviewLine & {
  version: number;
  campaignState: ReviewCampaign['state'];
};

/**
 * A campaign read to change it, inside a transaction.
 *
 * @internal
 */
export type LockedReviewCampaign = ReviewCampaign & { version: number };

/**
 * A page of a keyset-paged list: `next` is the key to go on after.
 *
 * @internal
 */
export interface ReviewPage<T, K> {
  items: T[];
  next?: K;
}

/**
 * Where to go on in the campaigns list, newest first.
 *
 * @internal
 */
export interface CampaignKey {
  openedAt: string;
  id: string;
}

/**
 * Where to go on in a reviewer's lines, soonest deadline first.
 *
 * @internal
 */
export interface LineKey {
  deadlineAt: string;
  id: string;
}

/**
 * Where access review campaigns, their lines and their history live. The
 * domain decides; the store reads and writes, and every change to a line
 * or a campaign compares and sets its version.
 *
 * @internal
 */
export interface ReviewStore {
  /** One transaction, again on fresh state when it lost a race. */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  /** The grants active now on these offerings. */
  activeGrants(
    tx: StoreTransaction,
    offeringRefs: string[],
  ): Promise<SnapshotGrant[]>;

  /** Since when the longest-held active grant of the offering is held. */
  oldestActiveGrant(offeringRef: string): Promise<Date | undefined>;

  /** When the offering's last scheduled campaign opened, and its key. */
  lastScheduled(
    tx: StoreTransaction | undefined,
    offeringRef: string,
  ): Promise<{ scheduleKey: string; openedAt: Date } | undefined>;

  /** The open campaign each of these offerings is under, if any. */
  openCampaignsOver(
    tx: StoreTransaction | undefined,
    offeringRefs: string[],
  ): Promise<Map<string, { id: string; title: string }>>;

  /**
   * Writes a campaign with its lines, reviewers and `opened` event; fails
   * with a unique violation when one of its offerings is under another
   * open campaign.
   */
  insertCampaign(
    tx: StoreTransaction,
    campaign: NewReviewCampaign,
    message: string,
  ): Promise<string>;

  getCampaign(id: string): Promise<ReviewCampaign | undefined>;

  /** Newest first; `ownerRefs` narrows to campaigns these owners see. */
  listCampaigns(query: {
    ownerRefs?: string[];
    state?: ReviewCampaign['state'];
    after?: CampaignKey;
    limit: number;
  }): Promise<ReviewPage<ReviewCampaign, CampaignKey>>;

  /** Every line of a campaign, with where its grant stands now. */
  listCampaignLines(campaignId: string): Promise<ReviewLine[]>;

  /**
   * Undecided lines of open campaigns whose deadline is after `now` that
   * these reviewers review (or that have no reviewer, with `unreviewed`),
   * not held by `notHolderRef`, soonest deadline first.
   */
  listDecidableLines(query: {
    now: Date;
    reviewerRefs: string[];
    unreviewed: boolean;
    notHolderRef: string;
    campaignId?: string;
    offeringRef?: string;
    targetRef?: string;
    holder?: string;
    after?: LineKey;
    limit: number;
  }): Promise<ReviewPage<ReviewLine, LineKey>>;

  getLine(id: string): Promise<ReviewLine | undefined>;

  /** These lines, with their grants' state; a page's worth of ids. */
  getLines(ids: string[]): Promise<ReviewLine[]>;

  /** Reads a line to decide it; on PostgreSQL it stays locked. */
  lockLine(
    tx: StoreTransaction,
    lineId: string,
  ): Promise<LockedReviewLine | undefined>;

  /** Records a decision, if the line is still at the version it was read at. */
  recordDecision(
    tx: StoreTransaction,
    line: { id: string; version: number },
    decision: {
      decision: ReviewDecision;
      decidedByRef: string;
      decidedForRef?: string;
      reason?: string;
      automatic: boolean;
      at: Date;
    },
  ): Promise<void>;

  addEvent(
    tx: StoreTransaction,
    campaignId: string,
    event: ReviewEvent,
  ): Promise<void>;

  listEvents(campaignId: string): Promise<ReviewEvent[]>;

  /**
   * Open campaigns whose reminder is due and not yet sent, each marked as
   * reminded; with the reviewers of their undecided lines.
   */
  claimReminders(options: {
    now: Date;
    beforeMs: number;
  }): Promise<Array<{ campaign: ReviewCampaign; reviewerRefs: string[] }>>;

  /** Ids of open campaigns whose deadline passed. */
  listDue(now: Date): Promise<string[]>;

  lockCampaign(
    tx: StoreTransaction,
    id: string,
  ): Promise<LockedReviewCampaign | undefined>;

  /**
   * Up to `limit` undecided lines of a campaign, to decide them at its
   * deadline a batch at a time.
   */
  lockUndecidedLines(
    tx: StoreTransaction,
    campaignId: string,
    limit: number,
  ): Promise<LockedReviewLine[]>;

  /** How many lines the deadline decided, and how many it revoked. */
  countAutomatic(
    tx: StoreTransaction,
    campaignId: string,
  ): Promise<{ automatic: number; revoked: number }>;

  /** Closes a campaign, if still at the version it was read at. */
  closeCampaign(
    tx: StoreTransaction,
    campaign: { id: string; version: number },
    at: Date,
  ): Promise<void>;
}
