import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { OfferingEntityV1alpha1 } from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import {
  reviewClaimsOf,
  reviewEntities,
  seedGrant,
} from '../__testUtils__/reviewOrganisation';
import { memoryCache } from '../__testUtils__/memoryCache';
import { CatalogCache } from '../catalogue/CatalogCache';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { TemplateChecks } from '../catalogue/TemplateChecks';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { DatabaseReviewStore } from '../database/DatabaseReviewStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { Fulfillers } from '../requests/Fulfillers';
import { RequestNotifier } from '../requests/RequestNotifier';
import { CampaignOpener } from '../reviews/CampaignOpener';
import { ReviewDeadlines } from '../reviews/ReviewDeadlines';
import { ReviewDecisions } from '../reviews/ReviewDecisions';
import { ApproverResolver } from '../routing/ApproverResolver';
import { ReviewJob } from './ReviewJob';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const t0 = new Date('2026-12-03T09:00:00Z');
const days = (n: number) => new Date(t0.getTime() + n * 24 * 3600_000);

describe.each(databases.eachSupportedId())(
  'the review job on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    const sent: Array<{ to: string[]; title: string; link?: string }> = [];
    const audited: string[] = [];
    const failed: Array<{ eventId: string; error: unknown }> = [];
    const loggers: Array<ReturnType<typeof mockServices.logger.mock>> = [];

    /** One replica: its own stores and services on the shared database. */
    async function replica() {
      const database = { getClient: async () => knex };
      const config = new ConfigReader({});
      const logger = mockServices.logger.mock();
      loggers.push(logger);
      const auth = mockServices.auth();
      const catalog = catalogServiceMock({ entities: reviewEntities() });
      const catalogCache = CatalogCache.create({
        cache: memoryCache(),
        logger,
      });
      const userInfo = mockServices.userInfo.mock({
        async getUserInfo(credentials: any) {
          const ref = credentials.principal.userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs: reviewClaimsOf(ref),
          };
        },
      });
      const permissions = mockServices.permissions();
      const fulfillers = Fulfillers.fromConfig(config, {
        userInfo,
        permissions,
      });
      const notifier = RequestNotifier.create({
        notifications: {
          send: async ({ recipients, payload }: any) => {
            sent.push({
              to: recipients.entityRef,
              title: payload.title,
              link: payload.link,
            });
          },
        } as any,
        signals: { publish: async () => {} } as any,
        logger,
      });
      const auditor = {
        createEvent: async (options: { eventId: string }) => ({
          success: async (outcome?: { meta?: { opened?: boolean } }) => {
            // A replica that found the campaign opened by another did nothing.
            if (outcome?.meta?.opened !== false) {
              audited.push(options.eventId);
            }
          },
          fail: async ({ error }: { error: unknown }) => {
            failed.push({ eventId: options.eventId, error });
          },
        }),
      } as any;
      const reviews = await DatabaseReviewStore.create({ database });
      const decisions = ReviewDecisions.create({
        reviews,
        grants: await DatabaseGrantStore.create({ database }),
      });
      const opener = CampaignOpener.create({
        reviews,
        reviewers: ApproverResolver.create({
          catalog,
          auth,
          config,
          logger,
          catalogCache,
        }),
        notifier,
        auditor,
        logger,
      });
      const job = ReviewJob.fromConfig(config, {
        scheduler: mockServices.scheduler.mock(),
        auth,
        logger,
        offerings: OfferingCatalogue.create({
          auth,
          catalog,
          userInfo,
          fulfillers,
          templates: TemplateChecks.create({ auth, catalog }),
          catalogCache,
        }),
        opener,
        deadlines: ReviewDeadlines.create({
          reviews,
          decisions,
          notifier,
          auditor,
          logger,
        }),
      });
      return {
        run: (now: Date) => job.run(now),
        catalog,
        logger,
        /** A campaign opened by hand, as `POST /reviews/campaigns` does. */
        openByHand: (name: string, now: Date, deadline?: string) =>
          opener.open({
            scope: {
              kind: 'offering',
              offeringRef: `offering:default/${name}`,
            },
            offerings: [
              reviewEntities().find(
                e => e.kind === 'Offering' && e.metadata.name === name,
              ) as OfferingEntityV1alpha1,
            ],
            trigger: 'manual',
            actorRef: 'user:default/leo',
            now,
            deadline,
          }),
      };
    }

    const openOver = (offering: string) =>
      knex('review_campaign_offerings')
        .where('offering_ref', `offering:default/${offering}`)
        .whereRaw('open = true')
        .pluck('campaign_id');

    const campaigns = () =>
      knex('review_campaigns').orderBy('schedule_key').select();

    const linesOf = async (scheduleKey: string) => {
      const lines = await knex('review_lines as l')
        .join('review_campaigns as c', 'c.id', 'l.campaign_id')
        .where('c.schedule_key', scheduleKey)
        .orderBy('l.holder_ref')
        .select('l.*');
      const reviewers = await knex('review_line_reviewers')
        .whereIn(
          'line_id',
          lines.map(l => l.id),
        )
        .orderBy('reviewer_ref')
        .select();
      return lines.map(l => ({
        holder: l.holder_ref,
        origin: l.origin,
        onUndecided: l.on_undecided,
        reviewers: reviewers
          .filter(r => r.line_id === l.id)
          .map(r => r.reviewer_ref),
      }));
    };

    let grants: Record<string, string>;

    /**
     * What every test ends with: no replica failed an audited action or
     * logged an error, for a lost race is not a failure.
     */
    function expectNoFailure() {
      expect(failed).toEqual([]);
      for (const logger of loggers) {
        expect(logger.error).not.toHaveBeenCalled();
      }
    }

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await applyDatabaseMigrations({ getClient: async () => knex });
      sent.length = 0;
      audited.length = 0;
      failed.length = 0;
      loggers.length = 0;
      grants = {
        graceVpn: await seedGrant(knex, {
          holder: 'grace',
          offering: 'vpn-access',
        }),
        peggyVpn: await seedGrant(knex, {
          holder: 'peggy',
          offering: 'vpn-access',
          recorded: true,
        }),
        leoVpn: await seedGrant(knex, {
          holder: 'leo',
          offering: 'vpn-access',
        }),
        ninaWifi: await seedGrant(knex, { holder: 'nina', offering: 'wifi' }),
        graceWifi: await seedGrant(knex, {
          holder: 'grace',
          offering: 'wifi',
          birthrightGroupRef: 'group:default/acme',
        }),
        aliceGithub: await seedGrant(knex, {
          holder: 'alice',
          offering: 'github',
        }),
      };
    });

    it('asks the catalog only for the offerings with a review schedule, and opens theirs', async () => {
      const a = await replica();
      const getEntities = jest.spyOn(a.catalog, 'getEntities');
      await a.run(t0);
      const asked = getEntities.mock.calls
        .map(([query], index) => ({ query, index }))
        .filter(({ query }) => (query?.filter as any)?.kind === 'Offering');
      expect(asked).toHaveLength(1);
      expect(asked[0].query).toMatchObject({
        filter: {
          kind: 'Offering',
          'spec.review.every': CATALOG_FILTER_EXISTS,
        },
      });
      // GitHub has grants and no review; the laptop neither.
      const answer = await getEntities.mock.results[asked[0].index].value;
      expect(answer.items.map((e: any) => e.metadata.name).sort()).toEqual([
        'vpn-access',
        'wifi',
      ]);
      expect((await campaigns()).map(c => c.scope_ref).sort()).toEqual([
        'offering:default/vpn-access',
        'offering:default/wifi',
      ]);
      expectNoFailure();
    });

    it('opens each due review once with two workers at the same instant, and not again before `every`', async () => {
      const [a, b] = [await replica(), await replica()];
      await Promise.all([a.run(t0), b.run(t0)]);

      expect((await campaigns()).map(c => c.schedule_key)).toEqual([
        'offering:default/vpn-access#1',
        'offering:default/wifi#1',
      ]);
      expect(audited.filter(id => id === 'review-open')).toHaveLength(2);
      // The snapshot: why each holder has it, and who reviews it; never
      // the holder, and the manager for wifi.
      expect(await linesOf('offering:default/vpn-access#1')).toEqual([
        {
          holder: 'user:default/grace',
          origin: 'request',
          onUndecided: 'revoke',
          reviewers: ['user:default/leo', 'user:default/peggy'],
        },
        {
          holder: 'user:default/leo',
          origin: 'request',
          onUndecided: 'revoke',
          reviewers: ['user:default/peggy'],
        },
        {
          holder: 'user:default/peggy',
          origin: 'desk',
          onUndecided: 'revoke',
          reviewers: ['user:default/leo'],
        },
      ]);
      expect(await linesOf('offering:default/wifi#1')).toEqual([
        {
          holder: 'user:default/grace',
          origin: 'birthright',
          onUndecided: 'keep',
          reviewers: ['user:default/frank'],
        },
        {
          holder: 'user:default/nina',
          origin: 'request',
          onUndecided: 'keep',
          reviewers: ['user:default/leo'],
        },
      ]);
      expect(sent.map(s => s.to)).toEqual(
        expect.arrayContaining([
          ['user:default/leo', 'user:default/peggy'],
          ['user:default/frank', 'user:default/leo'],
        ]),
      );

      await Promise.all([a.run(days(29)), b.run(days(29))]);
      expect(await campaigns()).toHaveLength(2);

      await Promise.all([a.run(days(30)), b.run(days(30))]);
      expect((await campaigns()).map(c => c.schedule_key)).toEqual([
        'offering:default/vpn-access#1',
        'offering:default/wifi#1',
        'offering:default/wifi#2',
      ]);
      expectNoFailure();
    });

    it('opens the first scheduled review once someone has held the offering for `every`, and none while there is nothing to review', async () => {
      const a = await replica();
      // VPN access given a day ago; nobody holds wifi any more.
      await knex('grants')
        .where('offering_ref', 'offering:default/vpn-access')
        .update({ granted_at: days(-1) });
      await knex('grants')
        .where('offering_ref', 'offering:default/wifi')
        .update({ state: 'ended', ended_at: days(-1), end_reason: 'revoked' });

      await a.run(t0);
      await a.run(days(88));
      expect(await campaigns()).toEqual([]);

      // 90 days after the first grant, its first review; still none of wifi.
      await a.run(days(89));
      expect((await campaigns()).map(c => c.schedule_key)).toEqual([
        'offering:default/vpn-access#1',
      ]);

      // Once someone holds wifi again, for longer than its 30 days, it too.
      await seedGrant(knex, { holder: 'nina', offering: 'wifi' });
      await a.run(days(89.5));
      expect((await campaigns()).map(c => c.schedule_key)).toEqual([
        'offering:default/vpn-access#1',
        'offering:default/wifi#1',
      ]);

      // Nobody decided the VPN lines, so the deadline revoked them all: the
      // next period finds nothing to review and opens nothing.
      await a.run(days(103));
      expect(
        Number(
          (
            await knex('grants')
              .where({
                offering_ref: 'offering:default/vpn-access',
                state: 'active',
              })
              .count({ n: '*' })
          )[0].n,
        ),
      ).toBe(0);
      await a.run(days(180));
      expect(
        (await campaigns()).filter(
          c => c.scope_ref === 'offering:default/vpn-access',
        ),
      ).toHaveLength(1);
      expect(a.logger.error).not.toHaveBeenCalled();
    });

    it('waits to open a scheduled review while the offering is under an open campaign, and opens it at the next run after it closes', async () => {
      const a = await replica();
      await a.run(t0);
      await a.run(days(14));
      // Wifi every 30 days; a campaign opened by hand runs past that.
      const byHand = await a.openByHand('wifi', days(20), 'P60D');
      expect(await openOver('wifi')).toEqual([byHand!.id]);

      await a.run(days(30));
      await a.run(days(79));
      expect(
        (await campaigns()).filter(
          c => c.scope_ref === 'offering:default/wifi',
        ),
      ).toHaveLength(2);

      // This run closes it; the next one opens the scheduled review.
      await a.run(days(80));
      expect(await openOver('wifi')).toEqual([]);
      await a.run(days(80.001));
      const [scheduled] = await openOver('wifi');
      expect(
        (await knex('review_campaigns').where('id', scheduled).first())
          .schedule_key,
      ).toBe('offering:default/wifi#2');
      expectNoFailure();
    });

    it('opens one campaign over an offering when a scheduled and manual openings race', async () => {
      const [a, b] = [await replica(), await replica()];
      const outcomes = await Promise.allSettled([
        a.run(t0),
        b.openByHand('vpn-access', t0),
        a.openByHand('vpn-access', t0),
      ]);
      expect(outcomes[0].status).toBe('fulfilled');
      // Whoever lost by hand was told who won, and their refused opening
      // is audited as such; the job losing is no failure.
      const lost = outcomes.filter(
        (o): o is PromiseRejectedResult => o.status === 'rejected',
      );
      for (const { reason } of lost) {
        expect(reason.name).toBe('ConflictError');
      }
      expect(failed).toEqual(
        lost.map(({ reason }) => ({ eventId: 'review-open', error: reason })),
      );
      failed.length = 0;
      const open = await openOver('vpn-access');
      expect(open).toHaveLength(1);
      expect(
        await knex('review_lines')
          .where('offering_ref', 'offering:default/vpn-access')
          .distinct('campaign_id')
          .pluck('campaign_id'),
      ).toEqual(open);
      expect(a.logger.error).not.toHaveBeenCalled();
      expectNoFailure();
    });

    it('reminds once before the deadline and, at the deadline, revokes or keeps what nobody decided and closes, once with two workers', async () => {
      const [a, b] = [await replica(), await replica()];
      await a.run(t0);
      const [vpn, wifi] = await campaigns();
      expect(
        [vpn.deadline_at, wifi.deadline_at].map(d => new Date(d).toISOString()),
      ).toEqual([days(14).toISOString(), days(14).toISOString()]);
      sent.length = 0;

      await Promise.all([a.run(days(10)), b.run(days(10))]);
      expect(sent).toEqual([]);
      await Promise.all([a.run(days(11.5)), b.run(days(11.5))]);
      expect(sent.filter(s => /due soon/.test(s.title))).toHaveLength(2);
      // Each reminder opens the Reviews page on its own campaign's lines.
      expect(
        sent.filter(s => /due soon/.test(s.title)).map(s => s.link),
      ).toEqual(
        expect.arrayContaining(
          [vpn.id, wifi.id].map(
            id => `/service-catalogue/reviews?campaignId=${id}`,
          ),
        ),
      );
      await Promise.all([a.run(days(12)), b.run(days(12))]);
      expect(sent.filter(s => /due soon/.test(s.title))).toHaveLength(2);

      await Promise.all([a.run(days(14)), b.run(days(14))]);
      expect((await campaigns()).map(c => c.state)).toEqual([
        'closed',
        'closed',
      ]);
      const state = async (id: string) =>
        knex('grants')
          .where('id', id)
          .first(
            'state',
            'end_reason',
            'ended_by_ref',
            'ended_by_review_line_id',
          );
      // vpn-access: revoke; no revoke template, so it ends at once.
      for (const id of [grants.graceVpn, grants.peggyVpn, grants.leoVpn]) {
        expect(await state(id)).toEqual({
          state: 'ended',
          end_reason: 'reviewed',
          ended_by_ref: 'plugin:service-catalogue',
          ended_by_review_line_id: expect.any(String),
        });
      }
      // wifi: keep.
      for (const id of [grants.ninaWifi, grants.graceWifi]) {
        expect((await state(id)).state).toBe('active');
      }
      expect(await state(grants.aliceGithub)).toMatchObject({
        state: 'active',
      });

      const lines = await knex('review_lines').orderBy('holder_ref').select();
      expect(lines.every(l => Boolean(l.automatic))).toBe(true);
      expect(
        lines.map(l => [l.offering_ref, l.decision, l.decided_by_ref]),
      ).toEqual(
        expect.arrayContaining([
          ['offering:default/vpn-access', 'revoke', 'plugin:service-catalogue'],
          ['offering:default/wifi', 'keep', 'plugin:service-catalogue'],
        ]),
      );
      // The holders whose access ended are told once; wifi's revoke
      // template would tell its holders when it ran, but wifi keeps.
      expect(
        sent
          .filter(s => s.title === 'Your access ended: VPN-ACCESS')
          .flatMap(s => s.to)
          .sort(),
      ).toEqual([
        'user:default/grace',
        'user:default/leo',
        'user:default/peggy',
      ]);
      const events = await knex('review_events').orderBy('id').pluck('type');
      expect(events.filter(t => t === 'closed')).toHaveLength(2);
      expect(events.filter(t => t === 'reminded')).toHaveLength(2);
      expect(events.filter(t => t === 'deadline')).toHaveLength(5);
      expect(audited.filter(id => id === 'review-close')).toHaveLength(2);

      await Promise.all([a.run(days(15)), b.run(days(15))]);
      expect(
        (await knex('review_events').pluck('type')).filter(t => t === 'closed'),
      ).toHaveLength(2);
      expectNoFailure();
    });

    it('closes a campaign of thousands of lines in batches, once with two workers, and reports them all', async () => {
      const [a, b] = [await replica(), await replica()];
      await a.run(t0);
      const vpn = (await campaigns()).find(
        c => c.scope_ref === 'offering:default/vpn-access',
      );
      // More lines than PostgreSQL binds parameters in one statement; their
      // grants are made up, so revoking finds nothing to end.
      const extra = Array.from({ length: 3000 }, (_, i) => ({
        id: `e0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        campaign_id: vpn.id,
        grant_id: `f0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        holder_ref: `user:default/holder-${i}`,
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN-ACCESS',
        offering_owner_ref: 'group:default/network-team',
        granted_at: t0,
        origin: 'request',
        tracking_number: `REQ-${i}`,
        on_undecided: 'revoke',
        deadline_at: vpn.deadline_at,
        automatic: false,
        no_reviewer: false,
        version: 1,
      }));
      await knex.batchInsert('review_lines', extra, 100);
      await knex.batchInsert(
        'review_line_reviewers',
        extra.map(l => ({
          line_id: l.id,
          reviewer_ref: 'user:default/leo',
          deadline_at: vpn.deadline_at,
        })),
        200,
      );

      await Promise.all([a.run(days(14)), b.run(days(14))]);
      expect(
        Number(
          (
            await knex('review_lines')
              .where('campaign_id', vpn.id)
              .whereNull('decision')
              .count({ n: '*' })
          )[0].n,
        ),
      ).toBe(0);
      const closedEvents = await knex('review_events')
        .where({ campaign_id: vpn.id, type: 'closed' })
        .pluck('message');
      expect(closedEvents).toEqual([
        "Closed at the deadline; 3003 undecided lines followed the offering's rule, 3003 revoked",
      ]);
      expect(a.logger.error).not.toHaveBeenCalled();
      expect(b.logger.error).not.toHaveBeenCalled();

      const store = await DatabaseReviewStore.create({
        database: { getClient: async () => knex },
      });
      const lines = await store.listCampaignLines(vpn.id);
      expect(lines).toHaveLength(3003);
      expect(
        lines.filter(l => l.reviewerRefs.includes('user:default/leo')),
      ).toHaveLength(3002);
      expectNoFailure();
    });
  },
);
