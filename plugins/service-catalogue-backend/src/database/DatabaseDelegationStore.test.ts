import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseDelegationStore } from './DatabaseDelegationStore';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

describe.each(databases.eachSupportedId())(
  'DatabaseDelegationStore on %s',
  (databaseId: TestDatabaseId) => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      return DatabaseDelegationStore.create({ database });
    }

    it('finds the approvers a delegate stands in for, only during the period', async () => {
      const store = await createStore();
      const delegation = await store.addDelegation({
        approverRef: 'user:default/frank',
        delegateRef: 'user:default/grace',
        startsAt: '2026-12-01T00:00:00Z',
        endsAt: '2026-12-15T00:00:00Z',
        reason: 'holiday',
      });
      const at = (iso: string) =>
        store.listDelegatorsOf({
          delegateRef: 'user:default/grace',
          at: new Date(iso),
        });
      expect(await at('2026-12-05T12:00:00Z')).toEqual(['user:default/frank']);
      expect(await at('2026-11-30T23:59:59Z')).toEqual([]);
      expect(await at('2026-12-15T00:00:00Z')).toEqual([]);
      await expect(
        store.addDelegation({
          approverRef: 'user:default/frank',
          delegateRef: 'user:default/frank',
          startsAt: '2026-12-01T00:00:00Z',
          endsAt: '2026-12-15T00:00:00Z',
        }),
      ).rejects.toThrow('themselves');
      await store.removeDelegation({
        id: delegation.id,
        approverRef: 'user:default/frank',
      });
      expect(await at('2026-12-05T12:00:00Z')).toEqual([]);
    });
  },
);
