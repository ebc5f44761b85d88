import { DateTime } from 'luxon';
import { ResponseError } from '@backstage/errors';
import { JsonValue } from '@backstage/types';
import {
  ApprovalPolicy,
  RequestState,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * A timestamp as people read it, such as `12 Mar 2025, 14:05`.
 *
 * @internal
 */
export function formatDateTime(iso: string): string {
  return DateTime.fromISO(iso).toLocaleString(DateTime.DATETIME_MED);
}

/**
 * How long ago a timestamp was, such as `3 days ago`.
 *
 * @internal
 */
export function formatAge(iso: string): string {
  return DateTime.fromISO(iso).toRelative() ?? formatDateTime(iso);
}

const STATE_LABELS: Record<RequestState, string> = {
  NEW: 'New',
  PENDING_APPROVAL: 'Pending approval',
  APPROVED: 'Approved',
  IN_PROGRESS: 'In progress',
  DONE: 'Done',
  REJECTED: 'Rejected',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/**
 * The label of a request state, such as `Pending approval`.
 *
 * @internal
 */
export function stateLabel(state: RequestState): string {
  return STATE_LABELS[state] ?? state;
}

/**
 * How many of a stage's approvers must approve, in words.
 *
 * @internal
 */
export function policyLabel(policy: ApprovalPolicy): string {
  if (policy === 'any') {
    return 'Any one approver';
  }
  if (policy === 'all') {
    return 'All approvers';
  }
  return `${policy} approvers`;
}

/**
 * What went wrong, in the backend's own words where it gave some: its 4xx
 * messages name the problem, which the generic "Request failed with 400"
 * does not.
 *
 * @internal
 */
export function errorMessage(error: Error): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  return error.message;
}

/**
 * One form value as a short line of text.
 *
 * @internal
 */
export function formatValue(value: JsonValue | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'object') {
    return Array.isArray(value)
      ? value.map(formatValue).join(', ')
      : JSON.stringify(value);
  }
  return String(value);
}
