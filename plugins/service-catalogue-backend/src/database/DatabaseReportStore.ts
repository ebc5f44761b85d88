import { DatabaseService } from '@backstage/backend-plugin-api';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  AccessReport,
  ApprovalsReport,
  AutomationReport,
  DeliveryReport,
  ReportBucket,
  SlaBreachesReport,
  SlaReport,
  formatTrackingNumber,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import { RequestFilter } from '../permissions/rules';
import { ReportSql } from './reportSql';
import { applyRequestFilter } from './requestFilter';
import { Timestamp, toIso } from './timestamps';

/**
 * Which requests a report counts: those submitted in the period, for the
 * given offerings, owned by all of the given sets of owners (the caller's
 * own scope and the owner they filter on), and allowed by the permission
 * policy's conditions.
 *
 * @internal
 */
export interface ReportScope {
  from?: Date;
  to?: Date;
  offeringRefs?: string[];
  ownerRefs?: string[][];
  filter?: PermissionCriteria<RequestFilter>;
}

type Counted = { offering_ref: string; offering_title: string; count: number };

const number = (value: unknown): number => Number(value ?? 0);
const rate = (part: number, whole: number) => (whole ? part / whole : 0);

/**
 * The reports' aggregate queries. Every figure is computed by the database
 * (GROUP BY, percentiles); only one row per group comes back.
 *
 * @internal
 */
export class DatabaseReportStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseReportStore> {
    return new DatabaseReportStore(await options.database.getClient());
  }

  private readonly sql: ReportSql;

  private constructor(private readonly db: Knex) {
    this.sql = ReportSql.of(db);
  }

  /** Requests in scope, as `requests`, to aggregate on. */
  private requests(scope: ReportScope, period = true): Knex.QueryBuilder {
    const query = this.db('requests');
    if (period && scope.from) {
      query.where('requests.created_at', '>=', scope.from);
    }
    if (period && scope.to) {
      query.where('requests.created_at', '<', scope.to);
    }
    if (scope.offeringRefs) {
      query.whereIn('requests.offering_ref', scope.offeringRefs);
    }
    for (const owners of scope.ownerRefs ?? []) {
      query.whereIn('requests.offering_owner_ref', owners);
    }
    if (scope.filter) {
      const filter = scope.filter;
      query.where(inner => applyRequestFilter(inner, filter, this.db));
    }
    return query;
  }

  async countByOffering(
    scope: ReportScope,
    options: { limit?: number } = {},
  ): Promise<
    Array<{ offeringRef: string; offeringTitle: string; count: number }>
  > {
    const query = this.requests(scope)
      .select('requests.offering_ref')
      .max({ offering_title: 'requests.offering_title' })
      .count({ count: '*' })
      .groupBy('requests.offering_ref')
      .orderBy([
        { column: 'count', order: 'desc' },
        { column: 'requests.offering_ref', order: 'asc' },
      ]);
    if (options.limit) {
      query.limit(options.limit);
    }
    const rows: Counted[] = await query;
    return rows.map(row => ({
      offeringRef: row.offering_ref,
      offeringTitle: row.offering_title,
      count: number(row.count),
    }));
  }

  async countByPeriod(
    scope: ReportScope,
    bucket: ReportBucket,
  ): Promise<Array<{ period: string; count: number }>> {
    const period = this.sql.bucket('requests.created_at', bucket);
    const rows: Array<{ period: string; count: number }> = await this.requests(
      scope,
    )
      .select(this.db.raw(`${period} AS period`))
      .count({ count: '*' })
      .groupByRaw(period)
      .orderBy('period', 'asc');
    return rows.map(row => ({ period: row.period, count: number(row.count) }));
  }

  async delivery(scope: ReportScope): Promise<DeliveryReport['items']> {
    const { db, sql } = this;
    const doneAt = db('request_events')
      .select('request_id')
      .max({ at: 'created_at' })
      .where('to_state', 'DONE')
      .groupBy('request_id')
      .as('done');
    // A request without approval leaves it the moment it is submitted.
    const approvedAt = db('request_events')
      .select('request_id')
      .min({ at: 'created_at' })
      .where('from_state', 'PENDING_APPROVAL')
      .groupBy('request_id')
      .as('approved');
    const leftApproval = 'COALESCE(approved.at, requests.created_at)';
    const times = this.requests(scope)
      .join(doneAt, 'done.request_id', 'requests.id')
      .leftJoin(approvedAt, 'approved.request_id', 'requests.id')
      .where('requests.state', 'DONE')
      .select(
        'requests.offering_ref',
        'requests.offering_title',
        db.raw(`${sql.ms('done.at', 'requests.created_at')} AS total`),
        db.raw(`${sql.ms(leftApproval, 'requests.created_at')} AS approval`),
        db.raw(`${sql.ms('done.at', leftApproval)} AS fulfilment`),
      );
    const measures = ['total', 'approval', 'fulfilment'];
    const rows: Array<Record<string, string | number>> = await sql
      .percentiles(db, times, {
        partition: 'offering_ref',
        measures,
        percentiles: [0.5, 0.9],
      })
      .select(
        'offering_ref',
        db.raw('MAX(offering_title) AS offering_title'),
        db.raw('COUNT(*) AS delivered'),
      )
      .groupBy('offering_ref')
      .orderBy('offering_ref');
    return rows.map(row => ({
      offeringRef: String(row.offering_ref),
      offeringTitle: String(row.offering_title),
      delivered: number(row.delivered),
      totalMedianMs: Math.round(number(row.total_50)),
      totalP90Ms: Math.round(number(row.total_90)),
      approvalMedianMs: Math.round(number(row.approval_50)),
      approvalP90Ms: Math.round(number(row.approval_90)),
      fulfilmentMedianMs: Math.round(number(row.fulfilment_50)),
      fulfilmentP90Ms: Math.round(number(row.fulfilment_90)),
    }));
  }

  async slaCompliance(scope: ReportScope): Promise<SlaReport['items']> {
    const rows: Array<Record<string, string | number>> = await this.requests(
      scope,
    )
      .whereNotNull('requests.sla_policy_id')
      .whereNotNull('requests.sla_met')
      .select('requests.offering_ref', 'requests.sla_policy_id')
      .max({ offering_title: 'requests.offering_title' })
      .count({ ended: '*' })
      .select(
        this.db.raw(
          'SUM(CASE WHEN requests.sla_met = ? THEN 1 ELSE 0 END) AS met',
          [true],
        ),
      )
      .groupBy('requests.offering_ref', 'requests.sla_policy_id')
      .orderBy(['requests.offering_ref', 'requests.sla_policy_id']);
    return rows.map(row => ({
      offeringRef: String(row.offering_ref),
      offeringTitle: String(row.offering_title),
      policyId: String(row.sla_policy_id),
      ended: number(row.ended),
      met: number(row.met),
      complianceRate: rate(number(row.met), number(row.ended)),
    }));
  }

  async slaBreaches(
    scope: ReportScope,
    page: { limit: number; offset: number },
  ): Promise<SlaBreachesReport> {
    const breached = this.requests(scope)
      .whereNotNull('requests.sla_policy_id')
      .where(inner =>
        inner
          .where('requests.sla_met', false)
          .orWhereNotNull('requests.resolution_breached_at')
          .orWhereNotNull('requests.response_breached_at'),
      );
    const [{ count }] = await breached.clone().count({ count: '*' });
    const rows: Array<{
      id: string;
      sequence: number;
      offering_ref: string;
      offering_title: string;
      sla_policy_id: string;
      state: string;
      created_at: Timestamp;
      sla_due_at: Timestamp | null;
    }> = await breached
      .select(
        'requests.id',
        'requests.sequence',
        'requests.offering_ref',
        'requests.offering_title',
        'requests.sla_policy_id',
        'requests.state',
        'requests.created_at',
        'requests.sla_due_at',
      )
      .orderBy('requests.sequence', 'desc')
      .limit(page.limit)
      .offset(page.offset);
    return {
      totalCount: number(count),
      items: rows.map(row => ({
        id: row.id,
        trackingNumber: formatTrackingNumber(row.sequence),
        offeringRef: row.offering_ref,
        offeringTitle: row.offering_title,
        policyId: row.sla_policy_id,
        state: row.state,
        createdAt: toIso(row.created_at),
        ...(row.sla_due_at ? { slaDueAt: toIso(row.sla_due_at) } : {}),
      })),
    };
  }

  async automation(scope: ReportScope): Promise<AutomationReport['items']> {
    const manual =
      "SUM(CASE WHEN requests.fulfilment = 'manual' THEN 1 ELSE 0 END)";
    const rows: Array<Record<string, string | number>> = await this.requests(
      scope,
    )
      .where('requests.state', 'DONE')
      .select(
        'requests.offering_ref',
        this.db.raw('MAX(requests.offering_title) AS offering_title'),
        this.db.raw(`${manual} AS manual`),
        this.db.raw(
          "SUM(CASE WHEN requests.fulfilment = 'automatic' THEN 1 ELSE 0 END) AS automatic",
        ),
      )
      .groupBy('requests.offering_ref')
      .orderByRaw(`${manual} DESC, requests.offering_ref ASC`);
    return rows.map(row => ({
      offeringRef: String(row.offering_ref),
      offeringTitle: String(row.offering_title),
      automatic: number(row.automatic),
      manual: number(row.manual),
      automationRate: rate(
        number(row.automatic),
        number(row.automatic) + number(row.manual),
      ),
    }));
  }

  async approvals(scope: ReportScope): Promise<ApprovalsReport> {
    const { db, sql } = this;
    // Stages opened before the time migration have no opening time; the
    // first one opened with the request.
    const opened =
      'COALESCE(request_stages.opened_at, CASE WHEN request_stages.stage_index = 0 THEN requests.created_at END)';
    const times = this.requests(scope)
      .join('request_stages', 'request_stages.request_id', 'requests.id')
      .join('request_decisions', function onStage() {
        this.on(
          'request_decisions.request_id',
          '=',
          'request_stages.request_id',
        ).andOn(
          'request_decisions.stage_index',
          '=',
          'request_stages.stage_index',
        );
      })
      .whereRaw(`${opened} IS NOT NULL`)
      .select(
        db.raw('request_stages.stage_index AS stage'),
        db.raw(`${sql.ms('request_decisions.decided_at', opened)} AS took`),
      );
    const stages: Array<Record<string, number | string>> = await sql
      .percentiles(db, times, {
        partition: 'stage',
        measures: ['took'],
        percentiles: [0.5],
      })
      .select('stage', db.raw('COUNT(*) AS decisions'))
      .groupBy('stage')
      .orderBy('stage');

    // Decided: rejected, or out of approval for good.
    const [outcome] = await this.requests(scope)
      .whereExists(
        db('request_stages')
          .select(db.raw('1'))
          .whereRaw('request_stages.request_id = requests.id'),
      )
      .whereIn('requests.state', [
        'REJECTED',
        'APPROVED',
        'IN_PROGRESS',
        'DONE',
        'FAILED',
      ])
      .select(
        db.raw('COUNT(*) AS decided'),
        db.raw(
          "SUM(CASE WHEN requests.state = 'REJECTED' THEN 1 ELSE 0 END) AS rejected",
        ),
      );
    const decided = number(outcome?.decided);
    const rejected = number(outcome?.rejected);
    return {
      stages: stages.map(row => ({
        stage: number(row.stage),
        decisions: number(row.decisions),
        medianMs: Math.round(number(row.took_50)),
      })),
      decided,
      rejected,
      rejectionRate: rate(rejected, decided),
    };
  }

  /** Active grants now, and those ending within `soon` of `now`. */
  async access(
    scope: ReportScope,
    options: { now: Date; soon: Date },
  ): Promise<AccessReport['items']> {
    const rows: Array<Record<string, string | number>> = await this.requests(
      scope,
      false,
    )
      .join('grants', 'grants.request_id', 'requests.id')
      .where('grants.state', 'active')
      .select(
        'grants.offering_ref',
        this.db.raw('MAX(grants.offering_title) AS offering_title'),
        this.db.raw('COUNT(*) AS active'),
        this.db.raw(
          'SUM(CASE WHEN grants.expires_at >= ? AND grants.expires_at < ? THEN 1 ELSE 0 END) AS expiring',
          [options.now, options.soon],
        ),
      )
      .groupBy('grants.offering_ref')
      .orderBy('grants.offering_ref');
    return rows.map(row => ({
      offeringRef: String(row.offering_ref),
      offeringTitle: String(row.offering_title),
      active: number(row.active),
      expiringSoon: number(row.expiring),
    }));
  }

  /**
   * Leavers detected in the period: how long from the detection to the end
   * of the last of their grants in scope that their leaving took away. A
   * departure takes away what was held when it was detected, so someone who
   * left twice has each departure measured by its own grants.
   */
  async leavers(scope: ReportScope): Promise<AccessReport['leavers']> {
    const { db, sql } = this;
    const gone = this.requests(scope, false)
      .join('grants', 'grants.request_id', 'requests.id')
      .join('departures', join =>
        join
          .on('departures.user_ref', 'grants.holder_ref')
          .andOn('grants.granted_at', '<=', 'departures.detected_at')
          .andOn('grants.ended_at', '>=', 'departures.detected_at'),
      )
      .where('grants.end_reason', 'left')
      .whereNotNull('grants.ended_at')
      .modify(query => {
        if (scope.from) {
          query.where('departures.detected_at', '>=', scope.from);
        }
        if (scope.to) {
          query.where('departures.detected_at', '<', scope.to);
        }
      })
      .select(
        'departures.id',
        db.raw(
          `MAX(${sql.ms('grants.ended_at', 'departures.detected_at')}) AS took`,
        ),
      )
      .groupBy('departures.id');
    const [row] = await sql
      .percentiles(db, gone, { measures: ['took'], percentiles: [0.5] })
      .select(db.raw('COUNT(*) AS count'));
    const count = number(row?.count);
    return count
      ? { count, medianMs: Math.round(number(row.took_50)) }
      : { count: 0 };
  }
}
