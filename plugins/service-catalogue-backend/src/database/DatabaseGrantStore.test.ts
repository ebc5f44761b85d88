import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseGrantStore } from './DatabaseGrantStore';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { NewRequest } from './RequestStore';
import { applyDatabaseMigrations } from './migrations';
import { RequestLifecycle } from '../requests/RequestLifecycle';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const DAY = 24 * 60 * 60 * 1000;

const vpn = (overrides: Partial<NewRequest> = {}): NewRequest => ({
  offeringRef: 'offering:default/vpn-access',
  offeringTitle: 'VPN access',
  offeringOwnerRef: 'group:default/network-team',
  requesterRef: 'user:default/grace',
  submittedByRef: 'user:default/grace',
  formValues: {},
  stages: [],
  fulfilment: 'manual',
  grant: { duration: 'P30D' },
  ...overrides,
});

const ownerStage = {
  index: 0,
  approverSpec: ['owner'],
  approvers: ['user:default/nina'],
  source: 'resolved' as const,
  policy: 'any' as const,
  required: 1,
};

describe.each(databases.eachSupportedId())(
  'grants on %s',
  (databaseId: TestDatabaseId) => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      const requests = await DatabaseRequestStore.create({ database });
      const grants = await DatabaseGrantStore.create({ database });
      const lifecycle = RequestLifecycle.create({
        requests: requests,
        grants: grants,
      });

      /** A fulfilled request for the VPN, and the grant it left. */
      async function grantFor(holderRef = 'user:default/grace') {
        const { request } = await lifecycle.createRequest(
          vpn({ requesterRef: holderRef, submittedByRef: holderRef }),
        );
        await lifecycle.transition({
          requestId: request.id,
          action: 'complete',
          actor: 'fulfiller',
          actorRef: 'user:default/nina',
        });
        const [grant] = await grants.listGrants({ holderRef });
        return grant;
      }
      return {
        lifecycle,
        knex,
        requests,
        grants,
        grantFor,
      };
    }

    it('moves the end of a grant by the offering’s duration once its extension is approved', async () => {
      const { lifecycle, grants, grantFor } = await setUp();
      const grant = await grantFor();
      const end = Date.parse(grant.expiresAt!);

      const { request } = await lifecycle.createRequest(
        vpn({ stages: [ownerStage], extendsGrantId: grant.id }),
      );
      expect(request).toMatchObject({
        state: 'PENDING_APPROVAL',
        extendsGrantId: grant.id,
      });
      expect((await grants.getGrant(grant.id))!.pendingExtension).toEqual({
        requestId: request.id,
        trackingNumber: request.trackingNumber,
      });

      const { request: decided, events } = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/nina',
        decidedByRef: 'user:default/nina',
        decision: 'approve',
      });
      expect(decided.state).toBe('DONE');
      expect(events.map(e => [e.type, e.toState])).toEqual([
        ['decide', undefined],
        ['approve', 'APPROVED'],
        ['start', 'IN_PROGRESS'],
        ['complete', 'DONE'],
      ]);

      const extended = (await grants.getGrant(grant.id))!;
      // From the old end, not from now: asking early loses no time.
      expect(Date.parse(extended.expiresAt!) - end).toBe(30 * DAY);
      expect(extended.pendingExtension).toBeUndefined();
      expect(extended.requestId).toBe(grant.requestId);
      expect(events[3].data).toEqual({
        grantId: grant.id,
        expiresAt: extended.expiresAt,
      });
    });

    it('reminds the holder again about the new end', async () => {
      const { lifecycle, grants, grantFor } = await setUp();
      const grant = await grantFor();
      const now = new Date();
      expect(
        await grants.claimReminders({ now, withinMs: 31 * DAY }),
      ).toHaveLength(1);

      await lifecycle.createRequest(vpn({ extendsGrantId: grant.id }));
      const extended = (await grants.getGrant(grant.id))!;
      expect(Date.parse(extended.expiresAt!)).toBeGreaterThan(
        now.getTime() + 59 * DAY,
      );
      expect(
        (await grants.claimReminders({ now, withinMs: 61 * DAY })).map(
          g => g.id,
        ),
      ).toEqual([grant.id]);
    });

    it('refuses a second extension while one is open, someone else’s grant, and one that ended', async () => {
      const { lifecycle, requests, grants, grantFor } = await setUp();
      const grant = await grantFor();
      const { request } = await lifecycle.createRequest(
        vpn({ stages: [ownerStage], extendsGrantId: grant.id }),
      );

      await expect(
        lifecycle.createRequest(
          vpn({ stages: [ownerStage], extendsGrantId: grant.id }),
        ),
      ).rejects.toThrow(`already asked for in ${request.trackingNumber}`);
      await expect(
        lifecycle.createRequest(
          vpn({
            requesterRef: 'user:default/leo',
            submittedByRef: 'user:default/leo',
            extendsGrantId: grant.id,
          }),
        ),
      ).rejects.toThrow(/No grant/);

      await lifecycle.transition({
        requestId: request.id,
        action: 'cancel',
        actor: 'requester',
        actorRef: 'user:default/grace',
      });
      await grants.revokeGrant({
        grantId: grant.id,
        reason: 'revoked',
        actorRef: 'user:default/nina',
      });
      await expect(
        lifecycle.createRequest(vpn({ extendsGrantId: grant.id })),
      ).rejects.toThrow(/has ended/);
      const { totalCount } = await requests.listRequests({});
      // The fulfilled request and the cancelled extension; nothing else.
      expect(totalCount).toBe(2);
    });

    it('makes one extension request of two at once', async () => {
      const { lifecycle, requests, grantFor } = await setUp();
      const grant = await grantFor();
      const results = await Promise.allSettled(
        [1, 2, 3].map(() =>
          lifecycle.createRequest(
            vpn({ stages: [ownerStage], extendsGrantId: grant.id }),
          ),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const { items } = await requests.listRequests({
        states: ['PENDING_APPROVAL'],
      });
      expect(items).toHaveLength(1);
    });

    it('fails an extension approved after the access ended, and leaves the grant ended', async () => {
      const { lifecycle, grants, grantFor } = await setUp();
      const grant = await grantFor();
      const { request } = await lifecycle.createRequest(
        vpn({ stages: [ownerStage], extendsGrantId: grant.id }),
      );
      await grants.revokeGrant({
        grantId: grant.id,
        reason: 'revoked',
        actorRef: 'user:default/nina',
      });

      const { request: decided } = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/nina',
        decidedByRef: 'user:default/nina',
        decision: 'approve',
      });
      expect(decided).toMatchObject({
        state: 'FAILED',
        failure: {
          message: 'The access ended before the extension was approved',
        },
      });
      expect((await grants.getGrant(grant.id))!).toMatchObject({
        state: 'ended',
        expiresAt: grant.expiresAt,
      });
    });

    it('does not expire a grant whose end moved after the expiry job listed it', async () => {
      const { knex, grants, grantFor } = await setUp();
      const grant = await grantFor();
      const later = new Date(Date.parse(grant.expiresAt!) + 30 * DAY);
      // An extension settles between the job's list and its lock.
      const change = (grants as any).change.bind(grants);
      jest
        .spyOn(grants as any, 'change')
        .mockImplementationOnce(async (id: any, decide: any) => {
          await knex('grants').where({ id }).update({ expires_at: later });
          return change(id, decide);
        });

      const expired = await grants.expireDue({
        now: new Date(Date.parse(grant.expiresAt!) + 1000),
      });
      expect(expired).toEqual([]);
      expect(await grants.getGrant(grant.id)).toMatchObject({
        state: 'active',
        expiresAt: later.toISOString(),
      });
    });

    it('records access given outside a request once, with its own end', async () => {
      const { lifecycle, requests, grants } = await setUp();
      const expiresAt = new Date(Date.now() + 3 * DAY).toISOString();
      const record = () =>
        lifecycle.recordFulfilled({
          ...vpn({
            requesterRef: 'user:default/leo',
            submittedByRef: 'user:default/nina',
          }),
          expiresAt,
          data: { recorded: true },
        });

      const first = await record();
      expect(first.created).toBe(true);
      expect(first.request).toMatchObject({
        state: 'DONE',
        requesterRef: 'user:default/leo',
        submittedByRef: 'user:default/nina',
      });
      const grant = (await grants.getGrant(first.grantId))!;
      expect(grant).toMatchObject({
        holderRef: 'user:default/leo',
        state: 'active',
        requestId: first.request.id,
        expiresAt,
      });
      const events = await requests.listEvents(first.request.id);
      expect(events.map(e => [e.type, e.toState, e.actorRef])).toEqual([
        ['submit', 'NEW', 'user:default/nina'],
        ['start', 'IN_PROGRESS', 'user:default/nina'],
        ['complete', 'DONE', 'user:default/nina'],
      ]);

      // A template run twice, or two at once, leaves one grant.
      const again = await Promise.all([record(), record()]);
      expect(again.map(r => [r.created, r.grantId])).toEqual([
        [false, first.grantId],
        [false, first.grantId],
      ]);
      expect(
        await grants.listGrants({ holderRef: 'user:default/leo' }),
      ).toHaveLength(1);
    });

    it('refuses to record a one-off service, which leaves no grant', async () => {
      const { lifecycle, requests } = await setUp();
      await expect(
        lifecycle.recordFulfilled(vpn({ grant: undefined })),
      ).rejects.toThrow(/one-off service/);
      expect((await requests.listRequests({})).totalCount).toBe(0);
    });

    it('records one grant when two records of new access race', async () => {
      const { lifecycle, grants } = await setUp();
      const results = await Promise.all(
        [1, 2, 3, 4].map(() =>
          lifecycle.recordFulfilled(
            vpn({
              requesterRef: 'user:default/ivan',
              submittedByRef: 'user:default/nina',
            }),
          ),
        ),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.grantId)).size).toBe(1);
      expect(
        await grants.listGrants({ holderRef: 'user:default/ivan' }),
      ).toHaveLength(1);
    });
  },
);
