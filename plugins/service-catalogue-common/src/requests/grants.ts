import { OfferingSummary } from '../types';
import { RequestFailure, ServiceRequest } from './types';

/**
 * Where a grant stands: `active` while held, `revoking` while the offering's
 * revoke template runs, `ended` once access is gone.
 *
 * @public
 */
export type GrantState = 'active' | 'revoking' | 'ended';

/**
 * Why a grant ended: an owner or the desk revoked it, it ran out, the holder
 * gave it up, left the organisation, or left the group that gave it as a
 * birthright, or its owners moved everyone to another offering, or an access
 * review did not keep it.
 *
 * @public
 */
export type GrantEndReason =
  | 'revoked'
  | 'expired'
  | 'given-up'
  | 'left'
  | 'moved'
  | 'swapped'
  | 'reviewed';

/**
 * Access someone holds because a request for a revocable offering was
 * fulfilled.
 *
 * @public
 */
export interface Grant {
  id: string;
  holderRef: string;
  offeringRef: string;
  offeringTitle: string;
  /** The offering's owner when granted: they revoke it. */
  offeringOwnerRef: string;
  /** What the offering gives access to, when it names it. */
  targetRef?: string;
  /** The request that granted it. */
  requestId: string;
  trackingNumber: string;
  state: GrantState;
  grantedAt: string;
  /** When it ends on its own, from the offering's `grant.duration`. */
  expiresAt?: string;
  endedAt?: string;
  endReason?: GrantEndReason;
  /** Who ended it, or the backend when it expired. */
  endedByRef?: string;
  /** The access review line whose decision ended it, when one did. */
  endedByReview?: { campaignId: string; lineId: string };
  /** The task of the offering's revoke template, once started. */
  revokeTaskId?: string;
  /** Why the revoke template failed; the grant stays `revoking`. */
  failure?: RequestFailure;
  /** The holder's request for more time, while it is open. */
  pendingExtension?: { requestId: string; trackingNumber: string };
  /** The group whose members hold it as a birthright, when they do. */
  birthrightGroupRef?: string;
  /**
   * Set when the owners should look at the grant, such as when its holder
   * no longer fits the offering's audience; access is left as it is.
   */
  review?: { reason: string; flaggedAt: string };
}

/**
 * Response of `GET /grants`.
 *
 * @public
 */
export interface ListGrantsResponse {
  items: Grant[];
}

/**
 * Body of `POST /grants/{grantId}/revoke`.
 *
 * @public
 */
export interface RevokeGrantBody {
  /** Said to the holder. */
  reason?: string;
}

/**
 * Body of `POST /grants/{grantId}/extend`.
 *
 * @public
 */
export interface ExtendGrantBody {
  /** Why the holder needs more time; said to the approvers. */
  reason?: string;
}

/**
 * Body of `POST /grants`: records access that a template or the desk gave
 * outside a request's own fulfilment.
 *
 * @public
 */
export interface RecordGrantBody {
  /** Entity ref of the offering, such as `offering:default/figma-licence`. */
  offeringRef: string;
  /** Entity ref of the user who holds the access. */
  holderRef: string;
  /**
   * When the access ends; defaults to the offering's `grant.duration` from
   * now, or never when it has none.
   */
  expiresAt?: string;
  /** Why it was given, kept in the history of the grant's request. */
  reason?: string;
}

/**
 * Query of `GET /grants`: without it, the caller's own grants.
 *
 * @public
 */
export interface ListGrantsQuery {
  /** Someone else's grants, on offerings the caller fulfils. */
  holderRef?: string;
  offeringRef?: string;
  state?: GrantState[];
}

/**
 * Response of `GET /access/{kind}/{namespace}/{name}`: what the caller sees
 * of access to one catalog entity, for its Access tab.
 *
 * @public
 */
export interface EntityAccess {
  /** The offerings that give access to the entity and the caller may see. */
  offerings: OfferingSummary[];
  /** The caller's own grants on those offerings, active and ended. */
  myGrants: Grant[];
  /** The caller's requests for those offerings that are still open. */
  myRequests: ServiceRequest[];
  /**
   * The active grants of everyone, on the offerings the caller owns (or all
   * of them for the desk and administrators); empty for others.
   */
  holders: Grant[];
  /** Whether the caller may revoke the grants in `holders`. */
  canRevoke: boolean;
}

/**
 * What was taken away from someone who left the organisation: found missing
 * from the catalog, or marked as gone there.
 *
 * @public
 */
export interface Departure {
  id: string;
  userRef: string;
  detectedAt: string;
  reason: 'missing' | 'marked';
  revokedGrants: Array<{
    grantId: string;
    offeringRef: string;
    offeringTitle: string;
  }>;
  cancelledRequests: Array<{
    requestId: string;
    trackingNumber: string;
    offeringTitle: string;
  }>;
}

/**
 * Response of `GET /departures`.
 *
 * @public
 */
export interface ListDeparturesResponse {
  items: Departure[];
}

/**
 * Every holder of one offering moved to another, and how far it got.
 *
 * @public
 */
export interface Swap {
  id: string;
  fromOfferingRef: string;
  toOfferingRef: string;
  actorRef: string;
  state: 'running' | 'done';
  total: number;
  /** Holders whose new request was raised and whose old grant is ending. */
  moved: number;
  failed: number;
  createdAt: string;
  finishedAt?: string;
}

/**
 * Body of `POST /offerings/{namespace}/{name}/swap`.
 *
 * @public
 */
export interface StartSwapBody {
  /** Entity ref of the offering every holder moves to. */
  toOfferingRef: string;
}
