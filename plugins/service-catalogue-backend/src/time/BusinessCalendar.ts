import { DateTime, Duration } from 'luxon';

/**
 * When people work: a time zone, the working weekdays (1 = Monday … 7 =
 * Sunday, as ISO and luxon count them), the working hours of each such day
 * as minutes after midnight, and holidays as ISO dates in that zone.
 *
 * @internal
 */
export interface CalendarSpec {
  id: string;
  timeZone: string;
  workingDays: number[];
  /** Minutes after local midnight; `end` may be 1440 (midnight). */
  startMinute: number;
  endMinute: number;
  holidays: string[];
}

const MINUTE_MS = 60_000;
// Ten years of days: a calendar with no working day left in that span is
// broken config, and the loops must end regardless.
const MAX_DAYS = 3660;

/**
 * Business-time arithmetic in one calendar. Working hours are read as wall
 * clock time in the calendar's zone on each day, so a DST change moves
 * them with the clocks, the way the people who work them see it.
 *
 * @internal
 */
export class BusinessCalendar {
  /** Every minute counts: plain elapsed time. */
  static readonly always = new BusinessCalendar({
    id: 'always',
    timeZone: 'UTC',
    workingDays: [1, 2, 3, 4, 5, 6, 7],
    startMinute: 0,
    endMinute: 1440,
    holidays: [],
  });

  private readonly holidays: Set<string>;
  private readonly elapsed: boolean;

  constructor(readonly spec: CalendarSpec) {
    this.holidays = new Set(spec.holidays);
    this.elapsed =
      spec.workingDays.length === 7 &&
      spec.startMinute === 0 &&
      spec.endMinute === 1440 &&
      spec.holidays.length === 0;
  }

  /** The length of a working day, in minutes. */
  get dayMinutes(): number {
    return this.spec.endMinute - this.spec.startMinute;
  }

  /**
   * How many business minutes an SLA target means in this calendar: a day
   * is a working day, hours and minutes are working hours and minutes.
   */
  targetMinutes(target: Duration): number {
    // Each unit as written: normalising the whole duration would fold
    // PT24H into a day and cut 24 working hours down to one working day.
    const { years, quarters, months, weeks, days, ...clock } =
      target.toObject();
    const workingDays = Duration.fromObject({
      years,
      quarters,
      months,
      weeks,
      days,
    }).as('days');
    return (
      workingDays * this.dayMinutes + Duration.fromObject(clock).as('minutes')
    );
  }

  /** The instant `minutes` business minutes after `start`. */
  addBusinessMinutes(start: Date, minutes: number): Date {
    if (this.elapsed) {
      return new Date(start.getTime() + minutes * MINUTE_MS);
    }
    let left = minutes * MINUTE_MS;
    for (const [from, to] of this.windowsFrom(start)) {
      const length = to - from;
      if (left <= length) {
        return new Date(from + left);
      }
      left -= length;
    }
    throw new Error(
      `Calendar ${
        this.spec.id
      } has no working time within ten years of ${start.toISOString()}`,
    );
  }

  /** Business minutes between two instants; zero when `end` is earlier. */
  businessMinutesBetween(start: Date, end: Date): number {
    if (end <= start) {
      return 0;
    }
    if (this.elapsed) {
      return (end.getTime() - start.getTime()) / MINUTE_MS;
    }
    let total = 0;
    for (const [from, to] of this.windowsFrom(start)) {
      if (from >= end.getTime()) {
        break;
      }
      total += Math.min(to, end.getTime()) - from;
    }
    return total / MINUTE_MS;
  }

  /** Working windows (epoch ms) from `start` on, the first one clipped. */
  private *windowsFrom(start: Date): Generator<[number, number]> {
    const { timeZone, startMinute, endMinute } = this.spec;
    let day = DateTime.fromJSDate(start, { zone: timeZone }).startOf('day');
    for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
      if (
        !this.spec.workingDays.includes(day.weekday) ||
        this.holidays.has(day.toISODate()!)
      ) {
        continue;
      }
      const from = Math.max(this.atMinute(day, startMinute), start.getTime());
      const to = this.atMinute(day, endMinute);
      if (to > from) {
        yield [from, to];
      }
    }
  }

  /**
   * The instant a wall-clock minute of a local day stands for. A minute
   * inside a DST gap does not exist and luxon moves it forward by the gap.
   */
  private atMinute(day: DateTime, minute: number): number {
    if (minute >= 1440) {
      return day.plus({ days: 1 }).startOf('day').toMillis();
    }
    return day
      .set({ hour: Math.floor(minute / 60), minute: minute % 60 })
      .toMillis();
  }
}
