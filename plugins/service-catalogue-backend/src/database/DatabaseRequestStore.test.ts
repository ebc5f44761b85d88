import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { Knex } from 'knex';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { NewRequest, NewRequestStage } from './RequestStore';
import { applyDatabaseMigrations } from './migrations';
import { DatabaseGrantStore } from './DatabaseGrantStore';
import { RequestLifecycle } from '../requests/RequestLifecycle';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const stage = (
  index: number,
  approvers: string[],
  policy: NewRequestStage['policy'] = 'any',
  required = 1,
): NewRequestStage => ({
  index,
  approverSpec: ['owner'],
  approvers,
  source: 'resolved',
  policy,
  required,
});

const newRequest = (overrides: Partial<NewRequest> = {}): NewRequest => ({
  offeringRef: 'offering:default/vpn-access',
  offeringTitle: 'VPN access',
  offeringOwnerRef: 'group:default/network-team',
  requesterRef: 'user:default/grace',
  submittedByRef: 'user:default/grace',
  formValues: { reason: 'travelling' },
  stages: [stage(0, ['user:default/frank']), stage(1, ['user:default/leo'])],
  fulfilment: 'manual',
  ...overrides,
});

/**
 * How the database would run a query. On tables this small PostgreSQL
 * prefers reading everything, so sequential scans are turned off for the
 * question: what is asked is whether an index can serve the query at all.
 */
async function queryPlan(
  knex: Knex,
  sql: string,
  bindings: unknown[],
): Promise<string> {
  const query = sql.replace(/\$\d+/g, '?');
  if (knex.client.config.client === 'pg') {
    return knex.transaction(async tx => {
      await tx.raw('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.raw(`EXPLAIN ${query}`, bindings as any[]);
      return rows
        .map((row: Record<string, string>) => row['QUERY PLAN'])
        .join('\n');
    });
  }
  const rows = await knex.raw(`EXPLAIN QUERY PLAN ${query}`, bindings as any[]);
  return rows.map((row: { detail: string }) => row.detail).join('\n');
}

describe.each(databases.eachSupportedId())(
  'DatabaseRequestStore on %s',
  (databaseId: TestDatabaseId) => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      const store = await DatabaseRequestStore.create({ database });
      const lifecycle = RequestLifecycle.create({
        requests: store,
        grants: await DatabaseGrantStore.create({ database }),
      });
      return {
        lifecycle,
        knex,
        store,
      };
    }

    it('lets the deadline job find what is due through indexes of only the open, unmarked rows', async () => {
      const { knex, store } = await createStore();
      const queries: Array<{ sql: string; bindings: unknown[] }> = [];
      const capture = (query: { sql: string; bindings: unknown[] }) =>
        queries.push(query);
      knex.on('query', capture);
      await store.listSlaAlarms({ now: new Date(), limit: 10 });
      await store.listStagesOnTheClock({ limit: 10 });
      knex.off('query', capture);

      expect(queries).toHaveLength(5);
      const plans = await Promise.all(
        queries.map(({ sql, bindings }) => queryPlan(knex, sql, bindings)),
      );
      const alarmIndex = databaseId.startsWith('POSTGRES')
        ? /(Index (Only )?Scan using|Bitmap Index Scan on) \w+_alarm_idx/
        : /USING INDEX \w+_alarm_idx/;
      expect(plans.slice(0, 4)).toEqual(
        Array(4).fill(expect.stringMatching(alarmIndex)),
      );
      // The stages may also be reached through the index of requests by
      // state; either way no whole table is read.
      for (const plan of plans) {
        expect(plan).not.toMatch(/Seq Scan|^SCAN /m);
      }
    });

    it('stores a request with a tracking number and routes it to its first stage', async () => {
      const { lifecycle, store } = await createStore();
      const { request, events } = await lifecycle.createRequest(newRequest());
      const second = await lifecycle.createRequest(newRequest());

      expect(request.trackingNumber).toMatch(/^REQ-\d{6}$/);
      expect(second.request.trackingNumber).not.toBe(request.trackingNumber);
      expect(request).toMatchObject({
        state: 'PENDING_APPROVAL',
        version: 1,
        currentStage: 0,
        formValues: { reason: 'travelling' },
        requesterRef: 'user:default/grace',
      });
      expect(request.stages.map(s => [s.status, s.approvers])).toEqual([
        ['active', ['user:default/frank']],
        ['waiting', ['user:default/leo']],
      ]);
      expect(events.map(e => [e.type, e.fromState, e.toState])).toEqual([
        ['submit', undefined, 'NEW'],
        ['route', 'NEW', 'PENDING_APPROVAL'],
      ]);
      expect(await store.getRequest(request.trackingNumber)).toEqual(request);
    });

    it('starts a request that needs no approval', async () => {
      const { lifecycle } = await createStore();
      const { request } = await lifecycle.createRequest(
        newRequest({ stages: [] }),
      );
      expect(request.state).toBe('IN_PROGRESS');
      expect(request.currentStage).toBeUndefined();
    });

    it('walks the stages and approves after the last one', async () => {
      const { lifecycle, store } = await createStore();
      const { request } = await lifecycle.createRequest(newRequest());

      expect(
        (
          await store.listAwaitingDecision({
            userRef: 'user:default/leo',
            delegatorRefs: [],
            limit: 10,
          })
        ).items,
      ).toEqual([]);

      const first = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'approve',
        comment: 'fine by me',
      });
      expect(first.outcome).toBe('stage-approved');
      expect(first.request).toMatchObject({ currentStage: 1, version: 2 });
      expect(
        (
          await store.listAwaitingDecision({
            userRef: 'user:default/leo',
            delegatorRefs: [],
            limit: 10,
          })
        ).items.map(r => r.id),
      ).toEqual([request.id]);

      const last = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/leo',
        decidedByRef: 'user:default/leo',
        decision: 'approve',
      });
      expect(last.outcome).toBe('approved');
      expect(last.request.state).toBe('APPROVED');
      expect(last.request.stages.map(s => s.status)).toEqual([
        'approved',
        'approved',
      ]);
      expect(last.request.stages[0].decisions).toEqual([
        expect.objectContaining({
          approverRef: 'user:default/frank',
          decision: 'approve',
          comment: 'fine by me',
        }),
      ]);
      expect(last.events.map(e => e.type)).toEqual(['decide', 'approve']);
    });

    it('counts approvals to the stage policy', async () => {
      const { lifecycle } = await createStore();
      const approvers = ['user:default/a', 'user:default/b', 'user:default/c'];
      const { request } = await lifecycle.createRequest(
        newRequest({ stages: [stage(0, approvers, 2, 2)] }),
      );
      const decide = (approverRef: string) =>
        lifecycle.decide({
          requestId: request.id,
          approverRef,
          decidedByRef: approverRef,
          decision: 'approve',
        });
      expect((await decide('user:default/a')).outcome).toBe('recorded');
      expect((await decide('user:default/b')).outcome).toBe('approved');
      await expect(decide('user:default/c')).rejects.toThrow(ConflictError);
    });

    it('ends the request on one rejection and skips the later stages', async () => {
      const { lifecycle } = await createStore();
      const { request } = await lifecycle.createRequest(newRequest());
      const { outcome, request: rejected } = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'reject',
        comment: 'not for this project',
      });
      expect(outcome).toBe('rejected');
      expect(rejected.state).toBe('REJECTED');
      expect(rejected.stages.map(s => s.status)).toEqual([
        'rejected',
        'skipped',
      ]);
    });

    it('refuses a second decision, a stranger, and decisions after the end', async () => {
      const { lifecycle, store } = await createStore();
      const { request } = await lifecycle.createRequest(
        newRequest({
          stages: [stage(0, ['user:default/a', 'user:default/b'], 'all', 2)],
        }),
      );
      const decide = (approverRef: string, decision: 'approve' | 'reject') =>
        lifecycle.decide({
          requestId: request.id,
          approverRef,
          decidedByRef: approverRef,
          decision,
        });
      await decide('user:default/a', 'approve');
      await expect(decide('user:default/a', 'reject')).rejects.toThrow(
        /already decided/,
      );
      await expect(decide('user:default/zed', 'approve')).rejects.toThrow(
        NotAllowedError,
      );
      await decide('user:default/b', 'approve');
      await expect(decide('user:default/b', 'approve')).rejects.toThrow(
        ConflictError,
      );
      expect((await store.listEvents(request.id)).map(e => e.type)).toEqual([
        'submit',
        'route',
        'decide',
        'decide',
        'approve',
      ]);
    });

    it('gives one outcome to 20 concurrent decisions, with a consistent history', async () => {
      const { lifecycle, store } = await createStore();
      const approvers = Array.from(
        { length: 20 },
        (_, i) => `user:default/approver-${i}`,
      );
      const { request } = await lifecycle.createRequest(
        newRequest({ stages: [stage(0, approvers, 'any', 1)] }),
      );

      const results = await Promise.allSettled(
        approvers.map((approverRef, i) =>
          lifecycle.decide({
            requestId: request.id,
            approverRef,
            decidedByRef: approverRef,
            decision: i % 2 === 0 ? 'approve' : 'reject',
          }),
        ),
      );

      const succeeded = results.filter(r => r.status === 'fulfilled');
      expect(succeeded).toHaveLength(1);
      for (const failure of results.filter(r => r.status === 'rejected')) {
        expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(
          ConflictError,
        );
      }

      const final = (await store.getRequest(request.id))!;
      expect(['APPROVED', 'REJECTED']).toContain(final.state);
      expect(final.version).toBe(2);
      expect(final.stages[0].decisions).toHaveLength(1);

      const events = await store.listEvents(request.id);
      expect(events.map(e => e.type)).toEqual([
        'submit',
        'route',
        'decide',
        final.state === 'APPROVED' ? 'approve' : 'reject',
      ]);
      expect(events[2].data?.approverRef).toBe(
        final.stages[0].decisions[0].approverRef,
      );
    });

    it('lets twenty approvers of an all-stage approve at once', async () => {
      const { lifecycle, store } = await createStore();
      const approvers = Array.from(
        { length: 20 },
        (_, i) => `user:default/approver-${i}`,
      );
      const { request } = await lifecycle.createRequest(
        newRequest({ stages: [stage(0, approvers, 'all', 20)] }),
      );
      const results = await Promise.all(
        approvers.map(approverRef =>
          lifecycle.decide({
            requestId: request.id,
            approverRef,
            decidedByRef: approverRef,
            decision: 'approve',
          }),
        ),
      );
      expect(results.filter(r => r.outcome === 'approved')).toHaveLength(1);
      const final = (await store.getRequest(request.id))!;
      expect(final.state).toBe('APPROVED');
      expect(final.version).toBe(21);
      expect(final.stages[0].decisions).toHaveLength(20);
    });

    it('cancels only before fulfilment, and by the state machine', async () => {
      const { lifecycle } = await createStore();
      const { request } = await lifecycle.createRequest(newRequest());
      await expect(
        lifecycle.transition({
          requestId: request.id,
          action: 'cancel',
          actor: 'requester',
          actorRef: 'user:default/grace',
          expectedVersion: 7,
        }),
      ).rejects.toThrow(/changed since you loaded it/);

      const { request: cancelled, event } = await lifecycle.transition({
        requestId: request.id,
        action: 'cancel',
        actor: 'requester',
        actorRef: 'user:default/grace',
        expectedVersion: 1,
      });
      expect(cancelled.state).toBe('CANCELLED');
      expect(cancelled.stages.map(s => s.status)).toEqual([
        'skipped',
        'skipped',
      ]);
      expect(event).toMatchObject({
        type: 'cancel',
        fromState: 'PENDING_APPROVAL',
        toState: 'CANCELLED',
      });

      const started = await lifecycle.createRequest(
        newRequest({
          stages: [],
          fulfilment: 'automatic',
          templateRef: 'template:default/vpn-access',
        }),
      );
      await expect(
        lifecycle.transition({
          requestId: started.request.id,
          action: 'cancel',
          actor: 'requester',
          actorRef: 'user:default/grace',
        }),
      ).rejects.toThrow('Cannot cancel');
    });

    it('cancels a request that needed no approval until the desk takes it', async () => {
      const { lifecycle, store } = await createStore();
      const cancel = (requestId: string) =>
        lifecycle.transition({
          requestId,
          action: 'cancel',
          actor: 'requester',
          actorRef: 'user:default/grace',
        });

      const waiting = await lifecycle.createRequest(newRequest({ stages: [] }));
      expect(waiting.request).toMatchObject({ state: 'IN_PROGRESS' });
      const { request: cancelled, event } = await cancel(waiting.request.id);
      expect(cancelled.state).toBe('CANCELLED');
      expect(event).toMatchObject({
        type: 'cancel',
        fromState: 'IN_PROGRESS',
        toState: 'CANCELLED',
      });

      const taken = await lifecycle.createRequest(newRequest({ stages: [] }));
      await lifecycle.assign({
        requestId: taken.request.id,
        assigneeRef: 'user:default/desmond',
        actorRef: 'user:default/desmond',
      });
      await expect(cancel(taken.request.id)).rejects.toThrow(
        /Cannot cancel REQ-\d+: it is IN_PROGRESS/,
      );
      // The desk took it a moment after the requester loaded it: one wins.
      const raced = await lifecycle.createRequest(newRequest({ stages: [] }));
      await lifecycle.assign({
        requestId: raced.request.id,
        assigneeRef: 'user:default/desmond',
        actorRef: 'user:default/desmond',
      });
      await expect(
        lifecycle.transition({
          requestId: raced.request.id,
          action: 'cancel',
          actor: 'requester',
          actorRef: 'user:default/grace',
          expectedVersion: raced.request.version,
        }),
      ).rejects.toThrow(/changed since you loaded it/);
      expect((await store.getRequest(raced.request.id))!.state).toBe(
        'IN_PROGRESS',
      );
    });

    it('keeps internal comments from those who may not see them', async () => {
      const { lifecycle, store } = await createStore();
      const { request } = await lifecycle.createRequest(newRequest());
      await store.addComment({
        requestId: request.id,
        authorRef: 'user:default/frank',
        body: 'Checked with security',
        visibility: 'internal',
      });
      await store.addComment({
        requestId: request.id,
        authorRef: 'user:default/grace',
        body: 'Needed for the Berlin trip',
        visibility: 'external',
      });
      await expect(
        store.addComment({
          requestId: request.id,
          authorRef: 'user:default/grace',
          body: '   ',
          visibility: 'external',
        }),
      ).rejects.toThrow('needs some text');

      expect(
        (await store.listComments(request.id, { includeInternal: false })).map(
          c => c.body,
        ),
      ).toEqual(['Needed for the Berlin trip']);
      expect(
        await store.listComments(request.id, { includeInternal: true }),
      ).toHaveLength(2);
    });

    it('lists requests by person, state and search', async () => {
      const { lifecycle, store } = await createStore();
      const vpn = await lifecycle.createRequest(newRequest());
      await lifecycle.createRequest(
        newRequest({
          offeringRef: 'offering:default/new-laptop',
          offeringTitle: 'New laptop',
          stages: [],
        }),
      );
      await lifecycle.createRequest(
        newRequest({
          requesterRef: 'user:default/nina',
          submittedByRef: 'user:default/ken',
        }),
      );

      const graces = await store.listRequests({
        involvingUserRef: 'user:default/grace',
      });
      expect(graces.totalCount).toBe(2);
      expect(graces.items.map(r => r.offeringTitle)).toEqual([
        'New laptop',
        'VPN access',
      ]);
      const byKen = await store.listRequests({
        involvingUserRef: 'user:default/ken',
      });
      expect(byKen.items.map(r => r.requesterRef)).toEqual([
        'user:default/nina',
      ]);
      expect(
        (await store.listRequests({ states: ['IN_PROGRESS'] })).items.map(
          r => r.offeringTitle,
        ),
      ).toEqual(['New laptop']);
      expect(
        (await store.listRequests({ search: 'laptop' })).items.map(
          r => r.offeringTitle,
        ),
      ).toEqual(['New laptop']);
      expect(
        (
          await store.listRequests({ search: vpn.request.trackingNumber })
        ).items.map(r => r.id),
      ).toContain(vpn.request.id);
    });

    it('records decisions made by a delegate on the approver’s behalf', async () => {
      const { lifecycle, store } = await createStore();
      const { request } = await lifecycle.createRequest(newRequest());
      const { request: decided } = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/erin',
        decision: 'approve',
      });
      expect(decided.stages[0].decisions[0]).toMatchObject({
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/erin',
      });
      expect(
        (
          await store.listDecidedBy({ userRef: 'user:default/erin', limit: 10 })
        ).items.map(r => r.id),
      ).toEqual([request.id]);
    });
  },
);
