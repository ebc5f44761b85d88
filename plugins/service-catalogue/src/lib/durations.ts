/**
 * The components of an ISO 8601 duration such as `P1Y2M3DT4H5M6S`.
 *
 * @internal
 */
export type DurationParts = {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
};

// A number may carry a decimal fraction, written with either a point or a
// comma as ISO 8601 allows. The lookaheads reject the bare `P` and `PT`, which
// the standard does not allow although every part is optional.
const NUMBER = '(\\d+(?:[.,]\\d+)?)';
const ISO_DURATION = new RegExp(
  `^P(?=\\d|T)(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?` +
    `(?:T(?=\\d)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

const DAY = 24 * 60 * 60;
// Calendar units have no fixed length; average ones are good enough for an
// estimate, and keep twelve months equal to one year.
const YEAR = 365.25 * DAY;
const MONTH = YEAR / 12;

const UNITS: Array<{ key: keyof DurationParts; one: string; seconds: number }> =
  [
    { key: 'years', one: 'year', seconds: YEAR },
    { key: 'months', one: 'month', seconds: MONTH },
    { key: 'weeks', one: 'week', seconds: 7 * DAY },
    { key: 'days', one: 'day', seconds: DAY },
    { key: 'hours', one: 'hour', seconds: 60 * 60 },
    { key: 'minutes', one: 'minute', seconds: 60 },
    { key: 'seconds', one: 'second', seconds: 1 },
  ];

// Weeks are left out of estimates: "about 1 week" for ten days loses more
// than "about 10 days" does.
const APPROXIMATE_UNITS = UNITS.filter(
  unit => unit.key !== 'weeks' && unit.key !== 'seconds',
);

function quantity(count: number, one: string): string {
  return `${count} ${count === 1 ? one : `${one}s`}`;
}

/**
 * Parses an ISO 8601 duration such as `PT4H` or `P2D`.
 *
 * @returns the components, or `undefined` when the text is not a duration
 * @internal
 */
export function parseIsoDuration(text: string): DurationParts | undefined {
  const match = ISO_DURATION.exec(text.trim().toUpperCase());
  if (!match) {
    return undefined;
  }
  const [years, months, weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map(part => (part ? Number(part.replace(',', '.')) : 0));
  return { years, months, weeks, days, hours, minutes, seconds };
}

/**
 * Spells out an ISO 8601 duration as written, such as `90 days` for `P90D` or
 * `1 year 6 months` for `P1Y6M`. Used where the duration is a promise, such as
 * how long a grant lasts, and must not be rounded.
 *
 * @returns the text, or `undefined` when the value is not a duration
 * @internal
 */
export function formatDuration(text: string): string | undefined {
  const parts = parseIsoDuration(text);
  if (!parts) {
    return undefined;
  }
  const spelled = UNITS.filter(unit => parts[unit.key] > 0).map(unit =>
    quantity(parts[unit.key], unit.one),
  );
  return spelled.length > 0 ? spelled.join(' ') : 'no time';
}

/**
 * Rounds an ISO 8601 duration to its largest unit, such as `about 4 hours`
 * for `PT4H` or `about 2 days` for `P1DT20H`. Used for estimates, where a
 * precise figure would suggest a precision nobody promised.
 *
 * @returns the text, or `undefined` when the value is not a duration
 * @internal
 */
export function formatApproximateDuration(text: string): string | undefined {
  const parts = parseIsoDuration(text);
  if (!parts) {
    return undefined;
  }
  const total = UNITS.reduce(
    (sum, unit) => sum + parts[unit.key] * unit.seconds,
    0,
  );
  if (total === 0) {
    return 'immediately';
  }
  if (total < 60) {
    return 'less than a minute';
  }

  const index = APPROXIMATE_UNITS.findIndex(unit => total >= unit.seconds);
  const unit = APPROXIMATE_UNITS[index];
  const count = Math.round(total / unit.seconds);
  // Rounding up can reach the next unit: 23 hours 40 minutes is "about 1
  // day", not "about 24 hours".
  const larger = APPROXIMATE_UNITS[index - 1];
  if (larger && count * unit.seconds >= larger.seconds) {
    return `about ${quantity(1, larger.one)}`;
  }
  return `about ${quantity(count, unit.one)}`;
}
