/**
 * A column of a report table: its heading, and its value as text.
 *
 * @internal
 */
export type ReportColumn<T> = {
  title: string;
  value: (row: T) => string | number;
};

// Quotes a field when it holds a separator, a quote or a line break, and
// neutralises a leading formula sign so that spreadsheets show text.
function field(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The rows of a report table as CSV (RFC 4180), with a heading line.
 *
 * @internal
 */
export function toCsv<T>(columns: ReportColumn<T>[], rows: T[]): string {
  const lines = [
    columns.map(c => field(c.title)).join(','),
    ...rows.map(row => columns.map(c => field(c.value(row))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Hours with one decimal, for durations in milliseconds.
 *
 * @internal
 */
export function hours(ms: number): number {
  return Math.round(ms / 360_000) / 10;
}

/**
 * A rate between 0 and 1 as a whole percentage.
 *
 * @internal
 */
export function percent(rate: number): number {
  return Math.round(rate * 1000) / 10;
}
