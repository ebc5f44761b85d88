import { Duration } from 'luxon';
import { BusinessCalendar } from './BusinessCalendar';

const paris = new BusinessCalendar({
  id: 'paris-office',
  timeZone: 'Europe/Paris',
  workingDays: [1, 2, 3, 4, 5],
  startMinute: 9 * 60,
  endMinute: 17 * 60,
  holidays: ['2026-12-25'],
});

const at = (iso: string) => new Date(iso);

describe('BusinessCalendar', () => {
  it.each([
    // Friday 16:30 in Paris (UTC+1) plus an hour: 30 minutes on Friday,
    // 30 on Monday morning.
    ['over a weekend', '2026-11-27T15:30:00Z', 60, '2026-11-30T08:30:00Z'],
    // Starting on a Saturday counts from Monday 09:00.
    ['from a weekend', '2026-11-28T12:00:00Z', 30, '2026-11-30T08:30:00Z'],
    // Before hours counts from 09:00 the same day.
    ['before hours', '2026-12-01T06:00:00Z', 30, '2026-12-01T08:30:00Z'],
    // After hours counts from 09:00 the next working day.
    ['after hours', '2026-12-01T19:00:00Z', 30, '2026-12-02T08:30:00Z'],
    // Thursday 24 December 16:00: an hour that day, Christmas off, then the
    // weekend, then Monday.
    ['over a holiday', '2026-12-24T15:00:00Z', 120, '2026-12-28T09:00:00Z'],
    // Friday 27 March 2026 is in CET (UTC+1); clocks move on Sunday 29, so
    // Monday's 09:00 is 07:00Z.
    ['over a DST change', '2026-03-27T15:00:00Z', 120, '2026-03-30T08:00:00Z'],
    // A whole working day lands at the same wall-clock time the next day.
    ['a day exactly', '2026-12-01T10:00:00Z', 480, '2026-12-02T10:00:00Z'],
  ])('adds business minutes %s', (_, start, minutes, expected) => {
    expect(paris.addBusinessMinutes(at(start), minutes).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  it.each([
    ['over a weekend', '2026-11-27T15:30:00Z', '2026-11-30T08:30:00Z', 60],
    ['inside one day', '2026-12-01T09:00:00Z', '2026-12-01T10:15:00Z', 75],
    ['outside hours only', '2026-12-01T17:00:00Z', '2026-12-02T07:59:00Z', 0],
    ['over a holiday', '2026-12-24T15:00:00Z', '2026-12-28T09:00:00Z', 120],
    ['backwards', '2026-12-02T10:00:00Z', '2026-12-01T10:00:00Z', 0],
    ['over a DST change', '2026-03-27T15:00:00Z', '2026-03-30T08:00:00Z', 120],
  ])('counts business minutes between two instants %s', (_, a, b, minutes) => {
    expect(paris.businessMinutesBetween(at(a), at(b))).toBe(minutes);
  });

  it('counts the hour a DST change removes or repeats inside working hours', () => {
    const nights = new BusinessCalendar({
      id: 'nights',
      timeZone: 'Europe/Paris',
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      startMinute: 60,
      endMinute: 4 * 60,
      holidays: [],
    });
    // 29 March 2026: 02:00 to 03:00 does not exist; three hours on the
    // clock are two elapsed.
    expect(
      nights.businessMinutesBetween(
        at('2026-03-28T23:00:00Z'),
        at('2026-03-29T22:00:00Z'),
      ),
    ).toBe(120);
    // 25 October 2026: 02:00 to 03:00 happens twice; four hours elapse.
    expect(
      nights.businessMinutesBetween(
        at('2026-10-24T22:00:00Z'),
        at('2026-10-25T23:00:00Z'),
      ),
    ).toBe(240);
  });

  it('is the inverse of itself: adding then counting gives the minutes back', () => {
    const start = at('2026-12-23T13:17:00Z');
    for (const minutes of [1, 59, 480, 481, 2000, 9000]) {
      const end = paris.addBusinessMinutes(start, minutes);
      expect(paris.businessMinutesBetween(start, end)).toBeCloseTo(minutes, 6);
    }
  });

  it('counts every minute in the built-in always calendar', () => {
    const start = at('2026-03-28T12:00:00Z');
    expect(
      BusinessCalendar.always.addBusinessMinutes(start, 48 * 60).toISOString(),
    ).toBe('2026-03-30T12:00:00.000Z');
    expect(
      BusinessCalendar.always.businessMinutesBetween(
        start,
        at('2026-03-28T13:30:00Z'),
      ),
    ).toBe(90);
  });

  it('reads a target in days as working days', () => {
    expect(paris.targetMinutes(Duration.fromISO('P1DT2H30M'))).toBe(
      8 * 60 + 150,
    );
    expect(BusinessCalendar.always.targetMinutes(Duration.fromISO('P2D'))).toBe(
      2 * 24 * 60,
    );
  });

  it('reads a target in hours as working hours, however many', () => {
    // 09:00 to 17:30: a working day is 510 minutes, but 24 working hours
    // are 1440 of them.
    const long = new BusinessCalendar({
      ...paris.spec,
      endMinute: 17 * 60 + 30,
    });
    expect(long.targetMinutes(Duration.fromISO('PT24H'))).toBe(24 * 60);
    expect(long.targetMinutes(Duration.fromISO('P1DT30H'))).toBe(510 + 30 * 60);
    expect(long.targetMinutes(Duration.fromISO('PT90M'))).toBe(90);
  });
});
