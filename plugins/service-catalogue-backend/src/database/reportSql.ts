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

  /**
   * A query over `rows`, by `partition` if given (the caller adds the
   * GROUP BY), selecting each measure's percentiles as `<measure>_<50|90>`.
   * PostgreSQL computes them with `percentile_cont`; SQLite has none, so
   * there they come from ranks: ROW_NUMBER() and COUNT() windows, which
   * both have, and interpolation between the two nearest ranks.
   */
  percentiles(
    db: Knex,
    rows: Knex.QueryBuilder,
    options: {
      partition?: string;
      measures: string[];
      percentiles: number[];
    },
  ): Knex.QueryBuilder {
    const { measures, percentiles } = options;
    const partition = options.partition
      ? `PARTITION BY ${options.partition} `
      : '';
    const each = (f: (measure: string, p: number) => string) =>
      measures.flatMap(m =>
        percentiles.map(p => db.raw(`${f(m, p)} AS ${m}_${p * 100}`)),
      );
    if (this.postgres) {
      return db
        .from(rows.as('r'))
        .select(
          each((m, p) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY ${m})`),
        );
    }
    const ranked = db
      .from(rows.as('t'))
      .select(
        't.*',
        db.raw(`COUNT(*) OVER (${partition}) AS size`),
        ...measures.map(m =>
          db.raw(`ROW_NUMBER() OVER (${partition}ORDER BY ${m}) AS nth_${m}`),
        ),
      );
    return db
      .from(ranked.as('r'))
      .select(each((m, p) => this.percentile(p, m, `nth_${m}`, 'size')));
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
