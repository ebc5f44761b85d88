import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import { Duration } from 'luxon';
import { GrantSpec, NewGrant } from '../database/GrantStore';
import { LockedRequest } from '../database/RequestStore';

/** How long the offering's grant lasts, when it ends on its own at all. */
function durationOf(spec: GrantSpec | undefined): number | undefined {
  const duration = spec?.duration ? Duration.fromISO(spec.duration) : undefined;
  return duration?.isValid && duration.toMillis() > 0
    ? duration.toMillis()
    : undefined;
}

/**
 * The grant a fulfilled request leaves: from the offering's settings as the
 * request kept them, ending after the offering's duration unless told
 * otherwise. One-off services leave none.
 *
 * @internal
 */
export function grantFor(
  request: LockedRequest,
  now: Date,
  expiresAt?: Date,
): NewGrant | undefined {
  if (!request.grant) {
    return undefined;
  }
  const duration = durationOf(request.grant);
  return {
    requestId: request.id,
    holderRef: request.requesterRef,
    offeringRef: request.offeringRef,
    offeringTitle: request.offeringTitle,
    offeringOwnerRef: request.offeringOwnerRef,
    targetRef: request.targetRef,
    grantedAt: now,
    expiresAt:
      expiresAt ??
      (duration !== undefined ? new Date(now.getTime() + duration) : undefined),
    revokeTemplateRef: request.grant.revokeTemplateRef,
    birthrightGroupRef: request.grant.birthrightGroupRef,
  };
}

/**
 * Where an approved extension moves a grant's end: by the offering's
 * duration, from the current end or from now when that is sooner. A grant
 * that ended is not brought back, and one whose offering no longer limits
 * access is not extended: the extension fails with the reason.
 *
 * @internal
 */
export function extendedEnd(
  grant: Grant | undefined,
  spec: GrantSpec | undefined,
  now: Date,
): { expiresAt: Date } | { failure: string } {
  if (!grant || grant.state !== 'active') {
    return { failure: 'The access ended before the extension was approved' };
  }
  const duration = durationOf(spec);
  if (duration === undefined) {
    return { failure: 'The offering no longer limits how long access lasts' };
  }
  const currentEnd = grant.expiresAt
    ? Date.parse(grant.expiresAt)
    : now.getTime();
  return {
    expiresAt: new Date(Math.max(now.getTime(), currentEnd) + duration),
  };
}
