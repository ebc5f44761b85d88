import { DateTime } from 'luxon';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  Grant,
  GrantEndReason,
  GrantState,
} from '@service-catalogue/plugin-service-catalogue-common';

const STATE_LABELS: Record<GrantState, string> = {
  active: 'Active',
  revoking: 'Being revoked',
  ended: 'Ended',
};

/**
 * The label of a grant's state, such as `Being revoked`.
 *
 * @internal
 */
export function grantStateLabel(state: GrantState): string {
  return STATE_LABELS[state] ?? state;
}

const END_REASON_LABELS: Record<GrantEndReason, string> = {
  revoked: 'Revoked',
  expired: 'Expired',
  'given-up': 'Given up',
  left: 'Left',
  moved: 'Left the group',
  swapped: 'Replaced',
  reviewed: 'Revoked in a review',
};

/**
 * Why a grant ended, such as `Given up`.
 *
 * @internal
 */
export function endReasonLabel(reason: GrantEndReason): string {
  return END_REASON_LABELS[reason] ?? reason;
}

/**
 * A day as people read it, such as `12 Mar 2025`.
 *
 * @internal
 */
export function formatDate(iso: string): string {
  return DateTime.fromISO(iso).toLocaleString(DateTime.DATE_MED);
}

/**
 * How far off a timestamp is, such as `in 12 days` or `3 days ago`.
 *
 * @internal
 */
export function formatRelative(iso: string): string {
  return DateTime.fromISO(iso).toRelative() ?? formatDate(iso);
}

const STATE_ORDER: Record<GrantState, number> = {
  active: 0,
  revoking: 1,
  ended: 2,
};

/**
 * Grants with the active ones first, then those being revoked, which still
 * give access, then the ended ones; otherwise in the backend's order.
 *
 * @internal
 */
export function sortGrants(grants: Grant[]): Grant[] {
  return [...grants].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state],
  );
}

/**
 * The route parameters of the offering page of a grant's offering.
 *
 * @internal
 */
export function offeringParams(offeringRef: string): {
  namespace: string;
  name: string;
} {
  const { namespace, name } = parseEntityRef(offeringRef, {
    defaultKind: 'offering',
  });
  return { namespace, name };
}
