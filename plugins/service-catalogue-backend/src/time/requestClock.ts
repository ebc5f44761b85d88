import { Duration } from 'luxon';
import {
  RequestState,
  TERMINAL_REQUEST_STATES,
} from '@service-catalogue/plugin-service-catalogue-common';
import { BusinessCalendar, CalendarSpec } from './BusinessCalendar';
import { SlaPolicy } from './SlaPolicies';

/**
 * What a request keeps of its SLA policy: the promise as it was made, so
 * that a later change of the deployment's config rewrites no due time and
 * the end is counted in the calendar the due times were.
 *
 * @internal
 */
export interface SlaTerms {
  policyId: string;
  policyTitle: string;
  calendar: CalendarSpec;
  warnAt: number;
  notify: string[];
  escalateTo: string[];
}

/**
 * The SLA clock a request starts with.
 *
 * @internal
 */
export interface NewSlaClock {
  terms: SlaTerms;
  responseDueAt?: Date;
  responseWarnAt?: Date;
  resolutionDueAt?: Date;
  resolutionWarnAt?: Date;
}

/**
 * The due and warning times of a request submitted at `now`. Nobody needs
 * to respond to a request that runs on its own from the start, so it has
 * no response target.
 *
 * @internal
 */
export function startSlaClock(
  policy: SlaPolicy,
  now: Date,
  options: { awaitsPerson: boolean },
): NewSlaClock {
  const { calendar, warnAt } = policy;
  const target = (duration: Duration | undefined) => {
    if (!duration) {
      return {};
    }
    const minutes = calendar.targetMinutes(duration);
    return {
      dueAt: calendar.addBusinessMinutes(now, minutes),
      warnAt: calendar.addBusinessMinutes(now, minutes * warnAt),
    };
  };
  const response = options.awaitsPerson ? target(policy.responseTarget) : {};
  const resolution = target(policy.resolutionTarget);
  return {
    terms: {
      policyId: policy.id,
      policyTitle: policy.title,
      calendar: calendar.spec,
      warnAt,
      notify: policy.notify,
      escalateTo: policy.escalateTo,
    },
    responseDueAt: response.dueAt,
    responseWarnAt: response.warnAt,
    resolutionDueAt: resolution.dueAt,
    resolutionWarnAt: resolution.warnAt,
  };
}

/**
 * What the end of a request records of its SLA: whether it met both
 * targets and the business time it took. Nothing for a request without an
 * SLA, one that does not end here, or one whose end is already recorded.
 *
 * @internal
 */
export function endOfSla(
  request: {
    createdAt: string;
    slaTerms?: SlaTerms;
    sla?: {
      responseDueAt?: string;
      resolutionDueAt?: string;
      respondedAt?: string;
      endedAt?: string;
    };
  },
  to: RequestState,
  now: Date,
): { endedAt: Date; met: boolean; businessMinutes: number } | undefined {
  const { slaTerms, sla } = request;
  if (
    !slaTerms ||
    !sla ||
    sla.endedAt ||
    !TERMINAL_REQUEST_STATES.includes(to)
  ) {
    return undefined;
  }
  const late = (due: string | undefined, at: Date) =>
    due !== undefined && at.getTime() > new Date(due).getTime();
  const responded = sla.respondedAt ? new Date(sla.respondedAt) : now;
  const met =
    !late(sla.responseDueAt, responded) && !late(sla.resolutionDueAt, now);
  const calendar = new BusinessCalendar(slaTerms.calendar);
  return {
    endedAt: now,
    met,
    businessMinutes: Math.round(
      calendar.businessMinutesBetween(new Date(request.createdAt), now),
    ),
  };
}

/**
 * When a stage that opens at `openedAt` times out.
 *
 * @internal
 */
export function stageDeadline(
  timeout: string | undefined,
  openedAt: Date,
): Date | undefined {
  if (!timeout) {
    return undefined;
  }
  const duration = Duration.fromISO(timeout);
  return duration.isValid && duration.toMillis() > 0
    ? new Date(openedAt.getTime() + duration.toMillis())
    : undefined;
}
