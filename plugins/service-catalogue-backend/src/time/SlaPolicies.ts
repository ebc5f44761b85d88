import { Config } from '@backstage/config';
import { DateTime, Duration } from 'luxon';
import { normalizeRef } from '../requests/refs';
import { BusinessCalendar, CalendarSpec } from './BusinessCalendar';

/**
 * An SLA policy of `serviceCatalogue.sla`, with its calendar resolved.
 *
 * @internal
 */
export interface SlaPolicy {
  id: string;
  title: string;
  /** Until the first human action: a decision, or the desk taking it. */
  responseTarget?: Duration;
  /** Until the request is done. */
  resolutionTarget?: Duration;
  calendar: BusinessCalendar;
  /** The fraction of a target after which people are warned. */
  warnAt: number;
  /** Told at the warning point, besides the assignee or desk and owners. */
  notify: string[];
  /** Told when a target is breached. */
  escalateTo: string[];
}

const WEEKDAYS: Record<string, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/**
 * The deployment's SLA policies and calendars, read once at start-up. Bad
 * settings stop the backend with a message naming the key, since a promise
 * made with a wrong calendar is worse than none.
 *
 * @internal
 */
export class SlaPolicies {
  static fromConfig(config: Config): SlaPolicies {
    const calendars = new Map<string, BusinessCalendar>([
      ['always', BusinessCalendar.always],
    ]);
    const calendarConfigs =
      config.getOptionalConfigArray('serviceCatalogue.calendars') ?? [];
    for (const [i, c] of calendarConfigs.entries()) {
      const calendar = readCalendar(c, `serviceCatalogue.calendars[${i}]`);
      if (calendars.has(calendar.spec.id)) {
        throw new Error(
          `serviceCatalogue.calendars[${i}]: calendar ${calendar.spec.id} is defined twice (always is built in)`,
        );
      }
      calendars.set(calendar.spec.id, calendar);
    }
    const policies = new Map<string, SlaPolicy>();
    const policyConfigs =
      config.getOptionalConfigArray('serviceCatalogue.sla') ?? [];
    for (const [i, p] of policyConfigs.entries()) {
      const key = `serviceCatalogue.sla[${i}]`;
      const id = p.getString('id');
      if (policies.has(id)) {
        throw new Error(`${key}: SLA policy ${id} is defined twice`);
      }
      const calendarId = p.getOptionalString('calendar') ?? 'always';
      const calendar = calendars.get(calendarId);
      if (!calendar) {
        throw new Error(
          `${key}: SLA policy ${id} names calendar ${calendarId}, which serviceCatalogue.calendars does not define`,
        );
      }
      const warnAt = p.getOptionalNumber('warnAt') ?? 0.75;
      if (!(warnAt > 0 && warnAt < 1)) {
        throw new Error(
          `${key}.warnAt: must be a fraction between 0 and 1, such as 0.75`,
        );
      }
      const responseTarget = readTarget(p, 'responseTarget', key);
      const resolutionTarget = readTarget(p, 'resolutionTarget', key);
      if (!responseTarget && !resolutionTarget) {
        throw new Error(
          `${key}: SLA policy ${id} needs a responseTarget, a resolutionTarget or both`,
        );
      }
      const refs = (name: string) =>
        (p.getOptionalStringArray(name) ?? []).map(ref =>
          normalizeRef(ref, { field: `${key}.${name}`, defaultKind: 'user' }),
        );
      policies.set(id, {
        id,
        title: p.getOptionalString('title') ?? id,
        responseTarget,
        resolutionTarget,
        calendar,
        warnAt,
        notify: refs('notify'),
        escalateTo: refs('escalateTo'),
      });
    }
    return new SlaPolicies(policies);
  }

  private constructor(private readonly policies: Map<string, SlaPolicy>) {}

  /**
   * The policy an offering names, if the deployment defines it. Callers
   * accept a request for an offering naming an unknown policy without a
   * clock and log it: refusing would stop every request of a deployment
   * whose offerings named policies before this version acted on them.
   */
  find(id: string): SlaPolicy | undefined {
    return this.policies.get(id);
  }
}

function readTarget(
  config: Config,
  name: string,
  key: string,
): Duration | undefined {
  const text = config.getOptionalString(name);
  if (text === undefined) {
    return undefined;
  }
  const duration = Duration.fromISO(text);
  const { years, months, weeks } = duration.isValid
    ? duration.toObject()
    : { years: 1, months: 0, weeks: 0 };
  if (!duration.isValid || years || months || weeks) {
    throw new Error(
      `${key}.${name}: ${text} is not an ISO 8601 duration in days, hours and minutes, such as PT4H or P2D`,
    );
  }
  if (duration.toMillis() <= 0) {
    throw new Error(`${key}.${name}: ${text} must be longer than nothing`);
  }
  return duration;
}

function readCalendar(config: Config, key: string): BusinessCalendar {
  const id = config.getString('id');
  const timeZone = config.getOptionalString('timeZone') ?? 'UTC';
  if (!DateTime.local().setZone(timeZone).isValid) {
    throw new Error(`${key}.timeZone: ${timeZone} is not a known time zone`);
  }
  const workingDays = (
    config.getOptionalStringArray('workingDays') ?? [
      'monday',
      'tuesday',
      'wednesday',
      'thursday',
      'friday',
    ]
  ).map(day => {
    const n = WEEKDAYS[day.toLocaleLowerCase('en-US')];
    if (!n) {
      throw new Error(`${key}.workingDays: ${day} is not a day of the week`);
    }
    return n;
  });
  if (workingDays.length === 0) {
    throw new Error(`${key}.workingDays: a calendar needs a working day`);
  }
  const startMinute = readClock(
    config.getOptionalString('workingHours.start') ?? '09:00',
    `${key}.workingHours.start`,
  );
  const endMinute = readClock(
    config.getOptionalString('workingHours.end') ?? '17:00',
    `${key}.workingHours.end`,
  );
  if (endMinute <= startMinute) {
    throw new Error(
      `${key}.workingHours: the end must come after the start on the same day`,
    );
  }
  const holidays = (config.getOptionalStringArray('holidays') ?? []).map(
    day => {
      const date = DateTime.fromISO(day, { zone: timeZone });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !date.isValid) {
        throw new Error(
          `${key}.holidays: ${day} is not an ISO date such as 2026-12-25`,
        );
      }
      return day;
    },
  );
  const spec: CalendarSpec = {
    id,
    timeZone,
    workingDays: [...new Set(workingDays)],
    startMinute,
    endMinute,
    holidays,
  };
  return new BusinessCalendar(spec);
}

function readClock(text: string, key: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || minutes > 1440) {
    throw new Error(`${key}: ${text} is not a time of day such as 09:00`);
  }
  return minutes;
}
