import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { seedGrant } from '../__testUtils__/reviewOrganisation';
import { DatabaseGrantStore } from './DatabaseGrantStore';
import { DatabaseReviewStore } from './DatabaseReviewStore';
import { applyDatabaseMigrations } from './migrations';
import { LineKey, NewReviewCampaign } from './ReviewStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const t0 = new Date('2026-12-03T09:00:00Z');
const days = (n: number) => new Date(t0.getTime() + n * 24 * 3600_000);

describe.each(databases.eachSupportedId())(
  'DatabaseReviewStore on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseReviewStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      store = await DatabaseReviewStore.create({ database });
    });

    /** A campaign over the active grants of an offering, reviewers by holder. */
    async function open(
      offering: string,
      reviewersOf: Record<string, string[]>,
      extra: Partial<NewReviewCampaign> = {},
    ): Promise<string> {
      return store.transaction(async tx => {
        const grants = await store.activeGrants(tx, [
          `offering:default/${offering}`,
        ]);
        return store.insertCampaign(
          tx,
          {
            title: offering,
            scope: {
              kind: 'offering',
              offeringRef: `offering:default/${offering}`,
            },
            trigger: 'manual',
            openedByRef: 'user:default/leo',
            openedAt: t0,
            deadlineAt: days(14),
            ownerRefs: ['group:default/network-team'],
            offeringRefs: [`offering:default/${offering}`],
            lines: grants.map(grant => ({
              grant,
              origin: 'request',
              onUndecided: 'revoke',
              reviewerRefs: reviewersOf[grant.holderRef] ?? [],
            })),
            ...extra,
          },
          'opened',
        );
      });
    }

    it('pages the lines waiting for a reviewer soonest deadline first, across campaigns', async () => {
      const holders = ['grace', 'nina', 'peggy', 'alice', 'frank'];
      for (const holder of holders) {
        await seedGrant(knex, { holder, offering: 'vpn-access' });
        await seedGrant(knex, { holder, offering: 'wifi' });
      }
      // Leo reviews every line but Frank's, which has no reviewer; the
      // campaign opened first is due last.
      const reviewers = Object.fromEntries(
        holders
          .filter(holder => holder !== 'frank')
          .map(holder => [`user:default/${holder}`, ['user:default/leo']]),
      );
      const later = await open('vpn-access', reviewers, {
        deadlineAt: days(14),
      });
      const sooner = await open('wifi', reviewers, { deadlineAt: days(3) });

      const seen: Array<{ campaignId: string; id: string; due: string }> = [];
      let after: LineKey | undefined;
      for (;;) {
        const page = await store.listDecidableLines({
          now: t0,
          reviewerRefs: ['user:default/leo'],
          unreviewed: true,
          notHolderRef: 'user:default/ada',
          after,
          limit: 3,
        });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(
          ...page.items.map(l => ({
            campaignId: l.campaignId,
            id: l.id,
            due: l.deadlineAt,
          })),
        );
        if (!page.next) {
          break;
        }
        after = page.next;
      }
      const byCampaign = (id: string) =>
        seen
          .filter(l => l.campaignId === id)
          .map(l => l.id)
          .sort();
      expect(seen.map(l => l.campaignId)).toEqual([
        ...Array(5).fill(sooner),
        ...Array(5).fill(later),
      ]);
      // Within a deadline, by id: each line once, none skipped.
      expect(seen.map(l => l.id)).toEqual([
        ...byCampaign(sooner),
        ...byCampaign(later),
      ]);
      expect(seen.map(l => l.due)).toEqual([
        ...Array(5).fill(days(3).toISOString()),
        ...Array(5).fill(days(14).toISOString()),
      ]);
    });

    it('pages the lines waiting for a reviewer and their delegators by keyset, without the caller own and with the unreviewed ones for administrators', async () => {
      const holders = ['grace', 'nina', 'peggy', 'alice', 'frank', 'leo'];
      for (const holder of holders) {
        await seedGrant(knex, { holder, offering: 'vpn-access' });
      }
      await open('vpn-access', {
        'user:default/grace': ['user:default/leo'],
        'user:default/nina': ['user:default/leo', 'user:default/peggy'],
        'user:default/peggy': ['user:default/leo'],
        'user:default/alice': ['user:default/peggy'],
        'user:default/leo': ['user:default/peggy'],
        // frank's line has no reviewer
      });
      const all = async (query: {
        reviewerRefs: string[];
        unreviewed: boolean;
        notHolderRef: string;
      }) => {
        const seen: string[] = [];
        let after: LineKey | undefined;
        for (;;) {
          const page = await store.listDecidableLines({
            ...query,
            now: t0,
            after,
            limit: 2,
          });
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items.map(l => l.holderRef.split('/')[1]));
          if (!page.next) {
            return seen.sort();
          }
          after = page.next;
        }
      };
      expect(
        await all({
          reviewerRefs: ['user:default/leo'],
          unreviewed: false,
          notHolderRef: 'user:default/leo',
        }),
      ).toEqual(['grace', 'nina', 'peggy']);
      // Leo standing in for Peggy: never his own line.
      expect(
        await all({
          reviewerRefs: ['user:default/leo', 'user:default/peggy'],
          unreviewed: false,
          notHolderRef: 'user:default/leo',
        }),
      ).toEqual(['alice', 'grace', 'nina', 'peggy']);
      expect(
        await all({
          reviewerRefs: ['user:default/ada'],
          unreviewed: true,
          notHolderRef: 'user:default/ada',
        }),
      ).toEqual(['frank']);
      // From the deadline on, nothing waits, though the job has not closed it.
      expect(
        (
          await store.listDecidableLines({
            now: days(14),
            reviewerRefs: ['user:default/leo', 'user:default/peggy'],
            unreviewed: true,
            notHolderRef: 'user:default/ada',
            limit: 10,
          })
        ).items,
      ).toEqual([]);
      expect(
        await all({
          reviewerRefs: ['user:default/frank'],
          unreviewed: true,
          notHolderRef: 'user:default/frank',
        }),
      ).toEqual([]);
    });

    it('lists campaigns newest first for their owners, by keyset', async () => {
      await seedGrant(knex, { holder: 'grace', offering: 'vpn-access' });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          // Campaigns of one offering one after the other, none open over
          // another: the listing does not care.
          await open(
            'vpn-access',
            {},
            { openedAt: days(i), title: `#${i}`, offeringRefs: [] },
          ),
        );
      }
      await open(
        'github',
        {},
        {
          ownerRefs: ['group:default/platform-team'],
          scope: { kind: 'owner', ownerRef: 'group:default/platform-team' },
          openedAt: days(-1),
        },
      );
      const first = await store.listCampaigns({
        ownerRefs: ['group:default/network-team', 'user:default/leo'],
        limit: 2,
      });
      expect(first.items.map(c => c.title)).toEqual(['#2', '#1']);
      const second = await store.listCampaigns({
        ownerRefs: ['group:default/network-team', 'user:default/leo'],
        after: first.next,
        limit: 2,
      });
      expect(second.items.map(c => c.title)).toEqual(['#0']);
      expect(second.next).toBeUndefined();
      expect(second.items[0].progress).toEqual({
        total: 1,
        kept: 0,
        revoked: 0,
        undecided: 1,
      });
      expect(
        (await store.listCampaigns({ limit: 10 })).items.map(c => c.scope.kind),
      ).toEqual(['offering', 'offering', 'offering', 'owner']);
      expect(
        (
          await store.listCampaigns({
            ownerRefs: ['group:default/x'],
            limit: 10,
          })
        ).items,
      ).toEqual([]);
    });

    it('claims a campaign reminder once however many ask at the same time', async () => {
      await seedGrant(knex, { holder: 'grace', offering: 'vpn-access' });
      await open('vpn-access', { 'user:default/grace': ['user:default/leo'] });
      const beforeMs = 3 * 24 * 3600_000;
      expect(await store.claimReminders({ now: days(10), beforeMs })).toEqual(
        [],
      );
      const claims = await Promise.all([
        store.claimReminders({ now: days(12), beforeMs }),
        store.claimReminders({ now: days(12), beforeMs }),
      ]);
      expect(claims.flat()).toEqual([
        {
          campaign: expect.objectContaining({ title: 'vpn-access' }),
          reviewerRefs: ['user:default/leo'],
        },
      ]);
      expect(await store.claimReminders({ now: days(13), beforeMs })).toEqual(
        [],
      );
    });

    it('records a revoke decision with the grant ending in the same transaction, starting its revoke template', async () => {
      const grantId = await seedGrant(knex, {
        holder: 'nina',
        offering: 'wifi',
      });
      const campaignId = await open('wifi', {
        'user:default/nina': ['user:default/leo'],
      });
      const grants = await DatabaseGrantStore.create({
        database: { getClient: async () => knex },
      });
      const [line] = (await store.listCampaignLines(campaignId)).map(l => l);
      await store.transaction(async tx => {
        const locked = (await store.lockLine(tx, line.id))!;
        await store.recordDecision(tx, locked, {
          decision: 'revoke',
          decidedByRef: 'user:default/leo',
          reason: 'left the project',
          automatic: false,
          at: t0,
        });
        await grants.revokeGrantIn(tx, {
          grantId,
          reason: 'reviewed',
          actorRef: 'user:default/leo',
          reviewLineId: line.id,
        });
      });
      expect(await store.getLine(line.id)).toMatchObject({
        decision: 'revoke',
        decidedByRef: 'user:default/leo',
        reason: 'left the project',
        automatic: false,
        grantState: 'revoking',
      });
      expect(
        await knex('grants')
          .where('id', grantId)
          .first('state', 'end_reason', 'ended_by_review_line_id'),
      ).toEqual({
        state: 'revoking',
        end_reason: 'reviewed',
        ended_by_review_line_id: line.id,
      });
      // The line moved on: a second decision read before it loses.
      await expect(
        store.transaction(tx =>
          store.recordDecision(
            tx,
            { id: line.id, version: 1 },
            {
              decision: 'keep',
              decidedByRef: 'user:default/peggy',
              automatic: false,
              at: t0,
            },
          ),
        ),
      ).rejects.toThrow(/changed while saving/);
    });

    it('makes a failed revocation that a review revokes again ended by that review', async () => {
      const grantId = await seedGrant(knex, {
        holder: 'nina',
        offering: 'wifi',
      });
      const campaignId = await open('wifi', {
        'user:default/nina': ['user:default/leo'],
      });
      // The owner revoked it; the revoke template failed.
      await knex('grants')
        .where('id', grantId)
        .update({
          state: 'revoking',
          end_reason: 'revoked',
          ended_by_ref: 'user:default/peggy',
          failure: JSON.stringify({ message: 'boom' }),
        });
      const grants = await DatabaseGrantStore.create({
        database: { getClient: async () => knex },
      });
      const [line] = await store.listCampaignLines(campaignId);
      await store.transaction(tx =>
        grants.revokeGrantIn(tx, {
          grantId,
          reason: 'reviewed',
          actorRef: 'user:default/leo',
          reviewLineId: line.id,
        }),
      );
      expect(await grants.getGrant(grantId)).toMatchObject({
        state: 'revoking',
        endReason: 'reviewed',
        endedByRef: 'user:default/leo',
        endedByReview: { campaignId, lineId: line.id },
      });
      expect((await grants.getGrant(grantId))!.failure).toBeUndefined();
    });
  },
);

const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

(postgres.length
  ? describe.each(postgres)
  : describe.skip.each([['POSTGRES']]))(
  'DatabaseReviewStore locks on %s',
  databaseId => {
    it('closes a campaign while a reviewer decides one of its lines without a deadlock', async () => {
      const knex = await databases.init(databaseId as TestDatabaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      const store = await DatabaseReviewStore.create({ database });
      await seedGrant(knex, { holder: 'grace', offering: 'vpn-access' });
      const campaignId = await store.transaction(async tx =>
        store.insertCampaign(
          tx,
          {
            title: 'vpn',
            scope: {
              kind: 'offering',
              offeringRef: 'offering:default/vpn-access',
            },
            trigger: 'manual',
            openedByRef: 'user:default/leo',
            openedAt: t0,
            deadlineAt: days(14),
            ownerRefs: ['group:default/network-team'],
            offeringRefs: ['offering:default/vpn-access'],
            lines: (
              await store.activeGrants(tx, ['offering:default/vpn-access'])
            ).map(grant => ({
              grant,
              origin: 'request',
              onUndecided: 'revoke',
              reviewerRefs: ['user:default/leo'],
            })),
          },
          'opened',
        ),
      );
      const [lineId] = await knex('review_lines').pluck('id');
      const signal = () => {
        let done = () => {};
        const promise = new Promise<void>(resolve => {
          done = resolve;
        });
        return { promise, done };
      };
      const lineLocked = signal();
      const campaignLocked = signal();

      // The reviewer locks the line, then writes its event, whose foreign
      // key reads the campaign; the deadline locks the campaign in between,
      // then waits for the line.
      const reviewer = store.transaction(async tx => {
        await store.lockLine(tx, lineId);
        lineLocked.done();
        await campaignLocked.promise;
        await store.addEvent(tx, campaignId, {
          type: 'decided',
          at: t0.toISOString(),
          actorRef: 'user:default/leo',
          lineId,
          message: 'kept',
        });
      });
      const deadline = lineLocked.promise.then(() =>
        store.transaction(async tx => {
          await store.lockCampaign(tx, campaignId);
          campaignLocked.done();
          return store.lockUndecidedLines(tx, campaignId, 200);
        }),
      );

      await expect(reviewer).resolves.toBeUndefined();
      expect((await deadline).map(l => l.id)).toEqual([lineId]);
    });
  },
);
