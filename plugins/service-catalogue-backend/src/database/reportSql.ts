import { ReportBucket } from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';

/**
 * The few SQL expressions in which PostgreSQL and SQLite differ, for the
 * report queries. Timestamps are `timestamptz` in PostgreSQL and
 * milliseconds since the epoch in SQLite, where knex writes a Date as its
 * number.
 *
 * @internal
 */
export class ReportSql {
  static of(db: Knex): ReportSql {
    return new ReportSql(db.client.config.client === 'pg');
  }

  private constructor(readonly postgres: boolean) {}

  /**
   * Milliseconds from one timestamp column to a later one. EXTRACT gives
   * a numeric, whose arithmetic is several times slower than a double's
   * over many rows.
   */
  ms(later: string, earlier: string): string {
    return this.postgres
      ? `(EXTRACT(EPOCH FROM (${later} - ${earlier}))::double precision * 1000)`
      : `(${later} - ${earlier})`;
  }

  /** The first day of the week (Monday), month or quarter, as YYYY-MM-DD. */
  bucket(column: string, bucket: ReportBucket): string {
    if (this.postgres) {
      return `to_char(date_trunc('${bucket}', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
    }
    const day = `${column} / 1000, 'unixepoch'`;
    if (bucket === 'week') {
      // 'weekday 0' moves to the coming Sunday, or stays on one.
      return `date(${day}, 'weekday 0', '-6 days')`;
    }
    if (bucket === 'month') {
      return `strftime('%Y-%m-01', ${day})`;
    }
    return `strftime('%Y-', ${day}) || printf('%02d', ((CAST(strftime('%m', ${day}) AS INTEGER) - 1) / 3) * 3 + 1) || '-01'`;
  }

  /** The largest integer not above a non-negative number. */
  private floor(value: string): string {
    return this.postgres ? `FLOOR(${value})` : `CAST(${value} AS INTEGER)`;
  }

  /**
   * An aggregate for the `p` percentile of `value`, interpolated between
   * the two nearest ranks like PostgreSQL's `percentile_cont`, over rows
   * that carry their rank in the group (`rank`, from 1, ordered by
   * `value`) and the group's size (`size`). SQLite has no
   * `percentile_cont`; both have ROW_NUMBER() and COUNT() as windows.
   */
  percentile(p: number, value: string, rank: string, size: string): string {
    const position = `(1 + ${p} * (${size} - 1))`;
    const lower = this.floor(position);
    const fraction = `(${position} - ${lower})`;
    return `SUM(CASE WHEN ${rank} = ${lower} THEN ${value} * (1 - ${fraction}) WHEN ${rank} = ${lower} + 1 THEN ${value} * ${fraction} ELSE 0 END)`;
  }
}
