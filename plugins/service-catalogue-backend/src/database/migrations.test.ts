import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@service-catalogue/plugin-service-catalogue-backend',
  'migrations',
);

async function migrateUpOnce(knex: Knex) {
  await knex.migrate.up({ directory: migrationsDir });
}

async function migrateDownOnce(knex: Knex) {
  await knex.migrate.down({ directory: migrationsDir });
}

const databases = TestDatabases.create();

const tables = [
  'requests',
  'request_stages',
  'request_stage_approvers',
  'request_decisions',
  'request_comments',
  'request_events',
  'approval_delegations',
];

describe.each(databases.eachSupportedId())(
  'migrations on %s',
  (databaseId: TestDatabaseId) => {
    it('20261121120000_requests creates the request tables and drops them again', async () => {
      const knex = await databases.init(databaseId);

      await migrateUpOnce(knex);
      for (const table of tables) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }

      const now = new Date();
      await knex('requests').insert({
        id: 'a0000000-0000-4000-8000-000000000001',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        requester_ref: 'user:default/grace',
        submitted_by_ref: 'user:default/grace',
        state: 'PENDING_APPROVAL',
        form_values: '{}',
        current_stage: 0,
        created_at: now,
        updated_at: now,
      });
      const decision = {
        request_id: 'a0000000-0000-4000-8000-000000000001',
        stage_index: 0,
        approver_ref: 'user:default/frank',
        decided_by_ref: 'user:default/frank',
        decision: 'approve',
        decided_at: now,
      };
      await knex('request_decisions').insert(decision);
      // One decision per approver and stage is the database's promise, not
      // only the code's.
      // better-sqlite3's errors are not Errors of the test's realm once
      // another test file of the same worker loaded the driver, so match on
      // the message rather than with toThrow.
      const duplicate = await knex('request_decisions')
        .insert(decision)
        .then(
          () => undefined,
          (error: { message?: string }) => error,
        );
      expect(duplicate?.message).toMatch(/unique|duplicate/i);
      const [{ decisions }] = await knex('request_decisions').count({
        decisions: '*',
      });
      expect(Number(decisions)).toBe(1);

      const [row] = await knex('requests').select('sequence', 'version');
      expect(Number(row.sequence)).toBe(1);
      expect(Number(row.version)).toBe(1);

      // Deleting a request takes its dependent rows along.
      await knex('requests').delete();
      const [{ n }] = await knex('request_decisions').count({ n: '*' });
      expect(Number(n)).toBe(0);

      await migrateDownOnce(knex);
      for (const table of tables) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
    });

    it('20261123120000_fulfilment to 20261127130000_reconciliation keep existing requests and step back down', async () => {
      const knex = await databases.init(databaseId);
      await migrateUpOnce(knex);
      const now = new Date();
      // A request stored before fulfilment was tracked.
      await knex('requests').insert({
        id: 'a0000000-0000-4000-8000-000000000002',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        requester_ref: 'user:default/grace',
        submitted_by_ref: 'user:default/grace',
        state: 'DONE',
        form_values: '{}',
        created_at: now,
        updated_at: now,
      });

      await migrateUpOnce(knex);
      const [request] = await knex('requests').select(
        'fulfilment',
        'fulfilment_run',
        'fulfilment_attempts',
        'template_ref',
      );
      // Nothing to run for it: the desk's, with no task.
      expect(request).toEqual({
        fulfilment: 'manual',
        fulfilment_run: 1,
        fulfilment_attempts: 0,
        template_ref: null,
      });

      await migrateUpOnce(knex);
      await knex('grants').insert({
        id: 'b0000000-0000-4000-8000-000000000001',
        request_id: 'a0000000-0000-4000-8000-000000000002',
        holder_ref: 'user:default/grace',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        state: 'active',
        granted_at: now,
      });
      // One grant per request is the database's promise too.
      const second = await knex('grants')
        .insert({
          id: 'b0000000-0000-4000-8000-000000000002',
          request_id: 'a0000000-0000-4000-8000-000000000002',
          holder_ref: 'user:default/grace',
          offering_ref: 'offering:default/vpn-access',
          offering_title: 'VPN access',
          offering_owner_ref: 'group:default/network-team',
          state: 'active',
          granted_at: now,
        })
        .then(
          () => undefined,
          (error: { message?: string }) => error,
        );
      expect(second?.message).toMatch(/unique|duplicate/i);

      await migrateUpOnce(knex);
      await knex('requests').insert({
        id: 'a0000000-0000-4000-8000-000000000003',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        requester_ref: 'user:default/grace',
        submitted_by_ref: 'user:default/grace',
        state: 'PENDING_APPROVAL',
        form_values: '{}',
        extends_grant_id: 'b0000000-0000-4000-8000-000000000001',
        created_at: now,
        updated_at: now,
      });
      // Requests stored before extensions extend nothing.
      expect(
        await knex('requests').orderBy('id').pluck('extends_grant_id'),
      ).toEqual([null, 'b0000000-0000-4000-8000-000000000001']);

      await migrateUpOnce(knex);
      // Grants stored before reconciliation came from requests, with no
      // birthright and nothing to review.
      expect(
        await knex('grants').select(
          'birthright_group_ref',
          'review_reason',
          'review_flagged_at',
        ),
      ).toEqual([
        {
          birthright_group_ref: null,
          review_reason: null,
          review_flagged_at: null,
        },
      ]);
      await knex('swaps').insert({
        id: 'c0000000-0000-4000-8000-000000000001',
        from_offering_ref: 'offering:default/vpn-access',
        to_offering_ref: 'offering:default/ztna-access',
        actor_ref: 'user:default/leo',
        state: 'running',
        total: 1,
        created_at: now,
      });
      await knex('swap_items').insert({
        swap_id: 'c0000000-0000-4000-8000-000000000001',
        grant_id: 'b0000000-0000-4000-8000-000000000001',
        holder_ref: 'user:default/grace',
        state: 'waiting',
      });
      await migrateDownOnce(knex);
      for (const table of ['swaps', 'swap_items', 'departures']) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasColumn('grants', 'review_reason')).toBe(
        false,
      );
      const [{ n: grantsLeft }] = await knex('grants').count({ n: '*' });
      expect(Number(grantsLeft)).toBe(1);

      await migrateDownOnce(knex);
      expect(await knex.schema.hasColumn('requests', 'extends_grant_id')).toBe(
        false,
      );
      await knex('requests')
        .where('id', 'a0000000-0000-4000-8000-000000000003')
        .delete();
      await migrateDownOnce(knex);
      expect(await knex.schema.hasTable('grants')).toBe(false);
      expect(await knex.schema.hasColumn('requests', 'grant_spec')).toBe(false);
      await migrateDownOnce(knex);
      expect(await knex.schema.hasColumn('requests', 'fulfilment')).toBe(false);
      const [{ n }] = await knex('requests').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });

    it('20261201120000_gate adds one ticket per request or grant and steps back down, keeping the requests', async () => {
      const knex = await databases.init(databaseId);
      for (let i = 0; i < 5; i++) {
        await migrateUpOnce(knex);
      }
      expect(await knex.schema.hasTable('gate_tickets')).toBe(false);
      const now = new Date();
      await knex('requests').insert({
        id: 'a0000000-0000-4000-8000-000000000001',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        requester_ref: 'user:default/grace',
        submitted_by_ref: 'user:default/grace',
        state: 'IN_PROGRESS',
        form_values: '{}',
        fulfilment: 'automatic',
        template_ref: 'template:default/vpn-access',
        created_at: now,
        updated_at: now,
      });

      await knex('request_stages').insert({
        request_id: 'a0000000-0000-4000-8000-000000000001',
        stage_index: 0,
        approver_spec: '["owner"]',
        source: 'resolved',
        policy: 'any',
        required: 1,
        status: 'approved',
      });
      await knex('request_events').insert({
        request_id: 'a0000000-0000-4000-8000-000000000001',
        type: 'start',
        actor_ref: 'service-catalogue:system',
        created_at: now,
      });
      const children = async () =>
        Promise.all(
          ['request_stages', 'request_events'].map(async table =>
            Number((await knex(table).count({ n: '*' }))[0].n),
          ),
        );

      await migrateUpOnce(knex);
      // The claims' attempt counters go; the request and what hangs off it
      // stay (SQLite rebuilds the table to drop a column).
      expect(
        await knex.schema.hasColumn('requests', 'fulfilment_attempts'),
      ).toBe(false);
      expect(await knex.schema.hasColumn('grants', 'revoke_attempts')).toBe(
        false,
      );
      expect(await children()).toEqual([1, 1]);
      const ticket = {
        purpose: 'provision',
        subject_id: 'a0000000-0000-4000-8000-000000000001',
        run: 1,
        secret_hash: 'a'.repeat(64),
        template_ref: 'template:default/vpn-access',
        issued_at: now,
      };
      await knex('gate_tickets').insert(ticket);
      // One ticket per request or grant: a second run replaces the first.
      const second = await knex('gate_tickets')
        .insert({ ...ticket, run: 2 })
        .then(
          () => undefined,
          (error: { message?: string }) => error,
        );
      expect(second?.message).toMatch(/unique|duplicate|primary/i);
      await knex('gate_tickets').insert({ ...ticket, purpose: 'revoke' });

      await migrateDownOnce(knex);
      expect(await knex.schema.hasTable('gate_tickets')).toBe(false);
      const [{ n }] = await knex('requests').count({ n: '*' });
      expect(Number(n)).toBe(1);
      expect(await knex('requests').pluck('fulfilment_attempts')).toEqual([0]);
      expect(await children()).toEqual([1, 1]);
    });

    it('20261202120000_time adds the SLA clock and stage deadlines and steps back down, keeping the requests', async () => {
      const knex = await databases.init(databaseId);
      for (let i = 0; i < 6; i++) {
        await migrateUpOnce(knex);
      }
      expect(await knex.schema.hasColumn('requests', 'sla_terms')).toBe(false);
      const now = new Date('2026-12-01T09:00:00Z');
      await knex('requests').insert({
        id: 'a0000000-0000-4000-8000-000000000001',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        requester_ref: 'user:default/grace',
        submitted_by_ref: 'user:default/grace',
        state: 'PENDING_APPROVAL',
        form_values: '{}',
        current_stage: 0,
        sla_due_at: now,
        created_at: now,
        updated_at: now,
      });
      await knex('request_stages').insert({
        request_id: 'a0000000-0000-4000-8000-000000000001',
        stage_index: 0,
        approver_spec: '["owner"]',
        source: 'resolved',
        policy: 'any',
        required: 1,
        status: 'active',
      });
      await knex('request_events').insert({
        request_id: 'a0000000-0000-4000-8000-000000000001',
        type: 'route',
        actor_ref: 'user:default/grace',
        created_at: now,
      });
      const children = async () =>
        Promise.all(
          ['request_stages', 'request_events'].map(async table =>
            Number((await knex(table).count({ n: '*' }))[0].n),
          ),
        );

      await migrateUpOnce(knex);
      // A request stored before has no SLA clock and its stage no deadline:
      // the job leaves both alone.
      expect(
        await knex('requests').select(
          'sla_terms',
          'sla_due_at',
          'response_due_at',
          'responded_at',
          'response_breached_at',
          'ended_at',
          'sla_met',
        ),
      ).toEqual([
        {
          sla_terms: null,
          // The estimatedDelay guess is no SLA due time.
          sla_due_at: null,
          response_due_at: null,
          responded_at: null,
          response_breached_at: null,
          ended_at: null,
          sla_met: null,
        },
      ]);
      expect(
        await knex('request_stages').select('deadline_at', 'timed_out_at'),
      ).toEqual([{ deadline_at: null, timed_out_at: null }]);
      await knex('requests').update({
        sla_terms: '{"policyId":"standard"}',
        response_due_at: now,
        sla_met: false,
        sla_business_minutes: 90,
      });
      await knex('request_stages').update({
        timeout: 'PT2H',
        on_timeout: 'escalate',
        escalate_to: '["user:default/carol"]',
        opened_at: now,
        deadline_at: now,
      });
      const [row] = await knex('requests').select(
        'sla_met',
        'sla_business_minutes',
      );
      expect(Boolean(row.sla_met)).toBe(false);
      expect(Number(row.sla_business_minutes)).toBe(90);

      await migrateDownOnce(knex);
      for (const column of ['sla_terms', 'response_due_at', 'sla_met']) {
        expect(await knex.schema.hasColumn('requests', column)).toBe(false);
      }
      expect(await knex.schema.hasColumn('request_stages', 'deadline_at')).toBe(
        false,
      );
      expect(await knex('requests').pluck('state')).toEqual([
        'PENDING_APPROVAL',
      ]);
      expect(await children()).toEqual([1, 1]);
    });

    it('20261202130000_list_indexes indexes the lists and steps back down, keeping the requests', async () => {
      const knex = await databases.init(databaseId);
      for (let i = 0; i < 7; i++) {
        await migrateUpOnce(knex);
      }
      const listIndexes = [
        'request_decisions_decided_by_idx',
        'request_stage_approvers_inbox_idx',
        'requests_requester_sequence_idx',
        'requests_state_sequence_idx',
        'requests_submitted_by_sequence_idx',
      ];
      const indexNames = async (): Promise<string[]> => {
        const names: string[] = databaseId.startsWith('SQLITE')
          ? await knex('sqlite_master').where('type', 'index').pluck('name')
          : await knex('pg_indexes')
              .where('schemaname', knex.raw('current_schema()'))
              .pluck('indexname');
        return names.filter(name => listIndexes.includes(name)).sort();
      };
      expect(await indexNames()).toEqual([]);
      const now = new Date();
      const request = {
        id: 'a0000000-0000-4000-8000-000000000003',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        requester_ref: 'user:default/grace',
        submitted_by_ref: 'user:default/grace',
        state: 'PENDING_APPROVAL',
        form_values: '{}',
        current_stage: 0,
        created_at: now,
        updated_at: now,
      };
      await knex('requests').insert(request);
      await knex('request_stage_approvers').insert({
        request_id: request.id,
        stage_index: 0,
        approver_ref: 'user:default/mike',
      });

      await migrateUpOnce(knex);
      expect(await indexNames()).toEqual(listIndexes);
      const waiting = await knex('requests')
        .join('request_stage_approvers as a', 'a.request_id', 'requests.id')
        .where({ state: 'PENDING_APPROVAL', approver_ref: 'user:default/mike' })
        .pluck('requests.id');
      expect(waiting).toEqual([request.id]);

      await migrateDownOnce(knex);
      expect(await indexNames()).toEqual([]);
      expect(await knex('requests').pluck('id')).toEqual([request.id]);
      expect(
        await knex('request_stage_approvers').pluck('approver_ref'),
      ).toEqual(['user:default/mike']);
    });

    it('20261203120000_reviews adds the review tables and the grant column and steps back down, keeping the grants', async () => {
      const knex = await databases.init(databaseId);
      for (let i = 0; i < 8; i++) {
        await migrateUpOnce(knex);
      }
      const now = new Date();
      const requestId = 'a0000000-0000-4000-8000-000000000004';
      const grantId = 'b0000000-0000-4000-8000-000000000004';
      await knex('requests').insert({
        id: requestId,
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        requester_ref: 'user:default/grace',
        submitted_by_ref: 'user:default/grace',
        state: 'DONE',
        form_values: '{}',
        current_stage: null,
        created_at: now,
        updated_at: now,
      });
      await knex('grants').insert({
        id: grantId,
        request_id: requestId,
        holder_ref: 'user:default/grace',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        state: 'active',
        version: 1,
        granted_at: now,
      });
      expect(await knex.schema.hasTable('review_campaigns')).toBe(false);

      await migrateUpOnce(knex);
      const campaign = {
        id: 'c0000000-0000-4000-8000-000000000004',
        title: 'VPN access review',
        scope_kind: 'offering',
        scope_ref: 'offering:default/vpn-access',
        trigger: 'schedule',
        schedule_key: 'offering:default/vpn-access#1',
        opened_by_ref: 'plugin:service-catalogue',
        opened_at: now,
        deadline_at: now,
        state: 'open',
        owner_refs: '["group:default/network-team"]',
      };
      await knex('review_campaigns').insert(campaign);
      // A scheduled campaign opens once: the database says so too.
      const twice = await knex('review_campaigns')
        .insert({ ...campaign, id: 'c0000000-0000-4000-8000-000000000005' })
        .then(
          () => undefined,
          (error: { message?: string }) => error,
        );
      expect(twice?.message).toMatch(/unique|duplicate/i);
      // An offering is under one open campaign at a time, any number closed.
      await knex('review_campaigns').insert({
        ...campaign,
        id: 'c0000000-0000-4000-8000-000000000006',
        schedule_key: null,
        trigger: 'manual',
      });
      await knex('review_campaign_offerings').insert([
        {
          campaign_id: campaign.id,
          offering_ref: campaign.scope_ref,
          open: true,
        },
        {
          campaign_id: 'c0000000-0000-4000-8000-000000000006',
          offering_ref: campaign.scope_ref,
          open: false,
        },
      ]);
      const overlapping = await knex('review_campaign_offerings')
        .where({
          campaign_id: 'c0000000-0000-4000-8000-000000000006',
          offering_ref: campaign.scope_ref,
        })
        .update({ open: true })
        .then(
          () => undefined,
          (error: { message?: string }) => error,
        );
      expect(overlapping?.message).toMatch(/unique|duplicate/i);
      await knex('review_lines').insert({
        id: 'd0000000-0000-4000-8000-000000000004',
        campaign_id: campaign.id,
        grant_id: grantId,
        holder_ref: 'user:default/grace',
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: 'group:default/network-team',
        granted_at: now,
        origin: 'request',
        tracking_number: 'REQ-000001',
        on_undecided: 'revoke',
        deadline_at: now,
      });
      // The reviewers' order needs the deadline on every reviewer row.
      const undated = await knex('review_line_reviewers')
        .insert({
          line_id: 'd0000000-0000-4000-8000-000000000004',
          reviewer_ref: 'user:default/leo',
        })
        .then(
          () => undefined,
          (error: { message?: string }) => error,
        );
      expect(undated?.message).toMatch(/not null|null value/i);
      await knex('review_line_reviewers').insert({
        line_id: 'd0000000-0000-4000-8000-000000000004',
        reviewer_ref: 'user:default/leo',
        deadline_at: now,
      });
      await knex('grants').where('id', grantId).update({
        ended_by_review_line_id: 'd0000000-0000-4000-8000-000000000004',
      });
      const indexNames: string[] = databaseId.startsWith('SQLITE')
        ? await knex('sqlite_master').where('type', 'index').pluck('name')
        : await knex('pg_indexes')
            .where('schemaname', knex.raw('current_schema()'))
            .pluck('indexname');
      expect(indexNames).toEqual(
        expect.arrayContaining([
          'review_line_reviewers_inbox_idx',
          'review_lines_no_reviewer_idx',
          'review_campaigns_schedule_idx',
          'review_campaigns_open_idx',
          'review_campaigns_state_opened_idx',
          'review_campaign_offerings_open_idx',
        ]),
      );
      expect(
        await knex('review_lines as l')
          .join('review_line_reviewers as r', 'r.line_id', 'l.id')
          .where('r.reviewer_ref', 'user:default/leo')
          .whereRaw('r.waiting = true')
          .whereNull('l.decision')
          .pluck('l.grant_id'),
      ).toEqual([grantId]);

      await migrateDownOnce(knex);
      for (const table of [
        'review_campaigns',
        'review_campaign_owners',
        'review_campaign_offerings',
        'review_lines',
        'review_line_reviewers',
        'review_events',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(
        await knex.schema.hasColumn('grants', 'ended_by_review_line_id'),
      ).toBe(false);
      expect(await knex('grants').pluck('id')).toEqual([grantId]);
      expect(await knex('requests').pluck('id')).toEqual([requestId]);
    });
  },
);
