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
 * gave it up, or the holder left the organisation.
 *
 * @public
 */
export type GrantEndReason = 'revoked' | 'expired' | 'given-up' | 'left';

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
  /** The task of the offering's revoke template, once started. */
  revokeTaskId?: string;
  /** Why the revoke template failed; the grant stays `revoking`. */
  failure?: RequestFailure;
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
