import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  reviewClaimsOf,
  reviewEntities,
  seedGrant,
} from '../__testUtils__/reviewOrganisation';
import { serviceCataloguePlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const API = '/api/service-catalogue';
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials: any) {
    const userEntityRef: string = credentials.principal.userEntityRef;
    return {
      userEntityRef,
      ownershipEntityRefs: reviewClaimsOf(userEntityRef),
    };
  },
});

/** Ada administers; the policy denies mallory every access review permission. */
const permissions = mockServices.permissions.mock({
  async authorize(requests, options: any) {
    const user = options.credentials.principal.userEntityRef;
    return requests.map(({ permission }) => {
      if (permission.name === 'service-catalogue.administer') {
        return {
          result:
            user === 'user:default/ada'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      }
      return {
        result:
          permission.name.startsWith('service-catalogue.review.') &&
          user === 'user:default/mallory'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      };
    }) as any;
  },
  async authorizeConditional(requests) {
    return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
  },
});

describe.each(databases.eachSupportedId())(
  'access reviews on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
    let knex: Knex;
    const sent: Array<{ to: string[]; title: string }> = [];
    const grants: Record<string, string> = {};

    beforeAll(async () => {
      knex = await databases.init(databaseId as TestDatabaseId);
      server = (
        await startTestBackend({
          features: [
            serviceCataloguePlugin,
            mockServices.database.factory({ knex }),
            // Without their schedules: the campaigns here are opened by hand.
            catalogServiceMock.factory({
              entities: reviewEntities().map(entity =>
                entity.kind === 'Offering'
                  ? { ...entity, spec: { ...entity.spec, review: undefined } }
                  : entity,
              ),
            }),
            userInfo.factory,
            permissions.factory,
            mockServices.httpAuth.factory({
              defaultCredentials: mockCredentials.none(),
            }),
            mockServices.rootConfig.factory({
              data: {
                serviceCatalogue: {
                  categories: [{ id: 'access', title: 'Access' }],
                  desk: { groups: ['group:default/service-desk'] },
                },
              },
            }),
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () =>
                ({
                  send: async ({ recipients, payload }: any) => {
                    sent.push({
                      to: recipients.entityRef,
                      title: payload.title,
                    });
                  },
                } as any),
            }),
            createServiceFactory({
              service: signalsServiceRef,
              deps: {},
              factory: () => ({ publish: async () => {} } as any),
            }),
          ],
        })
      ).server;
      grants.grace = await seedGrant(knex, {
        holder: 'grace',
        offering: 'vpn-access',
      });
      grants.peggy = await seedGrant(knex, {
        holder: 'peggy',
        offering: 'vpn-access',
      });
      grants.leo = await seedGrant(knex, {
        holder: 'leo',
        offering: 'vpn-access',
      });
      grants.ada = await seedGrant(knex, {
        holder: 'ada',
        offering: 'vpn-access',
      });
      grants.nina = await seedGrant(knex, { holder: 'nina', offering: 'wifi' });
    });

    const get = (path: string, who?: string) => {
      const call = request(server).get(`${API}${path}`);
      return who ? call.set('Authorization', as(who)) : call;
    };
    const post = (path: string, who: string | undefined, body: object) => {
      const call = request(server).post(`${API}${path}`).send(body);
      return who ? call.set('Authorization', as(who)) : call;
    };
    const grantRow = (id: string) =>
      knex('grants')
        .where('id', id)
        .first(
          'state',
          'end_reason',
          'ended_by_ref',
          'ended_by_review_line_id',
        );
    const undecided = async () =>
      Number(
        (await knex('review_lines').whereNull('decision').count({ n: '*' }))[0]
          .n,
      );

    let vpnCampaign: any;
    const lineOf = async (holder: string) => {
      const res = await get(
        `/reviews/campaigns/${vpnCampaign.id}/report`,
        'leo',
      );
      return res.body.lines.find(
        (l: any) => l.holderRef === `user:default/${holder}`,
      );
    };

    it('refuses callers without credentials with 401', async () => {
      for (const call of [
        get('/reviews/lines'),
        get('/reviews/campaigns'),
        get('/reviews/campaigns/x'),
        get('/reviews/campaigns/x/report'),
        post('/reviews/decisions', undefined, {
          lineIds: ['x'],
          decision: 'keep',
        }),
        post('/reviews/campaigns', undefined, {
          scope: {
            kind: 'offering',
            offeringRef: 'offering:default/vpn-access',
          },
        }),
      ]) {
        expect((await call).status).toBe(401);
      }
    });

    it('lets owners and administrators open a campaign, and refuses others and bad scopes', async () => {
      const vpn = {
        kind: 'offering',
        offeringRef: 'offering:default/vpn-access',
      };
      expect(
        (await post('/reviews/campaigns', 'mallory', { scope: vpn })).status,
      ).toBe(403);
      expect(
        (await post('/reviews/campaigns', 'alice', { scope: vpn })).status,
      ).toBe(403);
      // The desk reads campaigns; their owners hold them.
      expect(
        (await post('/reviews/campaigns', 'desmond', { scope: vpn })).status,
      ).toBe(403);
      expect(
        (
          await post('/reviews/campaigns', 'desmond', {
            scope: { kind: 'owner', ownerRef: 'group:default/network-team' },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await post('/reviews/campaigns', 'leo', {
            scope: { kind: 'offering', offeringRef: 'offering:default/laptop' },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await post('/reviews/campaigns', 'desmond', {
            scope: { kind: 'owner', ownerRef: 'group:default/service-desk' },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await post('/reviews/campaigns', 'leo', {
            scope: { kind: 'team', ref: 'group:default/network-team' },
          })
        ).status,
      ).toBe(400);
      for (const bad of [
        { deadline: 'soon' },
        // Beyond any date, and merely longer than a year.
        { deadline: 'P999999Y' },
        { deadline: 'P1Y1D' },
        { title: 'x'.repeat(201) },
      ]) {
        expect(
          (await post('/reviews/campaigns', 'leo', { scope: vpn, ...bad }))
            .status,
        ).toBe(400);
      }
      expect(
        Number((await knex('review_campaigns').count({ n: '*' }))[0].n),
      ).toBe(0);

      const opened = await post('/reviews/campaigns', 'leo', {
        scope: vpn,
        title: 'VPN, December',
      });
      expect(opened.status).toBe(201);
      vpnCampaign = opened.body;
      expect(vpnCampaign).toMatchObject({
        title: 'VPN, December',
        scope: vpn,
        trigger: 'manual',
        openedByRef: 'user:default/leo',
        state: 'open',
        ownerRefs: ['group:default/network-team'],
        progress: { total: 4, kept: 0, revoked: 0, undecided: 4 },
      });

      // An offering is under one open campaign at a time: a keep in one
      // would not count in the other.
      const campaignsBefore = await knex('review_campaigns').pluck('id');
      const linesBefore = await knex('review_lines').pluck('id');
      const overlapping = await post('/reviews/campaigns', 'ada', {
        scope: vpn,
      });
      expect(overlapping.status).toBe(409);
      expect(overlapping.body.error).toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          `offering:default/vpn-access in VPN, December (${vpnCampaign.id})`,
        ),
      });
      expect(await knex('review_campaigns').pluck('id')).toEqual(
        campaignsBefore,
      );
      expect(await knex('review_lines').pluck('id')).toEqual(linesBefore);

      // What the group owns, but the VPN, already under review.
      const everything = await post('/reviews/campaigns', 'ada', {
        scope: { kind: 'owner', ownerRef: 'group:default/network-team' },
        deadline: 'P7D',
      });
      expect(everything.status).toBe(201);
      expect(everything.body.progress.total).toBe(1);
      const report = (
        await get(`/reviews/campaigns/${everything.body.id}/report`, 'ada')
      ).body;
      expect(report.lines.map((l: any) => l.offeringRef)).toEqual([
        'offering:default/wifi',
      ]);
      expect(report.events[0].message).toMatch(
        /left out, already under an open review: offering:default\/vpn-access in VPN, December/,
      );

      const nothingLeft = await post('/reviews/campaigns', 'ada', {
        scope: { kind: 'owner', ownerRef: 'group:default/network-team' },
      });
      expect(nothingLeft.status).toBe(409);
      expect(
        Number((await knex('review_campaigns').count({ n: '*' }))[0].n),
      ).toBe(2);
    });

    it('shows campaigns to their owners, the desk and administrators, and nothing to others', async () => {
      const titles = async (who: string) => {
        const res = await get('/reviews/campaigns', who);
        expect(res.status).toBe(200);
        return res.body.items.map((c: any) => c.scope);
      };
      expect(await titles('leo')).toHaveLength(2);
      expect(await titles('desmond')).toHaveLength(2);
      expect(await titles('ada')).toHaveLength(2);
      expect(await titles('alice')).toEqual([]);
      expect(await titles('nosy')).toEqual([]);
      expect((await get('/reviews/campaigns', 'mallory')).status).toBe(403);
      expect(
        (await get(`/reviews/campaigns/${vpnCampaign.id}`, 'nosy')).status,
      ).toBe(404);
      expect(
        (await get(`/reviews/campaigns/${vpnCampaign.id}`, 'peggy')).status,
      ).toBe(200);

      const first = await get('/reviews/campaigns?limit=1', 'ada');
      expect(first.body.items).toHaveLength(1);
      const second = await get(
        `/reviews/campaigns?limit=1&cursor=${first.body.nextCursor}`,
        'ada',
      );
      expect(second.body.items).toHaveLength(1);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
      expect(second.body.nextCursor).toBeUndefined();
      expect((await get('/reviews/campaigns?cursor=bogus', 'ada')).status).toBe(
        400,
      );
      // Well formed, but its time is no time.
      const undated = Buffer.from(
        JSON.stringify({ l: 'review campaigns', k: ['yesterday', 'x'] }),
      ).toString('base64url');
      expect(
        (await get(`/reviews/campaigns?cursor=${undated}`, 'ada')).status,
      ).toBe(400);
      expect(
        (await get('/reviews/campaigns?state=open', 'ada')).body.items,
      ).toHaveLength(2);
      expect(
        (await get('/reviews/campaigns?state=closed', 'ada')).body.items,
      ).toEqual([]);
    });

    it('lists the lines waiting for the caller, never their own, with filters and pages', async () => {
      const holders = async (who: string, query = '') => {
        const res = await get(
          `/reviews/lines?campaignId=${vpnCampaign.id}${query}`,
          who,
        );
        expect(res.status).toBe(200);
        return res.body.items.map((l: any) => l.holderRef).sort();
      };
      expect(await holders('leo')).toEqual([
        'user:default/ada',
        'user:default/grace',
        'user:default/peggy',
      ]);
      expect(await holders('peggy')).toEqual([
        'user:default/ada',
        'user:default/grace',
        'user:default/leo',
      ]);
      expect(await holders('leo', '&holder=GRAC')).toEqual([
        'user:default/grace',
      ]);
      expect(await holders('nosy')).toEqual([]);
      const target = (ref: string) =>
        get(`/reviews/lines?targetRef=${encodeURIComponent(ref)}`, 'leo');
      // Only the first campaign covers the VPN.
      expect(
        (await target('resource:default/corp-vpn')).body.items,
      ).toHaveLength(3);
      expect((await target('resource:default/other')).body.items).toEqual([]);

      const page = await get(
        `/reviews/lines?campaignId=${vpnCampaign.id}&limit=2`,
        'leo',
      );
      expect(page.body.items).toHaveLength(2);
      const rest = await get(
        `/reviews/lines?campaignId=${vpnCampaign.id}&limit=2&cursor=${page.body.nextCursor}`,
        'leo',
      );
      expect(rest.body.items).toHaveLength(1);
      expect(rest.body.nextCursor).toBeUndefined();

      // A key is a deadline then a line id: a bare id, or a deadline that
      // is no time, is refused rather than compared.
      const cursorOf = (k: string[]) =>
        Buffer.from(JSON.stringify({ l: 'review lines', k })).toString(
          'base64url',
        );
      for (const query of [
        'cursor=bogus',
        `cursor=${cursorOf([vpnCampaign.id])}`,
        `cursor=${cursorOf(['tomorrow', vpnCampaign.id])}`,
        'limit=0',
        'limit=101',
      ]) {
        expect((await get(`/reviews/lines?${query}`, 'leo')).status).toBe(400);
      }
      expect((await get('/reviews/lines', 'mallory')).status).toBe(403);
    });

    it('refuses bad decisions with 400 and a denied reviewer with 403, changing nothing', async () => {
      const grace = await lineOf('grace');
      const before = await undecided();
      for (const body of [
        { lineIds: [grace.id], decision: 'maybe', reason: 'x' },
        { lineIds: [], decision: 'keep' },
        {
          lineIds: Array.from({ length: 101 }, (_, i) => `line-${i}`),
          decision: 'keep',
        },
        { lineIds: [grace.id], decision: 'revoke' },
        { lineIds: [grace.id], decision: 'revoke', reason: '   ' },
        { lineIds: [grace.id], decision: 'revoke', reason: 'x'.repeat(4001) },
      ]) {
        expect((await post('/reviews/decisions', 'leo', body)).status).toBe(
          400,
        );
      }
      expect(
        (
          await post('/reviews/decisions', 'mallory', {
            lineIds: [grace.id],
            decision: 'keep',
          })
        ).status,
      ).toBe(403);
      expect(await undecided()).toBe(before);
    });

    it('says a line failed for a reason of the database without its text', async () => {
      // PostgreSQL refuses a NUL in text; SQLite finds no such line.
      const res = await post('/reviews/decisions', 'leo', {
        lineIds: ['line\u0000id'],
        decision: 'keep',
      });
      expect(res.status).toBe(200);
      const postgres = databaseId.startsWith('POSTGRES');
      expect(res.body.results).toEqual([
        {
          lineId: 'line\u0000id',
          error: {
            name: postgres ? 'Error' : 'NotFoundError',
            message: postgres
              ? 'The decision could not be recorded; try again later'
              : 'No review line line\u0000id',
          },
        },
      ]);
    });

    it('never lets the holder decide their own line: as a reviewer, as a delegate of its reviewer, as an administrator', async () => {
      const leo = await lineOf('leo');
      const ada = await lineOf('ada');
      // Peggy reviews Leo's line and is away: Leo stands in for her.
      const delegated = await post('/delegations', 'peggy', {
        delegateRef: 'user:default/leo',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3600_000).toISOString(),
      });
      expect(delegated.status).toBe(201);

      const own = await post('/reviews/decisions', 'leo', {
        lineIds: [leo.id],
        decision: 'keep',
      });
      expect(own.status).toBe(200);
      expect(own.body.results).toEqual([
        {
          lineId: leo.id,
          error: {
            name: 'NotAllowedError',
            message: expect.stringMatching(/own access/),
          },
        },
      ]);
      const admin = await post('/reviews/decisions', 'ada', {
        lineIds: [ada.id],
        decision: 'keep',
      });
      expect(admin.body.results[0].error.name).toBe('NotAllowedError');
      expect((await lineOf('leo')).decision).toBeUndefined();
      expect((await lineOf('ada')).decision).toBeUndefined();
      expect((await grantRow(grants.leo)).state).toBe('active');
    });

    it('refuses a reviewer of other lines, and a delegate whose delegation expired, on a line they do not review, changing nothing', async () => {
      // Alice alone reviews Grace's GitHub access, as its owner; Leo holds
      // every permission and reviews VPN lines, not this one.
      grants.github = await seedGrant(knex, {
        holder: 'grace',
        offering: 'github',
      });
      const opened = await post('/reviews/campaigns', 'alice', {
        scope: { kind: 'offering', offeringRef: 'offering:default/github' },
      });
      expect(opened.status).toBe(201);
      const githubLines = (who: string) =>
        get('/reviews/lines?offeringRef=offering:default/github', who);
      const [line] = (await githubLines('alice')).body.items;
      expect(line).toMatchObject({
        holderRef: 'user:default/grace',
        reviewerRefs: ['user:default/alice'],
      });
      expect((await githubLines('leo')).body.items).toEqual([]);
      const leo = await post('/reviews/decisions', 'leo', {
        lineIds: [line.id],
        decision: 'revoke',
        reason: 'not mine to say',
      });
      expect(leo.status).toBe(200);
      expect(leo.body.results).toEqual([
        {
          lineId: line.id,
          error: {
            name: 'NotAllowedError',
            message: expect.stringMatching(/do not review/),
          },
        },
      ]);

      // Alice let Frank stand in for her until an hour ago.
      await knex('approval_delegations').insert({
        id: randomUUID(),
        approver_ref: 'user:default/alice',
        delegate_ref: 'user:default/frank',
        starts_at: new Date(Date.now() - 48 * 3600_000),
        ends_at: new Date(Date.now() - 3600_000),
        created_at: new Date(Date.now() - 48 * 3600_000),
      });
      expect((await githubLines('frank')).body.items).toEqual([]);
      const frank = await post('/reviews/decisions', 'frank', {
        lineIds: [line.id],
        decision: 'revoke',
        reason: 'standing in',
      });
      expect(frank.body.results).toEqual([
        {
          lineId: line.id,
          error: expect.objectContaining({ name: 'NotAllowedError' }),
        },
      ]);

      const row = await knex('review_lines').where('id', line.id).first();
      expect(row.decision).toBeNull();
      expect(row.version).toBe(1);
      expect(await grantRow(grants.github)).toMatchObject({ state: 'active' });
      expect(
        await knex('review_events')
          .where({ campaign_id: line.campaignId })
          .pluck('type'),
      ).toEqual(['opened']);
    });

    it('refuses a decision on a closed campaign with a conflict, changing nothing', async () => {
      const [line] = (
        await get('/reviews/lines?offeringRef=offering:default/github', 'alice')
      ).body.items;
      // As the job leaves a campaign it closed, here before its deadline.
      await knex('review_campaigns')
        .where('id', line.campaignId)
        .update({ state: 'closed', closed_at: new Date() });
      await knex('review_campaign_offerings')
        .where('campaign_id', line.campaignId)
        .update({ open: false });

      const late = await post('/reviews/decisions', 'alice', {
        lineIds: [line.id],
        decision: 'revoke',
        reason: 'too late',
      });
      expect(late.status).toBe(200);
      expect(late.body.results).toEqual([
        {
          lineId: line.id,
          error: {
            name: 'ConflictError',
            message: expect.stringMatching(/is closed/),
          },
        },
      ]);
      expect(
        (await knex('review_lines').where('id', line.id).first()).decision,
      ).toBeNull();
      expect(await grantRow(grants.github)).toMatchObject({ state: 'active' });
    });

    it('keeps one line and revokes another with reason `reviewed`, each once, and reports it as CSV', async () => {
      const grace = await lineOf('grace');
      const peggy = await lineOf('peggy');
      const kept = await post('/reviews/decisions', 'leo', {
        lineIds: [grace.id],
        decision: 'keep',
      });
      expect(kept.body.results).toEqual([
        {
          lineId: grace.id,
          line: expect.objectContaining({
            decision: 'keep',
            decidedByRef: 'user:default/leo',
            automatic: false,
            grantState: 'active',
          }),
        },
      ]);

      sent.length = 0;
      const revoked = await post('/reviews/decisions', 'leo', {
        lineIds: [peggy.id, grace.id, 'no-such-line'],
        decision: 'revoke',
        reason: '=HYPERLINK("http://evil")',
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body.results).toEqual([
        {
          lineId: peggy.id,
          line: expect.objectContaining({
            decision: 'revoke',
            grantState: 'ended',
          }),
        },
        {
          lineId: grace.id,
          error: expect.objectContaining({ name: 'ConflictError' }),
        },
        {
          lineId: 'no-such-line',
          error: expect.objectContaining({ name: 'NotFoundError' }),
        },
      ]);
      expect(await grantRow(grants.peggy)).toEqual({
        state: 'ended',
        end_reason: 'reviewed',
        ended_by_ref: 'user:default/leo',
        ended_by_review_line_id: peggy.id,
      });
      expect((await grantRow(grants.grace)).state).toBe('active');
      expect(sent).toEqual([
        {
          to: ['user:default/peggy'],
          title: 'Your access ended: VPN-ACCESS',
        },
      ]);

      const grantsOfPeggy = await get('/grants', 'peggy');
      expect(
        grantsOfPeggy.body.items.find((g: any) => g.id === grants.peggy),
      ).toMatchObject({
        state: 'ended',
        endReason: 'reviewed',
        endedByReview: { campaignId: vpnCampaign.id, lineId: peggy.id },
      });

      const report = await get(
        `/reviews/campaigns/${vpnCampaign.id}/report`,
        'ada',
      );
      expect(report.status).toBe(200);
      expect(report.body.campaign.progress).toEqual({
        total: 4,
        kept: 1,
        revoked: 1,
        undecided: 2,
      });
      expect(report.body.events.map((e: any) => e.type)).toEqual([
        'opened',
        'decided',
        'decided',
      ]);

      const csv = await get(
        `/reviews/campaigns/${vpnCampaign.id}/report?format=csv`,
        'leo',
      );
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const rows = csv.text.trim().split('\r\n');
      expect(rows[0]).toMatch(/^holder,offering,target,granted at,origin/);
      expect(rows).toHaveLength(5);
      const peggyRow = rows.find(r => r.startsWith('user:default/peggy'))!;
      expect(peggyRow).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(peggyRow).toContain(',revoke,user:default/leo,');
      expect(
        (
          await get(
            `/reviews/campaigns/${vpnCampaign.id}/report?format=csv`,
            'nosy',
          )
        ).status,
      ).toBe(404);
    });

    it('lets a delegate decide for the reviewer who delegated to them', async () => {
      const ada = await lineOf('ada');
      // Peggy delegated to Leo above; Leo decides Ada's line for himself
      // first, so ask Nina to stand in for Leo instead.
      const delegated = await post('/delegations', 'leo', {
        delegateRef: 'user:default/nina',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3600_000).toISOString(),
      });
      expect(delegated.status).toBe(201);
      const decided = await post('/reviews/decisions', 'nina', {
        lineIds: [ada.id],
        decision: 'keep',
      });
      expect(decided.body.results[0].line).toMatchObject({
        decision: 'keep',
        decidedByRef: 'user:default/nina',
        decidedForRef: 'user:default/leo',
      });
    });

    it('refuses decisions from the deadline on, before the job closed the campaign, and lists nothing waiting', async () => {
      const grace = await lineOf('grace');
      expect(grace.decision).toBe('keep');
      const peggyWaiting = async () =>
        (await get(`/reviews/lines?campaignId=${vpnCampaign.id}`, 'peggy')).body
          .items;
      const waiting = await peggyWaiting();
      expect(waiting.length).toBeGreaterThan(0);
      await knex('review_campaigns')
        .where('id', vpnCampaign.id)
        .update({ deadline_at: new Date(Date.now() - 1000) });

      expect(await peggyWaiting()).toEqual([]);
      const late = await post('/reviews/decisions', 'peggy', {
        lineIds: [waiting[0].id],
        decision: 'revoke',
        reason: 'left',
      });
      expect(late.body.results).toEqual([
        {
          lineId: waiting[0].id,
          error: {
            name: 'ConflictError',
            message: expect.stringMatching(/closed at its deadline/),
          },
        },
      ]);
      expect(
        (await knex('review_lines').where('id', waiting[0].id).first())
          .decision,
      ).toBeNull();
    });
  },
);
