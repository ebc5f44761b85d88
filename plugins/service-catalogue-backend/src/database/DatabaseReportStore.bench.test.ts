import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseReportStore } from './DatabaseReportStore';
import { applyDatabaseMigrations } from './migrations';

// A benchmark, not a check: run it with SERVICE_CATALOGUE_BENCH_REQUESTS set
// to the number of requests to seed, such as 100000. It prints each report's
// time and its ratio to one full scan of the same requests (a COUNT(*) is
// no baseline: SQLite answers it from the b-tree without reading rows).
const size = Number(process.env.SERVICE_CATALOGUE_BENCH_REQUESTS ?? 0);

jest.setTimeout(3_600_000);

const databases = TestDatabases.create();

/** Inserts `size` requests with their events, stages and decisions in SQL. */
async function seed(knex: Knex) {
  const pg = knex.client.config.client === 'pg';
  const series = (n: number) =>
    pg
      ? `FROM generate_series(1, ${n}) AS s(g)`
      : `FROM (WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${n}) SELECT g FROM s) s`;
  const minutes = (expr: string) =>
    pg
      ? `(timestamptz '2025-01-01T00:00:00Z' + (${expr}) * interval '1 minute')`
      : `(1735689600000 + (${expr}) * 60000)`;
  const text = (expr: string) =>
    pg ? `(${expr})::text` : `CAST(${expr} AS TEXT)`;
  const states = `CASE WHEN g % 10 < 7 THEN 'DONE' WHEN g % 10 = 7 THEN 'REJECTED' ELSE 'PENDING_APPROVAL' END`;
  await knex.raw(`
    INSERT INTO requests (id, offering_ref, offering_title, offering_owner_ref,
      requester_ref, submitted_by_ref, state, form_values, created_at, updated_at,
      fulfilment, sla_policy_id, sla_met)
    SELECT 'b' || ${text('g')}, 'offering:default/o' || ${text('g % 200')},
      'Offering ' || ${text('g % 200')}, 'group:default/team' || ${text(
    'g % 20',
  )},
      'user:default/u' || ${text('g % 5000')}, 'user:default/u' || ${text(
    'g % 5000',
  )},
      ${states}, '{}', ${minutes('g')}, ${minutes('g')},
      CASE WHEN g % 3 = 0 THEN 'automatic' ELSE 'manual' END,
      CASE WHEN g % 2 = 0 THEN 'standard' END,
      CASE WHEN g % 2 = 0 AND g % 10 < 7 THEN ${
        pg ? '(g % 7 <> 0)' : '(g % 7 <> 0)'
      } END
    ${series(size)}`);
  await knex.raw(`
    INSERT INTO request_events (request_id, type, actor_ref, from_state, to_state, created_at)
    SELECT 'b' || ${text(
      'g',
    )}, 'transition', 'user:default/x', 'PENDING_APPROVAL', 'APPROVED', ${minutes(
    'g + g % 600',
  )}
    ${series(size)} WHERE g % 10 < 8`);
  await knex.raw(`
    INSERT INTO request_events (request_id, type, actor_ref, from_state, to_state, created_at)
    SELECT 'b' || ${text(
      'g',
    )}, 'transition', 'user:default/x', 'IN_PROGRESS', 'DONE', ${minutes(
    'g + g % 600 + g % 1400',
  )}
    ${series(size)} WHERE g % 10 < 7`);
  await knex.raw(`
    INSERT INTO request_stages (request_id, stage_index, approver_spec, source, policy, required, status)
    SELECT 'b' || ${text('g')}, 0, '[]', 'resolved', 'any', 1, 'approved'
    ${series(size)}`);
  await knex.raw(`
    INSERT INTO request_decisions (request_id, stage_index, approver_ref, decided_by_ref, decision, decided_at)
    SELECT 'b' || ${text('g')}, 0, 'user:default/boss', 'user:default/boss',
      CASE WHEN g % 10 = 7 THEN 'reject' ELSE 'approve' END, ${minutes(
        'g + g % 600',
      )}
    ${series(size)} WHERE g % 10 < 8`);
  await knex.raw(`
    INSERT INTO grants (id, request_id, holder_ref, offering_ref, offering_title,
      offering_owner_ref, state, granted_at, expires_at)
    SELECT 'g' || ${text('g')}, 'b' || ${text('g')}, 'user:default/u' || ${text(
    'g % 5000',
  )},
      'offering:default/o' || ${text('g % 200')}, 'Offering ' || ${text(
    'g % 200',
  )},
      'group:default/team' || ${text('g % 20')}, 'active', ${minutes(
    'g',
  )}, ${minutes('g + 150000')}
    ${series(size)} WHERE g % 10 < 7`);
  if (pg) {
    await knex.raw('ANALYZE');
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const suite = size > 0 ? describe : describe.skip;

suite.each(databases.eachSupportedId())(
  `report timings over ${size} requests on %p`,
  databaseId => {
    it('prints each report against a full scan', async () => {
      const knex = await databases.init(databaseId as TestDatabaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database as any);
      const store = await DatabaseReportStore.create({ database } as any);
      await seed(knex);

      const owner = { ownerRefs: [['group:default/team3']] };
      const year = {
        from: new Date('2025-01-01T00:00:00Z'),
        to: new Date('2026-01-01T00:00:00Z'),
      };
      const baseline = await timed(() =>
        knex('requests').sum({ n: knex.raw('LENGTH(offering_ref)') }),
      );
      const reports: Array<[string, () => Promise<unknown>]> = [
        ['volume by offering', () => store.countByOffering(year)],
        ['volume by month', () => store.countByPeriod(year, 'month')],
        ['volume by week', () => store.countByPeriod(year, 'week')],
        ['delivery', () => store.delivery(year)],
        ['delivery, one owner', () => store.delivery({ ...year, ...owner })],
        ['sla', () => store.slaCompliance(year)],
        [
          'sla breaches',
          () => store.slaBreaches(year, { limit: 50, offset: 0 }),
        ],
        ['automation', () => store.automation(year)],
        ['approvals', () => store.approvals(year)],
        [
          'access',
          () =>
            store.access(year, {
              now: new Date('2025-06-01T00:00:00Z'),
              soon: new Date('2025-07-01T00:00:00Z'),
            }),
        ],
      ];
      const lines = [
        `${databaseId}, ${size} requests, a full scan ${baseline.toFixed(
          1,
        )} ms`,
      ];
      for (const [name, run] of reports) {
        const ms = await timed(run);
        lines.push(
          `${name.padEnd(22)} ${ms.toFixed(1).padStart(9)} ms  ×${(
            ms / baseline
          ).toFixed(1)} of a scan`,
        );
      }
      // eslint-disable-next-line no-console
      console.log(lines.join('\n'));
      expect(await store.countByOffering({})).toHaveLength(200);
    });
  },
);
