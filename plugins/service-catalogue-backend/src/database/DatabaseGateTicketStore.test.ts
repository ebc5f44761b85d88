import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseGateTicketStore } from './DatabaseGateTicketStore';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const key = {
  purpose: 'provision' as const,
  subjectId: 'a0000000-0000-4000-8000-000000000001',
  run: 1,
};
const templateRef = 'template:default/vpn-access';

describe.each(databases.eachSupportedId())(
  'DatabaseGateTicketStore on %s',
  (databaseId: TestDatabaseId) => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      return {
        knex,
        tickets: await DatabaseGateTicketStore.create({ database }),
      };
    }

    it('lets one task through with a ticket, again the same task, and no other', async () => {
      const { knex, tickets } = await createStore();
      const issued = await tickets.issue({ ...key, templateRef });
      if (!('ticket' in issued)) throw new Error('expected a ticket');

      // Only its hash is kept.
      const [row] = await knex('gate_tickets');
      expect(JSON.stringify(row)).not.toContain(issued.ticket);

      const pass = (taskId: string, over: object = {}) =>
        tickets.pass({
          ...key,
          ticket: issued.ticket,
          taskId,
          templateRef,
          ...over,
        });
      expect(await pass('task-1', { ticket: 'guessed' })).toBe('unknown');
      expect(await pass('task-1', { run: 2 })).toBe('unknown');
      expect(
        await pass('task-1', { templateRef: 'template:default/other' }),
      ).toBe('other-template');
      expect(await pass('task-1')).toBe('passed');
      // The scaffolder resuming the same task after a restart.
      expect(await pass('task-1')).toBe('passed');
      expect(await pass('task-2')).toBe('used');
    });

    it('names the task that passed instead of issuing a second ticket for the run', async () => {
      const { tickets } = await createStore();
      const issued = await tickets.issue({ ...key, templateRef });
      if (!('ticket' in issued)) throw new Error('expected a ticket');
      await tickets.pass({
        ...key,
        ticket: issued.ticket,
        taskId: 'task-1',
        templateRef,
      });

      expect(await tickets.issue({ ...key, templateRef })).toEqual({
        taskId: 'task-1',
      });
    });

    it('replaces an unspent ticket, so that a task created with it is refused', async () => {
      const { tickets } = await createStore();
      const first = await tickets.issue({ ...key, templateRef });
      const second = await tickets.issue({ ...key, templateRef });
      if (!('ticket' in first) || !('ticket' in second)) {
        throw new Error('expected tickets');
      }
      expect(second.ticket).not.toBe(first.ticket);
      expect(
        await tickets.pass({
          ...key,
          ticket: first.ticket,
          taskId: 't1',
          templateRef,
        }),
      ).toBe('unknown');
      expect(
        await tickets.pass({
          ...key,
          ticket: second.ticket,
          taskId: 't2',
          templateRef,
        }),
      ).toBe('passed');
    });

    it('issues a new run a fresh ticket after the last run passed, and the old ticket no longer counts', async () => {
      const { tickets } = await createStore();
      const first = await tickets.issue({ ...key, templateRef });
      if (!('ticket' in first)) throw new Error('expected a ticket');
      await tickets.pass({
        ...key,
        ticket: first.ticket,
        taskId: 't1',
        templateRef,
      });

      const retry = await tickets.issue({ ...key, run: 2, templateRef });
      if (!('ticket' in retry)) throw new Error('expected a ticket');
      expect(
        await tickets.pass({
          ...key,
          ticket: first.ticket,
          taskId: 't1',
          templateRef,
        }),
      ).toBe('unknown');
      expect(
        await tickets.pass({
          ...key,
          run: 2,
          ticket: retry.ticket,
          taskId: 't2',
          templateRef,
        }),
      ).toBe('passed');
    });

    it('refuses a ticket for a run older than the last one, and keeps the last one', async () => {
      const { tickets } = await createStore();
      const current = await tickets.issue({ ...key, run: 2, templateRef });
      if (!('ticket' in current)) throw new Error('expected a ticket');

      // A worker that stalled past its lease on run 1.
      await expect(
        tickets.issue({ ...key, run: 1, templateRef }),
      ).rejects.toThrow('Run 1 of');
      expect(
        await tickets.pass({
          ...key,
          run: 2,
          ticket: current.ticket,
          taskId: 't2',
          templateRef,
        }),
      ).toBe('passed');
    });

    it('keeps provisioning and revoking tickets of one id apart', async () => {
      const { tickets } = await createStore();
      const provision = await tickets.issue({ ...key, templateRef });
      const revoke = await tickets.issue({
        ...key,
        purpose: 'revoke',
        templateRef: 'template:default/vpn-access-revoke',
      });
      if (!('ticket' in provision) || !('ticket' in revoke)) {
        throw new Error('expected tickets');
      }
      expect(
        await tickets.pass({
          ...key,
          purpose: 'revoke',
          ticket: provision.ticket,
          taskId: 't1',
          templateRef: 'template:default/vpn-access-revoke',
        }),
      ).toBe('unknown');
    });

    it('lets exactly one of many tasks racing with one ticket through', async () => {
      const { tickets } = await createStore();
      const issued = await tickets.issue({ ...key, templateRef });
      if (!('ticket' in issued)) throw new Error('expected a ticket');
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          tickets.pass({
            ...key,
            ticket: issued.ticket,
            taskId: `task-${i}`,
            templateRef,
          }),
        ),
      );
      expect(outcomes.filter(o => o === 'passed')).toHaveLength(1);
      expect(outcomes.filter(o => o === 'used')).toHaveLength(9);
    });
  },
);
