import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { serviceCataloguePlugin } from '../plugin';

// Each test starts a backend; on a loaded machine that outlasts Jest's default.
jest.setTimeout(60_000);

const user = (name: string, memberOf: string[], manager?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name,
    namespace: 'default',
    ...(manager
      ? { annotations: { 'service-catalogue.io/manager': manager } }
      : {}),
  },
  spec: { memberOf },
  relations: memberOf.map(group => ({
    type: 'memberOf',
    targetRef: `group:default/${group}`,
  })),
});

const group = (name: string, members: string[], parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
  relations: members.map(member => ({
    type: 'hasMember',
    targetRef: `user:default/${member}`,
  })),
});

const form = {
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 3 } },
};

/**
 * grace asks; her manager mike decides the first stage and sam the second;
 * alice and olga own the offering without being asked; frank is a stranger;
 * desmond works on the service desk.
 */
const entities: Entity[] = [
  group('engineering', ['mike', 'sam']),
  group('data-team', ['grace'], 'engineering'),
  group('platform-team', ['alice', 'olga'], 'engineering'),
  group('finance', ['frank']),
  group('service-desk', ['desmond']),
  user('grace', ['data-team'], 'user:default/mike'),
  user('mike', ['engineering']),
  user('sam', ['engineering']),
  user('alice', ['platform-team']),
  user('olga', ['platform-team']),
  user('frank', ['finance']),
  user('desmond', ['service-desk']),
  {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'db-access', namespace: 'default', title: 'DB access' },
    spec: {
      owner: 'platform-team',
      category: 'access',
      audience: ['group:default/engineering'],
      requestMode: 'delegated',
      form,
      approval: {
        stages: [
          { approvers: ['manager'], policy: 'any' },
          { approvers: ['user:default/sam'], policy: 'any' },
        ],
      },
    },
  },
  {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'prod-deploy', namespace: 'default', title: 'Deploy' },
    spec: {
      owner: 'platform-team',
      category: 'access',
      form,
      approval: {
        stages: [
          {
            approvers: [
              'user:default/sam',
              'user:default/alice',
              'user:default/olga',
            ],
            policy: 2,
          },
        ],
      },
    },
  },
  {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'mouse', namespace: 'default', title: 'A mouse' },
    spec: { owner: 'service-desk', category: 'hardware', form },
  },
  {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'licence', namespace: 'default', title: 'A licence' },
    spec: {
      owner: 'platform-team',
      category: 'access',
      form,
      approval: { stages: [{ approvers: ['owner'], policy: 'any' }] },
      grant: { duration: 'P30D' },
    },
  },
  {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: {
      name: 'licence-v2',
      namespace: 'default',
      title: 'A better licence',
    },
    spec: {
      owner: 'platform-team',
      category: 'access',
      form,
      grant: {},
    },
  },
  {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'phone', namespace: 'default', title: 'A phone' },
    spec: {
      owner: 'service-desk',
      category: 'hardware',
      requestMode: 'desk',
      form,
    },
  },
];

const ref = (name: string) => `user:default/${name}`;

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials: any) {
    const userEntityRef: string = credentials.principal.userEntityRef;
    // Like the catalog, ownership resolution ignores the case of the ref.
    const entity = entities.find(
      e =>
        stringifyEntityRef(e).toLocaleLowerCase('en-US') ===
        userEntityRef.toLocaleLowerCase('en-US'),
    );
    return {
      userEntityRef,
      ownershipEntityRefs: [
        userEntityRef,
        ...((entity?.spec?.memberOf as string[]) ?? []).map(
          g => `group:default/${g}`,
        ),
      ],
    };
  },
});

const notifications = { send: jest.fn(async () => {}) };
const signals = { publish: jest.fn(async () => {}) };

/**
 * A policy like an adopter's: nobody here administers the catalogue, and
 * `deny` names the permissions that are refused to everyone.
 */
function policy(deny: string[]) {
  const decide = (requests: { permission: { name: string } }[]) =>
    requests.map(({ permission }) => ({
      result:
        permission.name === 'service-catalogue.administer' ||
        deny.includes(permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any;
  return mockServices.permissions.mock({
    async authorize(requests) {
      return decide(requests);
    },
    async authorizeConditional(requests) {
      return decide(requests);
    },
  });
}

async function startBackend(
  deny: string[] = [],
  permissions: ReturnType<typeof policy> = policy(deny),
) {
  const { server } = await startTestBackend({
    features: [
      serviceCataloguePlugin,
      catalogServiceMock.factory({ entities }),
      userInfo.factory,
      permissions.factory,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          serviceCatalogue: {
            categories: [
              { id: 'access', title: 'Access' },
              { id: 'hardware', title: 'Hardware' },
            ],
            desk: { groups: ['group:default/service-desk'] },
            approvals: { fallbackApprovers: ['user:default/desmond'] },
          },
        },
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => notifications as any,
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => signals as any,
      }),
    ],
  });
  return server;
}

type Server = Awaited<ReturnType<typeof startBackend>>;

const API = '/api/service-catalogue';

/** The people of the authorization matrix, and how each one calls. */
const callers = {
  'no token': () => undefined,
  service: () => mockCredentials.service.header(),
  stranger: () => mockCredentials.user.header(ref('frank')),
  requester: () => mockCredentials.user.header(ref('grace')),
  'approver of another stage': () => mockCredentials.user.header(ref('sam')),
  'current approver': () => mockCredentials.user.header(ref('mike')),
  owner: () => mockCredentials.user.header(ref('alice')),
} as const;
type Caller = keyof typeof callers;

function call(
  server: Server,
  caller: Caller,
  method: 'get' | 'post' | 'delete',
  path: string,
) {
  const header = callers[caller]();
  const req = request(server)[method](`${API}${path}`);
  return header ? req.set('Authorization', header) : req;
}

async function submitAsGrace(server: Server): Promise<string> {
  const res = await call(server, 'requester', 'post', '/requests').send({
    offeringRef: 'offering:default/db-access',
    formValues: { reason: 'quarterly report' },
  });
  expect(res.status).toBe(201);
  return res.body.trackingNumber;
}

describe('the request API', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startBackend();
  });

  beforeEach(() => {
    notifications.send.mockClear();
    signals.publish.mockClear();
  });

  describe('submitting', () => {
    it('stores a request with a tracking number, routed to the manager', async () => {
      const res = await call(server, 'requester', 'post', '/requests').send({
        offeringRef: 'offering:default/db-access',
        formValues: { reason: 'quarterly report' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        trackingNumber: expect.stringMatching(/^REQ-\d{6}$/),
        state: 'PENDING_APPROVAL',
        requesterRef: ref('grace'),
        submittedByRef: ref('grace'),
        formValues: { reason: 'quarterly report', forUser: ref('grace') },
        currentStage: 0,
        stages: [
          { approvers: [ref('mike')], status: 'active' },
          { approvers: [ref('sam')], status: 'waiting' },
        ],
      });
      expect(notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: [ref('mike')] },
        }),
      );
      expect(signals.publish).toHaveBeenCalled();
    });

    it('starts a request that needs no approval', async () => {
      const res = await call(server, 'stranger', 'post', '/requests').send({
        offeringRef: 'offering:default/mouse',
        formValues: { reason: 'mine broke' },
      });
      expect(res.status).toBe(201);
      expect(res.body.state).toBe('IN_PROGRESS');
      expect(res.body.stages).toEqual([]);
    });

    it.each([
      [
        'an unknown offering',
        { offeringRef: 'offering:default/nope', formValues: {} },
        404,
        /No offering offering:default\/nope/,
      ],
      [
        'an offering outside the audience',
        { offeringRef: 'offering:default/db-access', formValues: {} },
        404,
        /No offering/,
      ],
    ])(
      'refuses %s and stores nothing',
      async (_case, body, status, message) => {
        const before = await call(server, 'stranger', 'get', '/requests');
        const res = await call(server, 'stranger', 'post', '/requests').send(
          body,
        );
        expect(res.status).toBe(status);
        expect(res.body.error.message).toMatch(message);
        const after = await call(server, 'stranger', 'get', '/requests');
        expect(after.body.totalCount).toBe(before.body.totalCount);
      },
    );

    it.each([
      ['a missing field', {}, /reason is required/],
      ['a field of the wrong type', { reason: 42 }, /reason must be string/],
      [
        'a field the form lacks',
        { reason: 'abc', x: 1 },
        /x: the form has no such field/,
      ],
    ])('names the field for %s', async (_case, formValues, message) => {
      const res = await call(server, 'requester', 'post', '/requests').send({
        offeringRef: 'offering:default/db-access',
        formValues,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      const mine = await call(server, 'requester', 'get', '/requests').query({
        search: 'db-access',
      });
      expect(
        mine.body.items.every(
          (r: { formValues: object }) =>
            JSON.stringify(r.formValues) !== JSON.stringify(formValues),
        ),
      ).toBe(true);
    });

    it('refuses a body that does not match the API with 400', async () => {
      const res = await call(server, 'requester', 'post', '/requests').send({
        offeringRef: 'offering:default/db-access',
        formValues: 'not an object',
      });
      expect(res.status).toBe(400);
      const extra = await call(server, 'requester', 'post', '/requests').send({
        offeringRef: 'offering:default/db-access',
        formValues: {},
        requesterRef: ref('mike'),
      });
      expect(extra.status).toBe(400);
    });

    it('lets a manager request for their report, records who submitted it, and keeps them from approving it', async () => {
      const res = await call(
        server,
        'current approver',
        'post',
        '/requests',
      ).send({
        offeringRef: 'offering:default/db-access',
        forUser: ref('grace'),
        formValues: { reason: 'for grace' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        requesterRef: ref('grace'),
        submittedByRef: ref('mike'),
        // mike is grace's manager but asked himself: the fallback decides.
        stages: [
          { approvers: [ref('desmond')], source: 'fallback' },
          { approvers: [ref('sam')], source: 'resolved' },
        ],
      });
      const own = await call(
        server,
        'current approver',
        'post',
        `/requests/${res.body.trackingNumber}/decisions`,
      ).send({ decision: 'approve' });
      expect(own.status).toBe(403);
      expect(own.body.error.message).toMatch(
        /You submitted REQ-\d+ and cannot approve it/,
      );
    });

    it('refuses a request for a colleague one does not manage', async () => {
      const res = await call(
        server,
        'approver of another stage',
        'post',
        '/requests',
      ).send({
        offeringRef: 'offering:default/db-access',
        forUser: ref('grace'),
        formValues: { reason: 'for grace' },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/manager or a key user/);
    });

    it('refuses a self-service offering for someone else', async () => {
      const res = await call(server, 'stranger', 'post', '/requests').send({
        offeringRef: 'offering:default/mouse',
        forUser: ref('grace'),
        formValues: { reason: 'for grace' },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/only be requested by the person/);
    });

    it('lets only the desk raise a desk offering', async () => {
      const self = await call(server, 'stranger', 'post', '/requests').send({
        offeringRef: 'offering:default/phone',
        formValues: { reason: 'need one' },
      });
      expect(self.status).toBe(403);
      expect(self.body.error.message).toMatch(/service desk/);

      const desk = await request(server)
        .post(`${API}/requests`)
        .set('Authorization', mockCredentials.user.header(ref('desmond')))
        .send({
          offeringRef: 'offering:default/phone',
          forUser: ref('frank'),
          formValues: { reason: 'need one' },
        });
      expect(desk.status).toBe(201);
      expect(desk.body.requesterRef).toBe(ref('frank'));
    });

    it('says whom each person may request an offering for, as submitting would', async () => {
      const options = (caller: string, offering: string) =>
        request(server)
          .get(`${API}/offerings/default/${offering}/request-options`)
          .set('Authorization', mockCredentials.user.header(ref(caller)));

      expect((await options('desmond', 'phone')).body).toEqual({
        forSelf: true,
        forOthers: true,
      });
      expect((await options('grace', 'phone')).body).toEqual({
        forSelf: false,
        forOthers: false,
        explanation: expect.stringMatching(/through the service desk/),
      });
      // mike manages grace; sam manages nobody and is no key user.
      expect((await options('mike', 'db-access')).body).toEqual({
        forSelf: true,
        forOthers: true,
      });
      expect((await options('sam', 'db-access')).body).toEqual({
        forSelf: true,
        forOthers: false,
      });
      expect((await options('mike', 'prod-deploy')).body).toEqual({
        forSelf: true,
        forOthers: false,
      });
      expect((await options('frank', 'db-access')).status).toBe(404);
      expect(
        (
          await request(server).get(
            `${API}/offerings/default/phone/request-options`,
          )
        ).status,
      ).toBe(401);
    });

    it('shows the anticipated approvers before submitting', async () => {
      const res = await call(
        server,
        'requester',
        'get',
        '/offerings/default/db-access/approvers',
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        requesterRef: ref('grace'),
        stages: [
          expect.objectContaining({ approvers: [ref('mike')], required: 1 }),
          expect.objectContaining({ approvers: [ref('sam')], required: 1 }),
        ],
      });
    });
  });

  describe('the authorization matrix', () => {
    const everyone = Object.keys(callers) as Caller[];
    const outcomes = (
      table: Partial<Record<Caller, number>>,
      fallback: number,
    ) => everyone.map(caller => [caller, table[caller] ?? fallback] as const);

    it.each(
      outcomes(
        {
          'no token': 401,
          service: 403,
          stranger: 404,
        },
        200,
      ),
    )('GET /requests/:id as %s answers %i', async (caller, status) => {
      const tracking = await submitAsGrace(server);
      const res = await call(server, caller, 'get', `/requests/${tracking}`);
      expect(res.status).toBe(status);
      expect(res.body.request?.trackingNumber).toBe(
        status === 200 ? tracking : undefined,
      );
    });

    it.each(
      outcomes(
        {
          'no token': 401,
          service: 403,
          stranger: 404,
          'current approver': 200,
        },
        403,
      ),
    )('approving as %s answers %i', async (caller, status) => {
      const tracking = await submitAsGrace(server);
      const res = await call(
        server,
        caller,
        'post',
        `/requests/${tracking}/decisions`,
      ).send({ decision: 'approve' });
      expect(res.status).toBe(status);
      const after = await call(
        server,
        'requester',
        'get',
        `/requests/${tracking}`,
      );
      expect(after.body.request.currentStage).toBe(status === 200 ? 1 : 0);
      expect(after.body.request.stages[0].decisions).toHaveLength(
        status === 200 ? 1 : 0,
      );
    });

    it.each(
      outcomes(
        {
          'no token': 401,
          service: 403,
          stranger: 404,
          requester: 200,
        },
        403,
      ),
    )('cancelling as %s answers %i', async (caller, status) => {
      const tracking = await submitAsGrace(server);
      const res = await call(
        server,
        caller,
        'post',
        `/requests/${tracking}/cancel`,
      ).send({});
      expect(res.status).toBe(status);
      const after = await call(
        server,
        'requester',
        'get',
        `/requests/${tracking}`,
      );
      expect(after.body.request.state).toBe(
        status === 200 ? 'CANCELLED' : 'PENDING_APPROVAL',
      );
    });

    it.each(outcomes({ 'no token': 401, service: 403, stranger: 404 }, 201))(
      'an external comment by %s answers %i',
      async (caller, status) => {
        const tracking = await submitAsGrace(server);
        const res = await call(
          server,
          caller,
          'post',
          `/requests/${tracking}/comments`,
        ).send({ body: 'hello', visibility: 'external' });
        expect(res.status).toBe(status);
        const seen = await call(
          server,
          'requester',
          'get',
          `/requests/${tracking}`,
        );
        expect(seen.body.comments).toHaveLength(status === 201 ? 1 : 0);
      },
    );

    it.each(
      outcomes(
        {
          'no token': 401,
          service: 403,
          stranger: 404,
          requester: 403,
        },
        201,
      ),
    )('an internal comment by %s answers %i', async (caller, status) => {
      const tracking = await submitAsGrace(server);
      const res = await call(
        server,
        caller,
        'post',
        `/requests/${tracking}/comments`,
      ).send({ body: 'between us', visibility: 'internal' });
      expect(res.status).toBe(status);
      const seen = await call(server, 'owner', 'get', `/requests/${tracking}`);
      expect(seen.body.comments).toHaveLength(status === 201 ? 1 : 0);
    });

    it.each(outcomes({ 'no token': 401, service: 403 }, 200))(
      'the lists answer %s with %i',
      async (caller, status) => {
        for (const path of [
          '/requests',
          '/approvals',
          '/approvals/history',
          '/delegations',
        ]) {
          const res = await call(server, caller, 'get', path);
          expect(res.status).toBe(status);
        }
      },
    );

    it('never shows the requester internal comments, nor their traces', async () => {
      const tracking = await submitAsGrace(server);
      await call(
        server,
        'owner',
        'post',
        `/requests/${tracking}/comments`,
      ).send({ body: 'check their manager first', visibility: 'internal' });
      await call(
        server,
        'owner',
        'post',
        `/requests/${tracking}/comments`,
      ).send({ body: 'we are on it', visibility: 'external' });
      const requester = await call(
        server,
        'requester',
        'get',
        `/requests/${tracking}`,
      );
      expect(requester.body.seesInternal).toBe(false);
      expect(requester.body.comments.map((c: any) => c.body)).toEqual([
        'we are on it',
      ]);
      expect(JSON.stringify(requester.body)).not.toContain('internal');

      const owner = await call(server, 'owner', 'get', `/requests/${tracking}`);
      expect(owner.body.seesInternal).toBe(true);
      expect(owner.body.comments).toHaveLength(2);
    });

    it('lists only the caller’s own requests and the approvals waiting for them', async () => {
      const tracking = await submitAsGrace(server);
      const strangers = await call(server, 'stranger', 'get', '/requests');
      expect(
        strangers.body.items.map((r: any) => r.trackingNumber),
      ).not.toContain(tracking);

      const mike = await call(server, 'current approver', 'get', '/approvals');
      expect(mike.body.items.map((r: any) => r.trackingNumber)).toContain(
        tracking,
      );
      const sam = await call(
        server,
        'approver of another stage',
        'get',
        '/approvals',
      );
      expect(sam.body.items.map((r: any) => r.trackingNumber)).not.toContain(
        tracking,
      );
    });
  });

  describe('deciding', () => {
    it('walks both stages to APPROVED and tells the requester each time', async () => {
      const tracking = await submitAsGrace(server);
      const first = await call(
        server,
        'current approver',
        'post',
        `/requests/${tracking}/decisions`,
      ).send({ decision: 'approve', comment: 'fine by me' });
      expect(first.status).toBe(200);
      expect(first.body.state).toBe('PENDING_APPROVAL');
      expect(notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: [ref('sam')] },
        }),
      );

      const again = await call(
        server,
        'current approver',
        'post',
        `/requests/${tracking}/decisions`,
      ).send({ decision: 'approve' });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/it is at stage 2 now/);

      const second = await call(
        server,
        'approver of another stage',
        'post',
        `/requests/${tracking}/decisions`,
      ).send({ decision: 'approve' });
      expect(second.status).toBe(200);
      expect(second.body.state).toBe('APPROVED');

      const history = await call(
        server,
        'requester',
        'get',
        `/requests/${tracking}`,
      );
      expect(history.body.events.map((e: any) => e.type)).toEqual([
        'submit',
        'route',
        'decide',
        'decide',
        'approve',
      ]);
      const decided = await call(
        server,
        'current approver',
        'get',
        '/approvals/history',
      );
      expect(decided.body.items.map((r: any) => r.trackingNumber)).toContain(
        tracking,
      );
    });

    it('ends the request on a rejection', async () => {
      const tracking = await submitAsGrace(server);
      const res = await call(
        server,
        'current approver',
        'post',
        `/requests/${tracking}/decisions`,
      ).send({ decision: 'reject', comment: 'not this quarter' });
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('REJECTED');
      expect(notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: [ref('grace')] },
          payload: expect.objectContaining({ severity: 'high' }),
        }),
      );
    });

    it('refuses a decision that is not approve or reject', async () => {
      const tracking = await submitAsGrace(server);
      const res = await call(
        server,
        'current approver',
        'post',
        `/requests/${tracking}/decisions`,
      ).send({ decision: 'maybe' });
      expect(res.status).toBe(400);
    });

    it('lets a delegate decide on the approver’s behalf, during the period', async () => {
      const now = Date.now();
      const delegation = await call(
        server,
        'current approver',
        'post',
        '/delegations',
      ).send({
        delegateRef: ref('olga'),
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        reason: 'holiday',
      });
      expect(delegation.status).toBe(201);

      const tracking = await submitAsGrace(server);
      const olga = () => mockCredentials.user.header(ref('olga'));
      const waiting = await request(server)
        .get(`${API}/approvals`)
        .set('Authorization', olga());
      expect(waiting.body.items.map((r: any) => r.trackingNumber)).toContain(
        tracking,
      );
      const res = await request(server)
        .post(`${API}/requests/${tracking}/decisions`)
        .set('Authorization', olga())
        .send({ decision: 'approve' });
      expect(res.status).toBe(200);
      expect(res.body.stages[0].decisions).toEqual([
        expect.objectContaining({
          approverRef: ref('mike'),
          decidedByRef: ref('olga'),
        }),
      ]);

      const removed = await call(
        server,
        'current approver',
        'delete',
        `/delegations/${delegation.body.id}`,
      );
      expect(removed.status).toBe(204);
      const gone = await call(
        server,
        'current approver',
        'get',
        '/delegations',
      );
      expect(gone.body.items).toEqual([]);
    });
  });
});

describe('the request API under a policy that refuses to create requests', () => {
  it('refuses to submit and stores nothing', async () => {
    const server = await startBackend(['service-catalogue.request.create']);
    const res = await call(server, 'requester', 'post', '/requests').send({
      offeringRef: 'offering:default/db-access',
      formValues: { reason: 'quarterly report' },
    });
    expect(res.status).toBe(403);
    const mine = await call(server, 'requester', 'get', '/requests');
    expect(mine.body.totalCount).toBe(0);
  });
});

describe('the request API, against tricks and malformed input', () => {
  let server: Server;
  const as = (userEntityRef: string) =>
    mockCredentials.user.header(userEntityRef);

  beforeAll(async () => {
    server = await startBackend();
  });

  const delegate = (from: string, to: string) =>
    request(server)
      .post(`${API}/delegations`)
      .set('Authorization', as(from))
      .send({
        delegateRef: to,
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      });

  it('knows a person however their token spells them', async () => {
    expect((await delegate(ref('mike'), ref('grace'))).status).toBe(201);
    const submitted = await request(server)
      .post(`${API}/requests`)
      .set('Authorization', as('user:default/Grace'))
      .send({
        offeringRef: 'offering:default/db-access',
        formValues: { reason: 'mixed case' },
      });
    expect(submitted.status).toBe(201);
    expect(submitted.body.requesterRef).toBe(ref('grace'));
    const tracking = submitted.body.trackingNumber;

    // grace stands in for mike, but not on her own request.
    const self = await request(server)
      .post(`${API}/requests/${tracking}/decisions`)
      .set('Authorization', as(ref('grace')))
      .send({ decision: 'approve' });
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/your own request/);

    const waiting = await request(server)
      .get(`${API}/approvals`)
      .set('Authorization', as('user:default/Mike'));
    expect(waiting.body.items.map((r: any) => r.trackingNumber)).toContain(
      tracking,
    );
    const decided = await request(server)
      .post(`${API}/requests/${tracking}/decisions`)
      .set('Authorization', as('User:Default/MIKE'))
      .send({ decision: 'approve', stageIndex: 0 });
    expect(decided.status).toBe(200);
    expect(decided.body.stages[0].decisions[0].decidedByRef).toBe(ref('mike'));
  });

  it('refuses a decision meant for a stage the request has left', async () => {
    const tracking = await submitAsGrace(server);
    await call(
      server,
      'current approver',
      'post',
      `/requests/${tracking}/decisions`,
    )
      .send({ decision: 'approve', stageIndex: 0 })
      .expect(200);
    const stale = await call(
      server,
      'approver of another stage',
      'post',
      `/requests/${tracking}/decisions`,
    ).send({ decision: 'approve', stageIndex: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/it is at stage 2 now/);
    const after = await call(
      server,
      'requester',
      'get',
      `/requests/${tracking}`,
    );
    expect(after.body.request.stages[1].decisions).toEqual([]);
  });

  it('counts one voice per person, even as the delegate of several approvers', async () => {
    await delegate(ref('alice'), ref('desmond')).expect(201);
    await delegate(ref('olga'), ref('desmond')).expect(201);
    const submitted = await call(server, 'stranger', 'post', '/requests').send({
      offeringRef: 'offering:default/prod-deploy',
      formValues: { reason: 'release' },
    });
    expect(submitted.status).toBe(201);
    const tracking = submitted.body.trackingNumber;
    const approve = () =>
      request(server)
        .post(`${API}/requests/${tracking}/decisions`)
        .set('Authorization', as(ref('desmond')))
        .send({ decision: 'approve' });
    expect((await approve()).status).toBe(200);
    const twice = await approve();
    expect(twice.status).toBe(409);
    const after = await call(
      server,
      'stranger',
      'get',
      `/requests/${tracking}`,
    );
    expect(after.body.request.state).toBe('PENDING_APPROVAL');
    expect(after.body.request.stages[0].decisions).toHaveLength(1);
  });

  it.each([
    [
      'a forUser that is no entity ref',
      { forUser: 'user:' },
      /forUser: "user:" is not an entity ref/,
    ],
    [
      'a forUser that is a group',
      { forUser: 'group:default/finance' },
      /forUser: group:default\/finance is not a known user/,
    ],
    [
      'a forUser nobody knows',
      { forUser: 'user:default/nobody' },
      /forUser: user:default\/nobody is not a known user/,
    ],
    [
      'an offeringRef that is no entity ref',
      { offeringRef: ':/' },
      /offeringRef: ":\/" is not an entity ref/,
    ],
  ])('answers 400 to %s and stores nothing', async (_case, body, message) => {
    const before = await call(server, 'current approver', 'get', '/requests');
    const res = await call(
      server,
      'current approver',
      'post',
      '/requests',
    ).send({
      offeringRef: 'offering:default/db-access',
      formValues: { reason: 'for someone' },
      ...body,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    const after = await call(server, 'current approver', 'get', '/requests');
    expect(after.body.totalCount).toBe(before.body.totalCount);
  });

  it('answers 400 to a delegate that is no entity ref, 404 to an impossible tracking number', async () => {
    const bad = await delegate(ref('mike'), 'user:');
    expect(bad.status).toBe(400);
    const huge = await call(
      server,
      'requester',
      'get',
      '/requests/REQ-99999999999999999999',
    );
    expect(huge.status).toBe(404);
    const search = await call(server, 'requester', 'get', '/requests').query({
      search: 'REQ-99999999999999999999',
    });
    expect(search.status).toBe(200);
    expect(search.body.items).toEqual([]);
  });
});

describe('the request API under a policy that refuses to read requests', () => {
  it('lists nothing that could not be opened', async () => {
    const server = await startBackend(['service-catalogue.request.read']);
    const tracking = await submitAsGrace(server);
    const mine = await call(server, 'requester', 'get', '/requests');
    expect(mine.body).toEqual({ items: [], totalCount: 0 });
    const waiting = await call(server, 'current approver', 'get', '/approvals');
    expect(waiting.body.items).toEqual([]);
    const one = await call(server, 'requester', 'get', `/requests/${tracking}`);
    expect(one.status).toBe(404);
  });
});

describe('the request API under a policy that lets people read some requests only', () => {
  it('counts and pages only the requests the policy lets the caller read', async () => {
    // Grace may read the requests for the desk's offerings, not the others.
    const readable = new Set<string>();
    const permissions = mockServices.permissions.mock({
      async authorize(requests) {
        return requests.map(r => ({
          result:
            r.permission.name === 'service-catalogue.administer' ||
            (r.permission.name === 'service-catalogue.request.read' &&
              'resourceRef' in r &&
              !readable.has(r.resourceRef!))
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })) as any;
      },
      async authorizeConditional(requests) {
        return requests.map(({ permission }) =>
          permission.name === 'service-catalogue.request.read'
            ? {
                result: AuthorizeResult.CONDITIONAL,
                pluginId: 'service-catalogue',
                resourceType: 'service-catalogue-request',
                conditions: {
                  rule: 'IS_OFFERING_OWNER',
                  resourceType: 'service-catalogue-request',
                  params: { claims: ['group:default/Service-Desk'] },
                },
              }
            : { result: AuthorizeResult.ALLOW },
        ) as any;
      },
    });
    const server = await startBackend([], permissions);
    const mice: string[] = [];
    for (const offering of ['mouse', 'mouse', 'db-access', 'db-access']) {
      const res = await call(server, 'requester', 'post', '/requests').send({
        offeringRef: `offering:default/${offering}`,
        formValues: { reason: 'quarterly report' },
      });
      expect(res.status).toBe(201);
      if (offering === 'mouse') {
        readable.add(res.body.id);
        mice.unshift(res.body.trackingNumber);
      }
    }

    const page = (query: string) =>
      call(server, 'requester', 'get', `/requests?${query}`).then(
        res => res.body,
      );
    const first = await page('limit=1');
    expect(first.totalCount).toBe(2);
    expect(first.items.map((r: any) => r.trackingNumber)).toEqual([mice[0]]);
    const second = await page('limit=1&offset=1');
    expect(second.items.map((r: any) => r.trackingNumber)).toEqual([mice[1]]);
  });
});

describe('a desk queue longer than a page', () => {
  it('pages through every request, the oldest first, with the true total', async () => {
    const server = await startBackend();
    const submitted: string[] = [];
    for (let i = 0; i < 205; i++) {
      const res = await call(server, 'stranger', 'post', '/requests').send({
        offeringRef: 'offering:default/mouse',
        formValues: { reason: 'mine broke' },
      });
      expect(res.status).toBe(201);
      submitted.push(res.body.trackingNumber);
    }
    const page = (query: Record<string, string>) =>
      request(server)
        .get(`${API}/queue`)
        .query(query)
        .set('Authorization', mockCredentials.user.header(ref('desmond')))
        .then(res => {
          expect(res.status).toBe(200);
          return res.body;
        });

    const first = await page({});
    expect(first.totalCount).toBe(205);
    expect(first.items.map((r: any) => r.trackingNumber)).toEqual(
      submitted.slice(0, 50),
    );
    const last = await page({ limit: '100', offset: '200' });
    expect(last.totalCount).toBe(205);
    expect(last.items.map((r: any) => r.trackingNumber)).toEqual(
      submitted.slice(200),
    );
    const refused = await request(server)
      .get(`${API}/queue`)
      .query({ limit: '0' })
      .set('Authorization', mockCredentials.user.header(ref('desmond')));
    expect(refused.status).toBe(400);
  });
});

describe('the desk queue', () => {
  let server: Server;
  const desk = () => mockCredentials.user.header(ref('desmond'));

  beforeAll(async () => {
    server = await startBackend();
  });

  async function mouseFor(caller: Caller) {
    const res = await call(server, caller, 'post', '/requests').send({
      offeringRef: 'offering:default/mouse',
      formValues: { reason: 'mine broke' },
    });
    expect(res.status).toBe(201);
    return res.body.trackingNumber as string;
  }

  const queue = (header: string, query: Record<string, string> = {}) =>
    request(server)
      .get(`${API}/queue`)
      .query(query)
      .set('Authorization', header)
      .then(res => res.body.items.map((r: any) => r.trackingNumber));

  it('lists manual requests for the desk, and nothing of theirs for others', async () => {
    const tracking = await mouseFor('stranger');
    expect(await queue(desk())).toContain(tracking);
    expect(await queue(desk(), { assignee: 'none' })).toContain(tracking);
    expect(await queue(callers.owner())).not.toContain(tracking);
    expect(await queue(callers.stranger())).not.toContain(tracking);
  });

  it('lets the desk take, complete and fail requests, and nobody else', async () => {
    const tracking = await mouseFor('stranger');
    const byRequester = await call(
      server,
      'stranger',
      'post',
      `/requests/${tracking}/assign`,
    ).send({});
    expect(byRequester.status).toBe(403);

    const taken = await request(server)
      .post(`${API}/requests/${tracking}/assign`)
      .set('Authorization', desk())
      .send({});
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({
      state: 'IN_PROGRESS',
      assigneeRef: ref('desmond'),
    });
    expect(await queue(desk(), { assignee: ref('desmond') })).toContain(
      tracking,
    );

    const done = await request(server)
      .post(`${API}/requests/${tracking}/complete`)
      .set('Authorization', desk())
      .send({ note: 'left on your desk' });
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('DONE');

    const other = await mouseFor('stranger');
    const noReason = await request(server)
      .post(`${API}/requests/${other}/fail`)
      .set('Authorization', desk())
      .send({ reason: '' });
    expect(noReason.status).toBe(400);
    const failed = await request(server)
      .post(`${API}/requests/${other}/fail`)
      .set('Authorization', desk())
      .send({ reason: 'out of stock' });
    expect(failed.body).toMatchObject({
      state: 'FAILED',
      failure: { message: 'out of stock' },
    });
  });

  it('starts an approved request when the owner takes it', async () => {
    const tracking = await submitAsGrace(server);
    await call(
      server,
      'current approver',
      'post',
      `/requests/${tracking}/decisions`,
    )
      .send({ decision: 'approve' })
      .expect(200);
    await call(
      server,
      'approver of another stage',
      'post',
      `/requests/${tracking}/decisions`,
    )
      .send({ decision: 'approve' })
      .expect(200);
    expect(await queue(callers.owner())).toContain(tracking);
    const detail = await call(server, 'owner', 'get', `/requests/${tracking}`);
    expect(detail.body.actions).toContain('assign');

    const taken = await call(
      server,
      'owner',
      'post',
      `/requests/${tracking}/assign`,
    ).send({ assigneeRef: ref('olga') });
    expect(taken.body).toMatchObject({
      state: 'IN_PROGRESS',
      assigneeRef: ref('olga'),
    });
  });
});

describe('grants given outside a request, and more time for them', () => {
  let server: Server;
  const desk = () => mockCredentials.user.header(ref('desmond'));
  const DAY = 24 * 60 * 60 * 1000;

  beforeAll(async () => {
    server = await startBackend();
  });

  const record = (header: string | undefined, body: object) => {
    const req = request(server).post(`${API}/grants`).send(body);
    return header ? req.set('Authorization', header) : req;
  };
  const grantsOf = (caller: Caller, query: Record<string, string> = {}) =>
    call(server, caller, 'get', '/grants')
      .query(query)
      .then(res => res.body.items as any[]);

  it('records access the desk gave, once, for those who fulfil the offering only', async () => {
    const body = {
      offeringRef: 'offering:default/licence',
      holderRef: 'user:default/grace',
      reason: 'assigned at the desk',
    };
    expect((await record(undefined, body)).status).toBe(401);
    expect((await record(callers.service(), body)).status).toBe(403);
    const byStranger = await record(callers.stranger(), body);
    expect(byStranger.status).toBe(403);
    expect(byStranger.body.error.message).toMatch(/Only those who fulfil/);
    expect(await grantsOf('requester')).toEqual([]);

    const first = await record(desk(), body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      holderRef: ref('grace'),
      offeringRef: 'offering:default/licence',
      state: 'active',
    });
    expect(
      Date.parse(first.body.expiresAt) - Date.parse(first.body.grantedAt),
    ).toBe(30 * DAY);
    expect(notifications.send).toHaveBeenCalledWith(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: [ref('grace')] },
        payload: expect.objectContaining({
          title: expect.stringMatching(/A licence is yours/),
        }),
      }),
    );
    notifications.send.mockClear();
    const again = await record(callers.owner(), body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    // Nothing new to tell.
    expect(notifications.send).not.toHaveBeenCalled();

    expect((await grantsOf('requester')).map(g => g.id)).toEqual([
      first.body.id,
    ]);
    // Owners look into the holders of what they own; strangers see nothing.
    expect(
      (await grantsOf('owner', { holderRef: ref('grace') })).map(g => g.id),
    ).toEqual([first.body.id]);
    expect(await grantsOf('stranger', { holderRef: ref('grace') })).toEqual([]);
    const request_ = await call(
      server,
      'requester',
      'get',
      `/requests/${first.body.trackingNumber}`,
    );
    expect(request_.body.request).toMatchObject({
      state: 'DONE',
      submittedByRef: ref('desmond'),
    });
  });

  it.each([
    [
      'a one-off service',
      { offeringRef: 'offering:default/mouse', holderRef: 'user:default/sam' },
      /one-off service/,
    ],
    [
      'a holder the catalog does not know',
      {
        offeringRef: 'offering:default/licence',
        holderRef: 'user:default/nobody',
      },
      /holderRef: user:default\/nobody is not a known user/,
    ],
    [
      'an end that has passed',
      {
        offeringRef: 'offering:default/licence',
        holderRef: 'user:default/sam',
        expiresAt: '2020-01-01T00:00:00Z',
      },
      /has passed/,
    ],
    [
      'an end that is no date',
      {
        offeringRef: 'offering:default/licence',
        holderRef: 'user:default/sam',
        expiresAt: 'soon',
      },
      /expiresAt/,
    ],
  ])('refuses to record %s with 400', async (_case, body, message) => {
    const res = await record(desk(), body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(await grantsOf('approver of another stage')).toEqual([]);
  });

  it('lets the holder ask for more time, which the owner approves', async () => {
    const { body: grant } = await record(desk(), {
      offeringRef: 'offering:default/licence',
      holderRef: 'user:default/mike',
    });
    const extend = (caller: Caller) =>
      call(server, caller, 'post', `/grants/${grant.id}/extend`).send({
        reason: 'the project runs longer',
      });

    expect((await extend('no token')).status).toBe(401);
    expect((await extend('service')).status).toBe(403);
    // Only the holder asks; the owner may not ask on their behalf.
    expect((await extend('owner')).status).toBe(404);

    const asked = await extend('current approver');
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({
      state: 'PENDING_APPROVAL',
      extendsGrantId: grant.id,
      requesterRef: ref('mike'),
      formValues: { reason: 'the project runs longer' },
      stages: [{ approvers: [ref('alice'), ref('olga')] }],
    });
    expect(asked.body.templateRef).toBeUndefined();
    const twice = await extend('current approver');
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(asked.body.trackingNumber);
    const [pending] = await grantsOf('current approver');
    expect(pending.pendingExtension).toEqual({
      requestId: asked.body.id,
      trackingNumber: asked.body.trackingNumber,
    });

    const approved = await call(
      server,
      'owner',
      'post',
      `/requests/${asked.body.trackingNumber}/decisions`,
    ).send({ decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('DONE');
    const [extended] = await grantsOf('current approver');
    expect(Date.parse(extended.expiresAt) - Date.parse(grant.expiresAt)).toBe(
      30 * DAY,
    );
    expect(extended.pendingExtension).toBeUndefined();
    expect(
      (
        await call(
          server,
          'current approver',
          'get',
          `/requests/${asked.body.id}`,
        )
      ).body.actions,
    ).not.toContain('retry');
  });

  it('answers 404 to more time on a grant that does not exist', async () => {
    const res = await call(
      server,
      'requester',
      'post',
      '/grants/00000000-0000-4000-8000-000000000000/extend',
    ).send({});
    expect(res.status).toBe(404);
  });
});

describe('swaps and departures', () => {
  let server: Server;
  const desk = () => mockCredentials.user.header(ref('desmond'));

  beforeAll(async () => {
    server = await startBackend();
    await request(server)
      .post(`${API}/grants`)
      .set('Authorization', desk())
      .send({
        offeringRef: 'offering:default/licence',
        holderRef: ref('grace'),
      })
      .expect(201);
  });

  const swap = (caller: Caller, to: string, from = 'licence') =>
    call(server, caller, 'post', `/offerings/default/${from}/swap`).send({
      toOfferingRef: to,
    });

  it('lets those who fulfil both offerings start a swap, and shows its progress to them only', async () => {
    expect((await swap('no token', 'offering:default/licence-v2')).status).toBe(
      401,
    );
    expect((await swap('service', 'offering:default/licence-v2')).status).toBe(
      403,
    );
    const byStranger = await swap('stranger', 'offering:default/licence-v2');
    expect(byStranger.status).toBe(403);
    expect(byStranger.body.error.message).toMatch(/Only those who fulfil both/);

    const started = await swap('owner', 'offering:default/licence-v2');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      fromOfferingRef: 'offering:default/licence',
      toOfferingRef: 'offering:default/licence-v2',
      actorRef: ref('alice'),
      state: 'running',
      total: 1,
      moved: 0,
    });
    const asOwner = await call(
      server,
      'owner',
      'get',
      `/swaps/${started.body.id}`,
    );
    expect(asOwner.body.id).toBe(started.body.id);
    expect(
      (await call(server, 'stranger', 'get', `/swaps/${started.body.id}`))
        .status,
    ).toBe(404);
  });

  it.each([
    ['the offering itself', 'offering:default/licence', /for itself/],
    ['a one-off service', 'offering:default/mouse', /one-off service/],
    ['an offering nobody knows', 'offering:default/nope', /No offering/],
  ])('refuses a swap to %s', async (_case, to, message) => {
    const res = await swap('owner', to);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.message).toMatch(message);
  });

  it('shows departures to the desk only', async () => {
    const res = await request(server)
      .get(`${API}/departures`)
      .set('Authorization', desk());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
    expect((await call(server, 'requester', 'get', '/departures')).status).toBe(
      403,
    );
  });
});
