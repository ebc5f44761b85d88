import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseReportStore } from './DatabaseReportStore';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const HOUR = 3_600_000;
const at = (iso: string, plusHours = 0) =>
  new Date(new Date(iso).getTime() + plusHours * HOUR);

/** PostgreSQL's percentile_cont, for checking what both databases compute. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
}

type Seed = {
  offering: 'vpn' | 'laptop';
  state: string;
  createdAt: Date;
  approvedAfterHours?: number;
  doneAfterHours?: number;
  fulfilment?: 'manual' | 'automatic';
  requester?: string;
  sla?: { met?: boolean; breached?: boolean };
  decisions?: Array<{ stage: number; afterHours: number; decision: string }>;
};

const OWNERS = { vpn: 'group:default/network', laptop: 'group:default/it' };

async function seed(knex: Knex, seeds: Seed[]) {
  let n = 0;
  for (const s of seeds) {
    n += 1;
    const id = `r${n}`;
    await knex('requests').insert({
      id,
      offering_ref: `offering:default/${s.offering}`,
      offering_title: s.offering.toUpperCase(),
      offering_owner_ref: OWNERS[s.offering],
      requester_ref: `user:default/${s.requester ?? 'ann'}`,
      submitted_by_ref: `user:default/${s.requester ?? 'ann'}`,
      state: s.state,
      form_values: '{}',
      created_at: s.createdAt,
      updated_at: s.createdAt,
      fulfilment: s.fulfilment ?? 'manual',
      sla_policy_id: s.sla ? 'standard' : null,
      sla_met: s.sla?.met ?? null,
      resolution_breached_at: s.sla?.breached ? s.createdAt : null,
    });
    const event = (from: string, to: string, hours: number) =>
      knex('request_events').insert({
        request_id: id,
        type: 'transition',
        actor_ref: 'user:default/x',
        from_state: from,
        to_state: to,
        created_at: at(s.createdAt.toISOString(), hours),
      });
    if (s.approvedAfterHours !== undefined) {
      await event('PENDING_APPROVAL', 'APPROVED', s.approvedAfterHours);
    }
    if (s.doneAfterHours !== undefined) {
      await event('IN_PROGRESS', 'DONE', s.doneAfterHours);
    }
    for (const d of s.decisions ?? []) {
      await knex('request_stages')
        .insert({
          request_id: id,
          stage_index: d.stage,
          approver_spec: '[]',
          source: 'resolved',
          policy: 'any',
          required: 1,
          status: d.decision === 'approve' ? 'approved' : 'rejected',
          opened_at: d.stage === 0 ? null : s.createdAt,
        })
        .onConflict(['request_id', 'stage_index'])
        .ignore();
      await knex('request_decisions').insert({
        request_id: id,
        stage_index: d.stage,
        approver_ref: 'user:default/boss',
        decided_by_ref: 'user:default/boss',
        decision: d.decision,
        decided_at: at(s.createdAt.toISOString(), d.afterHours),
      });
    }
  }
}

const jan = (day: number) =>
  at(`2026-01-${String(day).padStart(2, '0')}T09:00:00Z`);

// VPN: five delivered requests with approval waits and totals in hours.
const vpnWaits = [1, 2, 3, 4, 10];
const vpnTotals = [5, 6, 9, 20, 40];
const seeds: Seed[] = [
  ...vpnWaits.map(
    (wait, i): Seed => ({
      offering: 'vpn',
      state: 'DONE',
      createdAt: jan(5 + i),
      approvedAfterHours: wait,
      doneAfterHours: vpnTotals[i],
      fulfilment: i < 2 ? 'automatic' : 'manual',
      sla: { met: i !== 4, breached: i === 4 },
      decisions: [{ stage: 0, afterHours: wait, decision: 'approve' }],
    }),
  ),
  // Laptops: one delivered without approval, one rejected, one in April.
  {
    offering: 'laptop',
    state: 'DONE',
    createdAt: jan(20),
    doneAfterHours: 8,
    requester: 'bob',
  },
  {
    offering: 'laptop',
    state: 'REJECTED',
    createdAt: jan(21),
    requester: 'bob',
    decisions: [
      { stage: 0, afterHours: 1, decision: 'approve' },
      { stage: 1, afterHours: 6, decision: 'reject' },
    ],
  },
  {
    offering: 'laptop',
    state: 'PENDING_APPROVAL',
    createdAt: at('2026-04-02T10:00:00Z'),
  },
];

describe.each(databases.eachSupportedId())(
  'DatabaseReportStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseReportStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId as TestDatabaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database as any);
      store = await DatabaseReportStore.create({ database } as any);
      await seed(knex, seeds);
    });

    it('counts requests by offering and by week, month and quarter', async () => {
      expect(await store.countByOffering({})).toEqual([
        { offeringRef: 'offering:default/vpn', offeringTitle: 'VPN', count: 5 },
        {
          offeringRef: 'offering:default/laptop',
          offeringTitle: 'LAPTOP',
          count: 3,
        },
      ]);
      expect(await store.countByPeriod({}, 'month')).toEqual([
        { period: '2026-01-01', count: 7 },
        { period: '2026-04-01', count: 1 },
      ]);
      expect(await store.countByPeriod({}, 'quarter')).toEqual([
        { period: '2026-01-01', count: 7 },
        { period: '2026-04-01', count: 1 },
      ]);
      // 5 Jan 2026 is a Monday; the 11th a Sunday of the same week.
      expect(await store.countByPeriod({}, 'week')).toEqual([
        { period: '2026-01-05', count: 5 },
        { period: '2026-01-19', count: 2 },
        { period: '2026-03-30', count: 1 },
      ]);
      expect(
        await store.countByPeriod(
          { from: jan(6), to: at('2026-03-01T00:00:00Z') },
          'month',
        ),
      ).toEqual([{ period: '2026-01-01', count: 6 }]);
    });

    it('computes median and 90th percentile times to deliver like percentile_cont', async () => {
      const [laptop, vpn] = await store.delivery({});
      const ms = (hours: number) => Math.round(hours * HOUR);
      expect(vpn).toEqual({
        offeringRef: 'offering:default/vpn',
        offeringTitle: 'VPN',
        delivered: 5,
        totalMedianMs: ms(percentile(vpnTotals, 0.5)),
        totalP90Ms: ms(percentile(vpnTotals, 0.9)),
        approvalMedianMs: ms(percentile(vpnWaits, 0.5)),
        approvalP90Ms: ms(percentile(vpnWaits, 0.9)),
        fulfilmentMedianMs: ms(
          percentile(
            vpnTotals.map((t, i) => t - vpnWaits[i]),
            0.5,
          ),
        ),
        fulfilmentP90Ms: ms(
          percentile(
            vpnTotals.map((t, i) => t - vpnWaits[i]),
            0.9,
          ),
        ),
      });
      // 90th of [5,6,9,20,40] lies between 20 and 40: 32 hours.
      expect(vpn.totalP90Ms).toBe(32 * HOUR);
      expect(laptop).toMatchObject({
        delivered: 1,
        totalMedianMs: 8 * HOUR,
        approvalMedianMs: 0,
        fulfilmentP90Ms: 8 * HOUR,
      });
      // SQLite has no percentile_cont to compare with; its figures are the
      // same computed ones checked above.
      const reference =
        knex.client.config.client === 'pg'
          ? (
              await knex.raw(`
          SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (e.created_at - r.created_at)) * 1000) AS p90
          FROM requests r JOIN request_events e ON e.request_id = r.id AND e.to_state = 'DONE'
          WHERE r.offering_ref = 'offering:default/vpn'`)
            ).rows[0].p90
          : vpn.totalP90Ms;
      expect(Math.round(Number(reference))).toBe(vpn.totalP90Ms);
    });

    it('narrows every figure to the owners and the permission filter', async () => {
      const laptopOnly = { ownerRefs: [['group:default/it']] };
      expect(await store.countByOffering(laptopOnly)).toEqual([
        expect.objectContaining({ offeringRef: 'offering:default/laptop' }),
      ]);
      expect(
        await store.countByOffering({
          ownerRefs: [['group:default/it'], ['group:default/network']],
        }),
      ).toEqual([]);
      expect(
        await store.countByOffering({
          filter: { key: 'requesterRef', values: ['user:default/Bob'] },
        }),
      ).toEqual([expect.objectContaining({ count: 2 })]);
      expect(await store.delivery(laptopOnly)).toHaveLength(1);
      expect(await store.slaCompliance(laptopOnly)).toEqual([]);
    });

    it('reports SLA compliance and lists the breaches', async () => {
      expect(await store.slaCompliance({})).toEqual([
        {
          offeringRef: 'offering:default/vpn',
          offeringTitle: 'VPN',
          policyId: 'standard',
          ended: 5,
          met: 4,
          complianceRate: 0.8,
        },
      ]);
      const breaches = await store.slaBreaches({}, { limit: 10, offset: 0 });
      expect(breaches.totalCount).toBe(1);
      expect(breaches.items[0]).toMatchObject({
        id: 'r5',
        policyId: 'standard',
        state: 'DONE',
        createdAt: jan(9).toISOString(),
      });
      expect(
        (await store.slaBreaches({}, { limit: 10, offset: 1 })).items,
      ).toEqual([]);
    });

    it('puts the most manual offerings first', async () => {
      expect(await store.automation({})).toEqual([
        expect.objectContaining({
          offeringRef: 'offering:default/vpn',
          automatic: 2,
          manual: 3,
          automationRate: 0.4,
        }),
        expect.objectContaining({
          offeringRef: 'offering:default/laptop',
          automatic: 0,
          manual: 1,
        }),
      ]);
    });

    it('reports the median decision time per stage and the rejection rate', async () => {
      const report = await store.approvals({});
      expect(report.stages).toEqual([
        // VPN waits 1,2,3,4,10 and the laptop's 1: median 2.5 hours.
        { stage: 0, decisions: 6, medianMs: 2.5 * HOUR },
        { stage: 1, decisions: 1, medianMs: 6 * HOUR },
      ]);
      expect(report).toMatchObject({
        decided: 6,
        rejected: 1,
        rejectionRate: 1 / 6,
      });
    });

    it('counts active grants, those expiring soon, and how long leavers kept access', async () => {
      const now = at('2026-02-01T00:00:00Z');
      const grant = (
        id: string,
        requestId: string,
        values: Record<string, unknown>,
      ) =>
        knex('grants').insert({
          id,
          request_id: requestId,
          holder_ref: 'user:default/ann',
          offering_ref: 'offering:default/vpn',
          offering_title: 'VPN',
          offering_owner_ref: OWNERS.vpn,
          state: 'active',
          granted_at: jan(10),
          ...values,
        });
      await grant('g1', 'r1', { expires_at: at('2026-02-10T00:00:00Z') });
      await grant('g2', 'r2', { expires_at: at('2026-06-01T00:00:00Z') });
      await grant('g3', 'r3', {});
      await grant('g4', 'r4', {
        state: 'ended',
        end_reason: 'left',
        ended_at: at('2026-01-30T03:00:00Z'),
      });
      await knex('departures').insert({
        id: 'd1',
        user_ref: 'user:default/ann',
        detected_at: at('2026-01-30T00:00:00Z'),
        reason: 'missing',
        revoked_grants: '[]',
        cancelled_requests: '[]',
      });
      const soon = at('2026-03-03T00:00:00Z');
      expect(await store.access({}, { now, soon })).toEqual([
        {
          offeringRef: 'offering:default/vpn',
          offeringTitle: 'VPN',
          active: 3,
          expiringSoon: 1,
        },
      ]);
      expect(
        await store.access({ ownerRefs: [[OWNERS.laptop]] }, { now, soon }),
      ).toEqual([]);
      expect(await store.leavers({})).toEqual({
        count: 1,
        medianMs: 3 * HOUR,
      });
      expect(await store.leavers({ from: at('2026-02-01T00:00:00Z') })).toEqual(
        { count: 0 },
      );

      // Ann comes back, is given access again and leaves a second time: each
      // departure counts only the grants it took away, the first not the
      // later one (25 h) and the second not the earlier one (-21 h).
      await grant('g5', 'r5', {
        state: 'ended',
        granted_at: at('2026-01-30T12:00:00Z'),
        end_reason: 'left',
        ended_at: at('2026-01-31T01:00:00Z'),
      });
      await knex('departures').insert({
        id: 'd2',
        user_ref: 'user:default/ann',
        detected_at: at('2026-01-31T00:00:00Z'),
        reason: 'missing',
        revoked_grants: '[]',
        cancelled_requests: '[]',
      });
      expect(await store.leavers({})).toEqual({
        count: 2,
        medianMs: 2 * HOUR,
      });
    });
  },
);
