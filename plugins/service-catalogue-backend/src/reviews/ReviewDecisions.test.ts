import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { seedGrant } from '../__testUtils__/reviewOrganisation';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { DatabaseReviewStore } from '../database/DatabaseReviewStore';
import { GrantStore } from '../database/GrantStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { ReviewDecisions } from './ReviewDecisions';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const t0 = new Date('2026-12-03T09:00:00Z');

describe.each(databases.eachSupportedId())(
  'ReviewDecisions on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let reviews: DatabaseReviewStore;
    let grants: DatabaseGrantStore;
    let grantId: string;
    let lineId: string;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      reviews = await DatabaseReviewStore.create({ database });
      grants = await DatabaseGrantStore.create({ database });
      grantId = await seedGrant(knex, {
        holder: 'grace',
        offering: 'vpn-access',
      });
      const campaignId = await reviews.transaction(async tx =>
        reviews.insertCampaign(
          tx,
          {
            title: 'VPN',
            scope: {
              kind: 'offering',
              offeringRef: 'offering:default/vpn-access',
            },
            trigger: 'manual',
            openedByRef: 'user:default/peggy',
            openedAt: t0,
            deadlineAt: new Date(t0.getTime() + 14 * 24 * 3600_000),
            ownerRefs: ['group:default/network-team'],
            offeringRefs: ['offering:default/vpn-access'],
            lines: (
              await reviews.activeGrants(tx, ['offering:default/vpn-access'])
            ).map(grant => ({
              grant,
              origin: 'request' as const,
              onUndecided: 'revoke' as const,
              reviewerRefs: ['user:default/leo'],
            })),
          },
          'opened',
        ),
      );
      [{ id: lineId }] = await reviews.listCampaignLines(campaignId);
    });

    const revoke = (decisions: ReviewDecisions) =>
      reviews.transaction(async tx => {
        const line = await reviews.lockLine(tx, lineId);
        return decisions.record(tx, line!, {
          decision: 'revoke',
          actorRef: 'user:default/leo',
          reason: 'left the team',
          automatic: false,
          now: new Date(),
        });
      });

    it('records a revoke and ends the grant in one transaction', async () => {
      await expect(
        revoke(ReviewDecisions.create({ reviews, grants })),
      ).resolves.toBe('revoked');
      expect(await reviews.getLine(lineId)).toMatchObject({
        decision: 'revoke',
      });
      expect(await grants.getGrant(grantId)).toMatchObject({
        state: 'ended',
        endReason: 'reviewed',
      });
    });

    it('rolls the decision back when ending the grant fails', async () => {
      // The real grant store, but its revoke fails inside the transaction.
      const failing = new Proxy(grants, {
        get(target, property) {
          if (property === 'revokeGrantIn') {
            return async () => {
              throw new Error('the grant could not be ended');
            };
          }
          const value = Reflect.get(target, property);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as GrantStore;

      await expect(
        revoke(ReviewDecisions.create({ reviews, grants: failing })),
      ).rejects.toThrow('the grant could not be ended');

      const line = await knex('review_lines').where('id', lineId).first();
      expect(line).toMatchObject({ decision: null, version: 1 });
      expect(
        await knex('review_line_reviewers')
          .where('line_id', lineId)
          .whereRaw('waiting = true')
          .pluck('reviewer_ref'),
      ).toEqual(['user:default/leo']);
      expect(
        await knex('review_events').whereNot('type', 'opened').pluck('type'),
      ).toEqual([]);
      expect(await grants.getGrant(grantId)).toMatchObject({ state: 'active' });
    });
  },
);
