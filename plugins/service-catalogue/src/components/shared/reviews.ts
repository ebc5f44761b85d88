import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import {
  GrantOrigin,
  ReviewCampaign,
  ReviewDecision,
  ReviewEvent,
  ReviewLine,
  ReviewScope,
} from '@service-catalogue/plugin-service-catalogue-common';

const ORIGIN_LABELS: Record<GrantOrigin, string> = {
  request: 'Requested',
  birthright: 'Birthright',
  desk: 'Recorded by the desk',
};

/**
 * Why a holder had the access when the campaign opened, such as
 * `Birthright`.
 *
 * @internal
 */
export function originLabel(origin: GrantOrigin): string {
  return ORIGIN_LABELS[origin] ?? origin;
}

const DECISION_LABELS: Record<ReviewDecision, string> = {
  keep: 'Kept',
  revoke: 'Revoked',
};

/**
 * What became of a line, such as `Kept`, or `Undecided`.
 *
 * @internal
 */
export function decisionLabel(decision: ReviewDecision | undefined): string {
  return decision ? DECISION_LABELS[decision] : 'Undecided';
}

const EVENT_LABELS: Record<ReviewEvent['type'], string> = {
  opened: 'Opened',
  reminded: 'Reviewers reminded',
  decided: 'Decided',
  deadline: 'Deadline reached',
  closed: 'Closed',
};

/**
 * A step in a campaign's history, such as `Reviewers reminded`.
 *
 * @internal
 */
export function reviewEventLabel(type: ReviewEvent['type']): string {
  return EVENT_LABELS[type] ?? type;
}

/**
 * An entity ref as people read it, without the kind they can guess.
 *
 * @internal
 */
export function refName(ref: string, defaultKind = 'user'): string {
  return humanizeEntityRef(parseEntityRef(ref), { defaultKind });
}

/**
 * What a campaign covers, such as `offering:vpn-access` or
 * `Everything network-team owns`.
 *
 * @internal
 */
export function scopeLabel(scope: ReviewScope): string {
  return scope.kind === 'offering'
    ? refName(scope.offeringRef, 'offering')
    : `Everything ${refName(scope.ownerRef, 'group')} owns`;
}

/**
 * How many lines were decided, by a reviewer or at the deadline.
 *
 * @internal
 */
export function decidedCount(campaign: ReviewCampaign): number {
  return campaign.progress.total - campaign.progress.undecided;
}

/**
 * `1 line` or `3 lines`.
 *
 * @internal
 */
export function pluralLines(count: number): string {
  return count === 1 ? '1 line' : `${count} lines`;
}

/**
 * A line as a sentence names it: its holder and offering.
 *
 * @internal
 */
export function lineName(line: ReviewLine): string {
  return `${refName(line.holderRef)}, ${line.offeringTitle}`;
}
