import { GrantState } from './requests/grants';

/**
 * A reviewer's answer for one line: the holder keeps the access, or it is
 * revoked.
 *
 * @public
 */
export type ReviewDecision = 'keep' | 'revoke';

/**
 * Why the holder had the access when the campaign opened: a fulfilled
 * request, a birthright of their group, or access the desk recorded.
 *
 * @public
 */
export type GrantOrigin = 'request' | 'birthright' | 'desk';

/**
 * What a campaign covers: one offering, or every offering a group owns
 * that leaves grants.
 *
 * @public
 */
export type ReviewScope =
  | { kind: 'offering'; offeringRef: string }
  | { kind: 'owner'; ownerRef: string };

/**
 * How far a campaign has come.
 *
 * @public
 */
export interface ReviewProgress {
  total: number;
  kept: number;
  revoked: number;
  undecided: number;
}

/**
 * An access review campaign: a snapshot of the grants active when it
 * opened, each a line for its reviewers to keep or revoke by the deadline.
 *
 * @public
 */
export interface ReviewCampaign {
  id: string;
  title: string;
  scope: ReviewScope;
  /** `schedule` when an offering's `spec.review` opened it. */
  trigger: 'schedule' | 'manual';
  /** The user who opened it by hand, or the backend for a scheduled one. */
  openedByRef: string;
  openedAt: string;
  deadlineAt: string;
  state: 'open' | 'closed';
  closedAt?: string;
  /** The owners of the offerings it covers: they see it. */
  ownerRefs: string[];
  progress: ReviewProgress;
}

/**
 * One grant in a campaign, as it was when the campaign opened, and what
 * became of it.
 *
 * @public
 */
export interface ReviewLine {
  id: string;
  campaignId: string;
  campaignTitle: string;
  deadlineAt: string;
  grantId: string;
  holderRef: string;
  offeringRef: string;
  offeringTitle: string;
  offeringOwnerRef: string;
  targetRef?: string;
  /** Since when the holder had it. */
  grantedAt: string;
  origin: GrantOrigin;
  /** The request that granted it. */
  trackingNumber: string;
  /** The users who may decide the line, resolved when the campaign opened. */
  reviewerRefs: string[];
  /** What happens to the line if nobody decides it by the deadline. */
  onUndecided: ReviewDecision;
  decision?: ReviewDecision;
  /** Who decided: a reviewer, their delegate, or the backend at the deadline. */
  decidedByRef?: string;
  /** The reviewer a delegate decided for. */
  decidedForRef?: string;
  decidedAt?: string;
  /** True when the deadline's rule decided the line. */
  automatic?: boolean;
  reason?: string;
  /** Where the grant stands now. */
  grantState?: GrantState;
}

/**
 * Query of `GET /reviews/lines`: the lines the caller may decide now, as a
 * reviewer or for a reviewer who delegated to them.
 *
 * @public
 */
export interface ListReviewLinesQuery {
  campaignId?: string;
  offeringRef?: string;
  /** What the offerings give access to, for an entity's Access tab. */
  targetRef?: string;
  /** Part of the holder's ref, case-insensitive. */
  holder?: string;
  cursor?: string;
  limit?: number;
}

/**
 * Response of `GET /reviews/lines`.
 *
 * @public
 */
export interface ListReviewLinesResponse {
  items: ReviewLine[];
  nextCursor?: string;
}

/**
 * Body of `POST /reviews/decisions`: one decision for up to 100 lines.
 *
 * @public
 */
export interface DecideReviewLinesBody {
  lineIds: string[];
  decision: ReviewDecision;
  /** Why; required to revoke, and said to the holder. */
  reason?: string;
}

/**
 * Response of `POST /reviews/decisions`: the outcome of each line, in the
 * order asked.
 *
 * @public
 */
export interface DecideReviewLinesResponse {
  results: Array<
    | { lineId: string; line: ReviewLine }
    | { lineId: string; error: { name: string; message: string } }
  >;
}

/**
 * Query of `GET /reviews/campaigns`: the campaigns of the offerings the
 * caller owns, or all of them for administrators and the desk.
 *
 * @public
 */
export interface ListReviewCampaignsQuery {
  state?: 'open' | 'closed';
  cursor?: string;
  limit?: number;
}

/**
 * Response of `GET /reviews/campaigns`.
 *
 * @public
 */
export interface ListReviewCampaignsResponse {
  items: ReviewCampaign[];
  nextCursor?: string;
}

/**
 * Body of `POST /reviews/campaigns`: a campaign opened by hand for one
 * offering or for everything a group owns.
 *
 * @public
 */
export interface StartReviewCampaignBody {
  scope: ReviewScope;
  /** ISO 8601 duration it stays open; the offering's, or P14D. */
  deadline?: string;
  title?: string;
}

/**
 * One step in a campaign's history.
 *
 * @public
 */
export interface ReviewEvent {
  type: 'opened' | 'reminded' | 'decided' | 'deadline' | 'closed';
  at: string;
  actorRef: string;
  lineId?: string;
  message: string;
}

/**
 * Response of `GET /reviews/campaigns/{campaignId}/report`, also as CSV
 * with `format=csv`: every line, who decided what, when and why, and the
 * campaign's history.
 *
 * @public
 */
export interface ReviewCampaignReport {
  campaign: ReviewCampaign;
  lines: ReviewLine[];
  events: ReviewEvent[];
}
