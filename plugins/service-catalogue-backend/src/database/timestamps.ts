/**
 * A timestamp as the databases hand it back: a Date from PostgreSQL, a
 * number or string from SQLite.
 *
 * @internal
 */
export type Timestamp = Date | string | number;

/** @internal */
export function toIso(value: Timestamp): string {
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (typeof value === 'number') {
    return new Date(value).toISOString();
  }
  // SQLite hands back what was written; a bare "YYYY-MM-DD HH:MM:SS" is UTC.
  return new Date(
    /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`,
  ).toISOString();
}
