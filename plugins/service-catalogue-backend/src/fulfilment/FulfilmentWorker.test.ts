import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import { DatabaseGateTicketStore } from '../database/DatabaseGateTicketStore';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { GateTicketStore } from '../database/GateTicketStore';
import { DatabaseRequestStore } from '../database/DatabaseRequestStore';
import { NewRequest } from '../database/RequestStore';
import { RequestNotifier } from '../requests/RequestNotifier';
import { FulfilmentWorker } from './FulfilmentWorker';
import { TaskMarker } from '@service-catalogue/plugin-service-catalogue-common';
import {
  ScaffolderError,
  ScaffolderTasks,
  TaskDescription,
  TaskStatus,
} from './ScaffolderTasks';
import { applyDatabaseMigrations } from '../database/migrations';
import { RequestLifecycle } from '../requests/RequestLifecycle';

jest.setTimeout(120_000);

/**
 * The scaffolder as the worker sees it, keeping every task it was asked to
 * start. A started task runs its gate step at once, spending the run's
 * ticket as the real gate does, unless `gateLate` keeps it waiting in the
 * scaffolder's queue until the test runs its gate. `die` makes the next
 * start fail the way a process killed at that point would leave things:
 * before the task exists, or after.
 */
class RecordedTasks implements ScaffolderTasks {
  constructor(private readonly tickets: GateTicketStore) {}

  readonly started: Array<{
    taskId: string;
    templateRef: string;
    values: JsonObject;
    marker: TaskMarker;
  }> = [];
  readonly statuses = new Map<string, TaskStatus>();
  die?: 'before-start' | 'after-start';
  refuse?: string;
  gateLate?: boolean;

  async start(options: {
    templateRef: string;
    values: JsonObject;
    marker: TaskMarker;
  }): Promise<string> {
    if (this.refuse) {
      throw new ScaffolderError(400, this.refuse);
    }
    if (this.die === 'before-start') {
      this.die = undefined;
      throw new Error('killed before starting the task');
    }
    const taskId = `task-${this.started.length + 1}`;
    this.started.push({ taskId, ...options });
    this.statuses.set(taskId, 'processing');
    if (!this.gateLate) {
      await this.runGate(taskId);
    }
    if (this.die === 'after-start') {
      this.die = undefined;
      throw new Error('killed before recording the task');
    }
    return taskId;
  }

  /** The task's gate step: spends the ticket it carries, if it still may. */
  async runGate(taskId: string) {
    const { marker, templateRef } = this.started.find(
      t => t.taskId === taskId,
    )!;
    return this.tickets.pass({
      purpose: marker.purpose,
      subjectId:
        marker.purpose === 'revoke' ? marker.grantId! : marker.requestId,
      run: marker.run,
      ticket: marker.ticket,
      taskId,
      templateRef,
    });
  }

  async log(taskId: string) {
    return [
      { at: new Date().toISOString(), message: this.statuses.get(taskId)! },
    ];
  }

  async describe(taskId: string): Promise<TaskDescription> {
    const task = this.started.find(t => t.taskId === taskId)!;
    return { templateRef: task.templateRef, values: task.values };
  }

  async status(taskId: string): Promise<TaskStatus> {
    return this.statuses.get(taskId)!;
  }

  async failure() {
    return { stepId: 'provision', message: 'the VPN refused the profile' };
  }

  startsFor(requestId: string) {
    return this.started.filter(t => t.marker.requestId === requestId);
  }
}

const notifications = { send: jest.fn(async () => {}) };
const notifier = RequestNotifier.create({
  notifications: notifications as any,
  signals: { publish: async () => {} } as any,
  logger: mockServices.logger.mock(),
});

type Stores = {
  lifecycle: RequestLifecycle;
  store: DatabaseRequestStore;
  grants: DatabaseGrantStore;
  tickets: DatabaseGateTicketStore;
};

/**
 * The workers' clock: the real time, moved on by hand when a test waits for
 * a lease to run out; never behind the database's own.
 */
const clock = (() => {
  let ahead = 0;
  return {
    now: () => new Date(Date.now() + ahead),
    advance: (ms: number) => {
      ahead += ms;
    },
  };
})();

function workerFor(
  stores: Omit<Stores, 'lifecycle'>,
  tasks: ScaffolderTasks,
  leaseMs = 60_000,
  retryAfterMs = 60_000,
) {
  return FulfilmentWorker.create({
    ...stores,
    tasks,
    retryAfterMs,
    notifier,
    logger: mockServices.logger.mock(),
    leaseMs,
    clock: clock.now,
  });
}

const automatic = (overrides: Partial<NewRequest> = {}): NewRequest => ({
  offeringRef: 'offering:default/vpn-access',
  offeringTitle: 'VPN access',
  offeringOwnerRef: 'group:default/network-team',
  requesterRef: 'user:default/grace',
  submittedByRef: 'user:default/grace',
  formValues: { tunnel: 'split', forUser: 'user:default/grace' },
  stages: [],
  fulfilment: 'automatic',
  templateRef: 'template:default/vpn-access',
  ...overrides,
});

const oneStage = {
  index: 0,
  approverSpec: ['owner'],
  approvers: ['user:default/leo'],
  source: 'resolved' as const,
  policy: 'any' as const,
  required: 1,
};

const databases = TestDatabases.create();

describe.each(databases.eachSupportedId())(
  'FulfilmentWorker on %s',
  (databaseId: TestDatabaseId) => {
    async function createStore(knex?: Knex) {
      const client = knex ?? (await databases.init(databaseId));
      const database = { getClient: async () => client };
      await applyDatabaseMigrations(database);
      const store = await DatabaseRequestStore.create({ database });
      const grants = await DatabaseGrantStore.create({ database });
      const lifecycle = RequestLifecycle.create({
        requests: store,
        grants: grants,
      });
      const tickets = await DatabaseGateTicketStore.create({ database });
      return {
        lifecycle,
        knex: client,
        store,
        grants,
        tickets,
        tasks: new RecordedTasks(tickets),
      };
    }

    beforeEach(() => notifications.send.mockClear());

    it('starts the template of an approved request once, with its values, and follows it to DONE', async () => {
      const { lifecycle, store, grants, tickets, tasks } = await createStore();
      const worker = workerFor({ store, grants, tickets }, tasks);
      const { request } = await lifecycle.createRequest(
        automatic({ stages: [oneStage] }),
      );

      await worker.run();
      expect(tasks.started).toEqual([]);

      await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/leo',
        decidedByRef: 'user:default/leo',
        decision: 'approve',
      });
      await worker.run();
      await worker.run();

      expect(tasks.started).toEqual([
        {
          taskId: 'task-1',
          templateRef: 'template:default/vpn-access',
          values: { tunnel: 'split', forUser: 'user:default/grace' },
          marker: {
            purpose: 'provision',
            requestId: request.id,
            ticket: expect.any(String),
            trackingNumber: request.trackingNumber,
            run: 1,
          },
        },
      ]);
      const running = (await store.getRequest(request.id))!;
      expect(running).toMatchObject({
        state: 'IN_PROGRESS',
        scaffolderTaskId: 'task-1',
      });

      tasks.statuses.set('task-1', 'completed');
      await worker.run();
      const done = (await store.getRequest(request.id))!;
      expect(done.state).toBe('DONE');
      expect((await store.listEvents(request.id)).map(e => e.type)).toEqual([
        'submit',
        'route',
        'decide',
        'approve',
        'start',
        'task',
        'complete',
      ]);
      expect(notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          payload: expect.objectContaining({
            title: `${request.trackingNumber} done: VPN access`,
          }),
        }),
      );
    });

    it('leaves manual requests to the desk', async () => {
      const { lifecycle, store, grants, tickets, tasks } = await createStore();
      await lifecycle.createRequest(
        automatic({ fulfilment: 'manual', templateRef: undefined }),
      );
      await workerFor({ store, grants, tickets }, tasks).run();
      expect(tasks.started).toEqual([]);
    });

    it('records the failing step, and a retry starts a new task', async () => {
      const { lifecycle, store, grants, tickets, tasks } = await createStore();
      const worker = workerFor({ store, grants, tickets }, tasks);
      const { request } = await lifecycle.createRequest(automatic());
      await worker.run();
      tasks.statuses.set('task-1', 'failed');
      await worker.run();

      const failed = (await store.getRequest(request.id))!;
      expect(failed).toMatchObject({
        state: 'FAILED',
        failure: {
          stepId: 'provision',
          message: 'the VPN refused the profile',
        },
      });
      expect(notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: ['user:default/grace', 'group:default/network-team'],
          },
        }),
      );

      await lifecycle.transition({
        requestId: request.id,
        action: 'retry',
        actor: 'fulfiller',
        actorRef: 'user:default/leo',
      });
      await worker.run();
      // The old task belongs to the first run; the retry gets its own.
      expect(tasks.startsFor(request.id).map(t => t.marker.run)).toEqual([
        1, 2,
      ]);
      const retried = (await store.getRequest(request.id))!;
      expect(retried).toMatchObject({
        state: 'IN_PROGRESS',
        scaffolderTaskId: 'task-2',
      });
      expect(retried.failure).toBeUndefined();
    });

    it('fails a request the scaffolder refuses, with the scaffolder’s reason', async () => {
      const { lifecycle, store, grants, tickets, tasks } = await createStore();
      tasks.refuse = 'instance requires property "justification"';
      const { request } = await lifecycle.createRequest(automatic());
      await workerFor({ store, grants, tickets }, tasks).run();
      expect(await store.getRequest(request.id)).toMatchObject({
        state: 'FAILED',
        failure: { message: 'instance requires property "justification"' },
      });
    });

    it.each(['before-start', 'after-start'] as const)(
      'finishes once when a worker dies %s',
      async die => {
        const { lifecycle, store, grants, tickets, tasks } =
          await createStore();
        const { request } = await lifecycle.createRequest(automatic());

        tasks.die = die;
        // The dead worker's claim runs out quickly here.
        await workerFor({ store, grants, tickets }, tasks, 1).run();
        expect((await store.getRequest(request.id))!.scaffolderTaskId).toBe(
          undefined,
        );

        clock.advance(5);
        // A worker in the restarted process.
        await workerFor({ store, grants, tickets }, tasks, 1).run();
        expect(tasks.startsFor(request.id)).toHaveLength(1);
        expect((await store.getRequest(request.id))!.scaffolderTaskId).toBe(
          tasks.startsFor(request.id)[0].taskId,
        );
      },
    );

    it('starts a second task when a worker died before its task reached the gate, and only that one passes', async () => {
      const { lifecycle, store, grants, tickets, tasks } = await createStore();
      const { request } = await lifecycle.createRequest(automatic());

      tasks.gateLate = true;
      tasks.die = 'after-start';
      await workerFor({ store, grants, tickets }, tasks, 1).run();
      clock.advance(5);
      await workerFor({ store, grants, tickets }, tasks, 1).run();

      const [orphan, second] = tasks.startsFor(request.id);
      expect((await store.getRequest(request.id))!.scaffolderTaskId).toBe(
        second.taskId,
      );
      // The orphan reaches its gate late: its ticket was replaced.
      expect(await tasks.runGate(orphan.taskId)).toBe('unknown');
      expect(await tasks.runGate(second.taskId)).toBe('passed');
    });

    it('tries again soon after the scaffolder could not be reached, within a long lease', async () => {
      const { lifecycle, store, grants, tickets, tasks } = await createStore();
      const { request } = await lifecycle.createRequest(automatic());
      const worker = workerFor({ store, grants, tickets }, tasks, 60_000, 1);

      tasks.die = 'before-start';
      await worker.run();
      expect(tasks.startsFor(request.id)).toHaveLength(0);

      clock.advance(5);
      await worker.run();
      expect(tasks.startsFor(request.id)).toHaveLength(1);
      expect((await store.getRequest(request.id))!.scaffolderTaskId).toBe(
        tasks.startsFor(request.id)[0].taskId,
      );
    });

    const revocable = () =>
      automatic({
        targetRef: 'resource:default/corp-vpn',
        grant: {
          duration: 'P90D',
          revokeTemplateRef: 'template:default/vpn-access-revoke',
        },
      });

    async function granted(stores: Stores, tasks: RecordedTasks) {
      const { request } = await stores.lifecycle.createRequest(revocable());
      const worker = workerFor(stores, tasks);
      await worker.run();
      tasks.statuses.set(tasks.startsFor(request.id)[0].taskId, 'completed');
      await worker.run();
      const [grant] = await stores.grants.listGrants({
        holderRef: 'user:default/grace',
        offeringRefs: ['offering:default/vpn-access'],
        states: ['active'],
      });
      return { request, grant, worker };
    }

    it('records a grant when a revocable request is done, and a one-off service leaves none', async () => {
      const { tasks, ...stores } = await createStore();
      const before = Date.now();
      const { request, grant } = await granted(stores, tasks);
      expect(grant).toMatchObject({
        holderRef: 'user:default/grace',
        targetRef: 'resource:default/corp-vpn',
        requestId: request.id,
        trackingNumber: request.trackingNumber,
        state: 'active',
      });
      const expires = new Date(grant.expiresAt!).getTime();
      expect(expires - before).toBeGreaterThanOrEqual(90 * 86_400_000 - 60_000);
      expect(expires - before).toBeLessThanOrEqual(90 * 86_400_000 + 60_000);

      const { request: oneOff } = await stores.lifecycle.createRequest(
        automatic(),
      );
      const worker = workerFor(stores, tasks);
      await worker.run();
      tasks.statuses.set(tasks.startsFor(oneOff.id)[0].taskId, 'completed');
      await worker.run();
      expect((await stores.store.getRequest(oneOff.id))!.state).toBe('DONE');
      expect(
        (await stores.grants.listGrants({})).map(g => g.requestId),
      ).toEqual([request.id]);
    });

    it('revokes a grant through its revoke template, once, and ends it', async () => {
      const { tasks, ...stores } = await createStore();
      const { grant, worker } = await granted(stores, tasks);

      const revoking = await stores.grants.revokeGrant({
        grantId: grant.id,
        reason: 'revoked',
        actorRef: 'user:default/leo',
      });
      expect(revoking).toMatchObject({
        state: 'revoking',
        endReason: 'revoked',
        endedByRef: 'user:default/leo',
      });
      await expect(
        stores.grants.revokeGrant({
          grantId: grant.id,
          reason: 'given-up',
          actorRef: 'user:default/grace',
        }),
      ).rejects.toThrow(/is being revoked/);

      await worker.run();
      await worker.run();
      const revokes = tasks.started.filter(t => t.marker.purpose === 'revoke');
      expect(revokes).toEqual([
        {
          taskId: expect.any(String),
          templateRef: 'template:default/vpn-access-revoke',
          values: { forUser: 'user:default/grace', reason: 'revoked' },
          marker: {
            purpose: 'revoke',
            requestId: grant.requestId,
            grantId: grant.id,
            trackingNumber: grant.trackingNumber,
            run: 1,
            ticket: expect.any(String),
          },
        },
      ]);

      tasks.statuses.set(revokes[0].taskId, 'completed');
      await worker.run();
      expect(await stores.grants.getGrant(grant.id)).toMatchObject({
        state: 'ended',
        endReason: 'revoked',
        endedAt: expect.any(String),
        revokeTaskId: revokes[0].taskId,
      });
    });

    it('tries a revocation again soon after the scaffolder could not be reached, within a long lease', async () => {
      const { tasks, ...stores } = await createStore();
      const { grant } = await granted(stores, tasks);
      const worker = workerFor(stores, tasks, 60_000, 1);
      await stores.grants.revokeGrant({
        grantId: grant.id,
        reason: 'revoked',
        actorRef: 'user:default/leo',
      });

      tasks.die = 'before-start';
      await worker.run();
      const revokes = () =>
        tasks.started.filter(t => t.marker.purpose === 'revoke');
      expect(revokes()).toHaveLength(0);

      clock.advance(5);
      await worker.run();
      expect(revokes()).toHaveLength(1);
      expect((await stores.grants.getGrant(grant.id))!.revokeTaskId).toBe(
        revokes()[0].taskId,
      );
    });

    it('keeps a grant whose revoke task failed as revoking, and a second revoke runs it again', async () => {
      const { tasks, ...stores } = await createStore();
      const { grant, worker } = await granted(stores, tasks);
      await stores.grants.revokeGrant({
        grantId: grant.id,
        reason: 'given-up',
        actorRef: 'user:default/grace',
      });
      await worker.run();
      const first = tasks.started.filter(t => t.marker.purpose === 'revoke');
      tasks.statuses.set(first[0].taskId, 'failed');
      await worker.run();
      expect(await stores.grants.getGrant(grant.id)).toMatchObject({
        state: 'revoking',
        failure: {
          stepId: 'provision',
          message: 'the VPN refused the profile',
        },
      });

      await stores.grants.revokeGrant({
        grantId: grant.id,
        reason: 'revoked',
        actorRef: 'user:default/leo',
      });
      await worker.run();
      const runs = tasks.started
        .filter(t => t.marker.purpose === 'revoke')
        .map(t => t.marker.run);
      expect(runs).toEqual([1, 2]);
    });

    it('ends a grant without a revoke template at once', async () => {
      const { tasks, ...stores } = await createStore();
      const { request } = await stores.lifecycle.createRequest(
        automatic({ grant: { duration: 'P30D' } }),
      );
      const worker = workerFor(stores, tasks);
      await worker.run();
      tasks.statuses.set(tasks.startsFor(request.id)[0].taskId, 'completed');
      await worker.run();
      const [grant] = await stores.grants.listGrants({});
      const ended = await stores.grants.revokeGrant({
        grantId: grant.id,
        reason: 'given-up',
        actorRef: 'user:default/grace',
      });
      expect(ended).toMatchObject({ state: 'ended', endReason: 'given-up' });
    });

    it('expires grants when their time is up and reminds holders once before', async () => {
      const { tasks, ...stores } = await createStore();
      const { grant } = await granted(stores, tasks);
      const expiresAt = new Date(grant.expiresAt!).getTime();
      const week = 7 * 86_400_000;

      // A controllable clock: what the job would see on those days.
      expect(
        await stores.grants.claimReminders({
          now: new Date(expiresAt - 10 * 86_400_000),
          withinMs: week,
        }),
      ).toEqual([]);
      const reminded = await stores.grants.claimReminders({
        now: new Date(expiresAt - 5 * 86_400_000),
        withinMs: week,
      });
      expect(reminded.map(g => g.id)).toEqual([grant.id]);
      expect(
        await stores.grants.claimReminders({
          now: new Date(expiresAt - 4 * 86_400_000),
          withinMs: week,
        }),
      ).toEqual([]);

      expect(
        await stores.grants.expireDue({ now: new Date(expiresAt - 1000) }),
      ).toEqual([]);
      const expired = await stores.grants.expireDue({
        now: new Date(expiresAt + 1000),
      });
      expect(expired).toEqual([
        expect.objectContaining({
          id: grant.id,
          state: 'revoking',
          endReason: 'expired',
          endedByRef: 'plugin:service-catalogue',
        }),
      ]);
      expect(
        await stores.grants.expireDue({ now: new Date(expiresAt + 2000) }),
      ).toEqual([]);
    });

    if (databaseId.startsWith('POSTGRES')) {
      it('starts 200 tasks once each from two replicas on one database', async () => {
        const {
          knex,
          lifecycle,
          store: first,
          grants: firstGrants,
          tickets: firstTickets,
          tasks,
        } = await createStore();
        // The second replica has its own connection pool to the same
        // database, as a second backend process would.
        const secondKnex = knexFactory({
          client: 'pg',
          connection: knex.client.config.connection,
        });
        const {
          store: second,
          grants: secondGrants,
          tickets: secondTickets,
        } = await createStore(secondKnex);
        try {
          const ids: string[] = [];
          for (let i = 0; i < 200; i++) {
            ids.push((await lifecycle.createRequest(automatic())).request.id);
          }
          const replicas = [
            { store: first, grants: firstGrants, tickets: firstTickets },
            { store: second, grants: secondGrants, tickets: secondTickets },
          ];
          await Promise.all(
            [...replicas, ...replicas].map(replica =>
              workerFor(replica, tasks).run(),
            ),
          );

          expect(tasks.started).toHaveLength(200);
          expect(new Set(tasks.started.map(t => t.marker.requestId)).size).toBe(
            200,
          );
          const stored = await Promise.all(ids.map(id => first.getRequest(id)));
          expect(
            new Set(stored.map(request => request!.scaffolderTaskId)).size,
          ).toBe(200);
        } finally {
          await secondKnex.destroy();
        }
      });
    }
  },
);
