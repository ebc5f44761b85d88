import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { seedRequests, SeededRequest } from '../__testUtils__/seedRequests';
import { approverToDecideFor } from '../approvals/whoMayDecide';
import { RequestFilter } from '../permissions';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { RequestPage } from './RequestStore';
import { applyDatabaseMigrations } from './migrations';
import { COUNT_LIMIT } from './operations/listApprovals';

jest.setTimeout(120_000);

const databases = TestDatabases.create();

const frank = 'user:default/frank';
const erin = 'user:default/erin';
// Leo is away and lets Frank decide for him.
const leo = 'user:default/leo';
const hidden = 'group:default/hidden-team';

/**
 * Requests of every shape the rule of who decides tells apart, repeated
 * until Frank has well over a thousand waiting.
 */
function inbox(count: number): SeededRequest[] {
  return Array.from({ length: count }, (_, i): SeededRequest => {
    const requesterRef = `user:default/requester-${i % 40}`;
    switch (i % 13) {
      case 7:
        return i % 2
          ? {
              requesterRef,
              stages: [[frank, erin]],
              decisions: [{ stage: 0, approverRef: frank }],
            }
          : {
              // Leo, standing in for Frank at another time, decided.
              requesterRef,
              stages: [[frank, erin]],
              decisions: [{ stage: 0, approverRef: frank, decidedByRef: leo }],
            };
      case 8:
        return i % 2
          ? { requesterRef, stages: [[erin], [frank]] }
          : {
              requesterRef,
              state: 'APPROVED',
              currentStage: null,
              stages: [[frank]],
              decisions: [{ stage: 0, approverRef: frank }],
            };
      case 9:
        return { requesterRef, stages: [[leo]] };
      case 10:
        // Frank's own request, or one he submitted for someone else: never
        // as Leo's delegate.
        return i % 2
          ? { requesterRef: frank, stages: [[leo]] }
          : { requesterRef, submittedByRef: frank, stages: [[leo]] };
      case 11:
        // Self-approval allowed: routing made Frank an approver.
        return i % 2
          ? { requesterRef: frank, stages: [[frank, erin]] }
          : { requesterRef, submittedByRef: frank, stages: [[frank, erin]] };
      case 12:
        return { requesterRef, offeringOwnerRef: hidden, stages: [[frank]] };
      default:
        return i % 3
          ? { requesterRef, stages: [[frank]] }
          : {
              // Erin decided too, and the stage needs both.
              requesterRef,
              stages: [[frank, erin], [leo]],
              decisions: [{ stage: 0, approverRef: erin }],
            };
    }
  });
}

const notHidden: PermissionCriteria<RequestFilter> = {
  not: { key: 'offeringOwnerRef', values: [hidden] },
};

async function allPages(
  next: (cursor?: number) => Promise<RequestPage>,
  limit: number,
): Promise<ServiceRequest[]> {
  const seen: ServiceRequest[] = [];
  let cursor: number | undefined;
  for (;;) {
    const page = await next(cursor);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    if (page.next === undefined) {
      return seen;
    }
    expect(page.items).toHaveLength(limit);
    cursor = page.next;
  }
}

describe.each(databases.eachSupportedId())(
  'DatabaseRequestStore paged lists on %s',
  (databaseId: TestDatabaseId) => {
    async function seeded() {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      const store = await DatabaseRequestStore.create({ database });
      await seedRequests(knex, inbox(2000));
      const all: ServiceRequest[] = [];
      for (let offset = 0; ; offset += 500) {
        const { items } = await store.listRequests({
          order: 'oldest',
          limit: 500,
          offset,
        });
        all.push(...items);
        if (items.length < 500) {
          break;
        }
      }
      return { store, all };
    }

    it('pages through more than a thousand waiting requests, exactly those the rule lets the approver decide', async () => {
      const { store, all } = await seeded();
      const expected = all
        .filter(
          request =>
            request.state === 'PENDING_APPROVAL' &&
            request.offeringOwnerRef !== hidden &&
            approverToDecideFor({ request, userRef: frank, delegators: [leo] }),
        )
        .map(request => request.id);
      expect(expected.length).toBeGreaterThan(1000);

      const query = {
        userRef: frank,
        delegatorRefs: [leo],
        readable: notHidden,
        limit: 100,
      };
      const first = await store.listAwaitingDecision(query);
      expect(first.items).toHaveLength(100);
      // The count stops where paging through it would be no use.
      expect(expected.length).toBeGreaterThan(COUNT_LIMIT);
      expect(first.totalCount).toBe(COUNT_LIMIT);
      expect(first.totalCountCapped).toBe(true);

      const paged = await allPages(
        afterSequence =>
          store.listAwaitingDecision({ ...query, afterSequence }),
        100,
      );
      const ids = paged.map(request => request.id);
      expect(new Set(ids).size).toBe(ids.length);
      // Oldest first, none missed, none that the rule refuses.
      expect(ids).toEqual(expected);
    });

    it('holds to the rule for another approver, and without a delegation shows only what names the approver', async () => {
      const { store, all } = await seeded();
      const page = await store.listAwaitingDecision({
        userRef: erin,
        delegatorRefs: [],
        limit: 2000,
      });
      const expected = all.filter(request =>
        approverToDecideFor({ request, userRef: erin, delegators: [] }),
      );
      expect(page.items.map(r => r.id)).toEqual(expected.map(r => r.id));
      expect(page.next).toBeUndefined();
      expect(page.totalCount).toBe(expected.length);
      expect(page.totalCountCapped).toBeUndefined();

      const withoutDelegation = await store.listAwaitingDecision({
        userRef: frank,
        delegatorRefs: [],
        limit: 2000,
      });
      expect(
        withoutDelegation.items.every(request =>
          request.stages[request.currentStage!].approvers.includes(frank),
        ),
      ).toBe(true);
    });

    it('shows a request Frank submitted for someone else to Leo, its approver, and not to Frank, his delegate', async () => {
      const { store, all } = await seeded();
      const submittedByFrank = all
        .filter(
          request =>
            request.submittedByRef === frank &&
            request.requesterRef !== frank &&
            request.stages[0].approvers.join() === leo,
        )
        .map(request => request.id);
      expect(submittedByFrank.length).toBeGreaterThan(0);

      const franks = await store.listAwaitingDecision({
        userRef: frank,
        delegatorRefs: [leo],
        limit: 2000,
      });
      const leos = await store.listAwaitingDecision({
        userRef: leo,
        delegatorRefs: [],
        limit: 2000,
      });
      const inFranks = new Set(franks.items.map(request => request.id));
      const inLeos = new Set(leos.items.map(request => request.id));
      expect(submittedByFrank.filter(id => inFranks.has(id))).toEqual([]);
      expect(submittedByFrank.filter(id => inLeos.has(id))).toEqual(
        submittedByFrank,
      );
    });

    it('pages through the decided history newest first', async () => {
      const { store, all } = await seeded();
      const decidedByLeo = all
        .filter(request =>
          request.stages.some(stage =>
            stage.decisions.some(d => d.decidedByRef === leo),
          ),
        )
        .map(request => request.id)
        .reverse();
      expect(decidedByLeo.length).toBeGreaterThan(20);

      const paged = await allPages(
        beforeSequence =>
          store.listDecidedBy({ userRef: leo, beforeSequence, limit: 20 }),
        20,
      );
      expect(paged.map(request => request.id)).toEqual(decidedByLeo);

      const none = await store.listDecidedBy({
        userRef: frank,
        readable: { key: 'offeringOwnerRef', values: [hidden] },
        limit: 20,
      });
      expect(none).toEqual({ items: [], totalCount: 0 });
    });

    it('pages through My requests by sequence, newest first, with the read filter', async () => {
      const { store, all } = await seeded();
      const mine = all
        .filter(
          request =>
            request.requesterRef === 'user:default/requester-3' &&
            request.offeringOwnerRef !== hidden,
        )
        .map(request => request.id)
        .reverse();
      expect(mine.length).toBeGreaterThan(14);
      const paged = await allPages(
        fromSequence =>
          store.listRequests({
            involvingUserRef: 'user:default/requester-3',
            readable: notHidden,
            fromSequence,
            limit: 7,
          }),
        7,
      );
      expect(paged.map(request => request.id)).toEqual(mine);
    });
  },
);
