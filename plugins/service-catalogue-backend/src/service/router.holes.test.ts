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

/*
 * Holes found in the request API, each tried the way an attacker or an
 * unlucky user would: internal comments read by their subject, form values
 * in the wrong format, a request nobody works on that cannot be cancelled,
 * and a late decision answered as if its sender had never been asked.
 */

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

const offering = (name: string, spec: Record<string, unknown>): Entity => ({
  apiVersion: 'service-catalogue.io/v1alpha1',
  kind: 'Offering',
  metadata: { name, namespace: 'default', title: name },
  spec: { category: 'access', form, ...spec },
});

/**
 * grace asks, mike (her manager) and then sam approve; alice and olga own
 * the platform's offerings; desmond and dora are the service desk; adam
 * administers the service catalogue; frank is nobody in particular.
 */
const entities: Entity[] = [
  group('engineering', ['mike', 'sam']),
  group('data-team', ['grace'], 'engineering'),
  group('platform-team', ['alice', 'olga'], 'engineering'),
  group('service-desk', ['desmond', 'dora']),
  group('finance', ['frank', 'adam']),
  user('grace', ['data-team'], 'user:default/mike'),
  user('mike', ['engineering']),
  user('sam', ['engineering']),
  user('alice', ['platform-team']),
  user('olga', ['platform-team']),
  user('desmond', ['service-desk']),
  user('dora', ['service-desk']),
  user('adam', ['finance']),
  user('frank', ['finance']),
  offering('db-access', {
    owner: 'platform-team',
    approval: {
      stages: [
        { approvers: ['manager'], policy: 'any' },
        { approvers: ['user:default/sam'], policy: 'any' },
      ],
    },
  }),
  offering('licence', {
    owner: 'platform-team',
    approval: { stages: [{ approvers: ['owner'], policy: 'any' }] },
  }),
  offering('sandbox', {
    owner: 'platform-team',
    approval: {
      allowSelfApproval: true,
      stages: [{ approvers: ['user:default/sam'], policy: 'any' }],
    },
  }),
  offering('mouse', { owner: 'service-desk', category: 'hardware' }),
  offering('phone', {
    owner: 'service-desk',
    category: 'hardware',
    requestMode: 'desk',
  }),
  offering('laptop', {
    owner: 'service-desk',
    category: 'hardware',
    form: {
      required: ['neededBy'],
      properties: {
        neededBy: { type: 'string', format: 'date' },
        contact: { type: 'string', format: 'email' },
        colour: { type: 'string', format: 'x-colour-picker' },
      },
    },
  }),
  offering('vpn', {
    owner: 'platform-team',
    template: 'template:default/vpn-access',
    fulfilment: 'automatic',
  }),
  {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'vpn-access', namespace: 'default' },
    spec: {
      type: 'service-catalogue',
      parameters: [form],
      steps: [
        {
          id: 'gate',
          action: 'service-catalogue:gate',
          input: {},
        },
      ],
    },
  },
];

const ref = (name: string) => `user:default/${name}`;

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials: any) {
    const userEntityRef: string = credentials.principal.userEntityRef;
    const entity = entities.find(e => stringifyEntityRef(e) === userEntityRef);
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

/** Everyone may do everything but administer, which only adam may. */
const decide = (
  requests: { permission: { name: string } }[],
  options: { credentials: { principal: unknown } },
) => {
  const caller = (options.credentials.principal as any).userEntityRef;
  return requests.map(({ permission }) => ({
    result:
      permission.name !== 'service-catalogue.administer' ||
      caller === ref('adam')
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  })) as any;
};
const permissions = mockServices.permissions.mock({
  async authorize(requests, options) {
    return decide(requests, options);
  },
  async authorizeConditional(requests, options) {
    return decide(requests, options);
  },
});

async function startBackend() {
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
        factory: () => ({ send: async () => {} } as any),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} } as any),
      }),
    ],
  });
  return server;
}

type Server = Awaited<ReturnType<typeof startBackend>>;

const API = '/api/service-catalogue';

describe('the request API, against the holes found in review', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startBackend();
  });

  const as = (name: string) => ({
    get: (path: string) =>
      request(server)
        .get(`${API}${path}`)
        .set('Authorization', mockCredentials.user.header(ref(name))),
    post: (path: string, body: object = {}) =>
      request(server)
        .post(`${API}${path}`)
        .set('Authorization', mockCredentials.user.header(ref(name)))
        .send(body),
  });

  async function submit(
    name: string,
    offeringName: string,
    extra: { forUser?: string; formValues?: object } = {},
  ) {
    const res = await as(name).post('/requests', {
      offeringRef: `offering:default/${offeringName}`,
      formValues: extra.formValues ?? { reason: 'for my work' },
      ...(extra.forUser ? { forUser: extra.forUser } : {}),
    });
    expect(res.status).toBe(201);
    return res.body as { trackingNumber: string; state: string };
  }

  describe('internal comments stay hidden from the people the request is about', () => {
    it.each([
      ['a desk member', 'desmond', 'mouse', 'dora'],
      ['an owner of the offering', 'alice', 'licence', 'olga'],
      ['an administrator', 'adam', 'mouse', 'desmond'],
      ['an approver of their own request', 'sam', 'sandbox', 'alice'],
    ])(
      'from a requester who is also %s',
      async (_role, requester, offeringName, colleague) => {
        const { trackingNumber } = await submit(requester, offeringName);
        await as(colleague)
          .post(`/requests/${trackingNumber}/comments`, {
            body: 'their manager said no last time',
            visibility: 'internal',
          })
          .expect(201);
        await as(colleague)
          .post(`/requests/${trackingNumber}/comments`, {
            body: 'we are on it',
            visibility: 'external',
          })
          .expect(201);

        const own = await as(requester).get(`/requests/${trackingNumber}`);
        expect(own.status).toBe(200);
        expect(own.body.seesInternal).toBe(false);
        expect(own.body.comments.map((c: any) => c.body)).toEqual([
          'we are on it',
        ]);
        // Neither the text nor a trace of it in the history.
        expect(JSON.stringify(own.body)).not.toContain('manager said no');
        expect(JSON.stringify(own.body)).not.toContain('internal');

        // Nor do they write notes they would not be shown.
        const note = await as(requester).post(
          `/requests/${trackingNumber}/comments`,
          { body: 'a note to self', visibility: 'internal' },
        );
        expect(note.status).toBe(403);

        const theirs = await as(colleague).get(`/requests/${trackingNumber}`);
        expect(theirs.body.seesInternal).toBe(true);
        expect(theirs.body.comments).toHaveLength(2);
      },
    );

    it('from a desk member who submitted it for someone else, and from that person', async () => {
      const { trackingNumber } = await submit('desmond', 'phone', {
        forUser: ref('grace'),
      });
      await as('dora')
        .post(`/requests/${trackingNumber}/comments`, {
          body: 'check the budget code',
          visibility: 'internal',
        })
        .expect(201);
      for (const name of ['desmond', 'grace']) {
        const res = await as(name).get(`/requests/${trackingNumber}`);
        expect(res.status).toBe(200);
        expect(res.body.seesInternal).toBe(false);
        expect(res.body.comments).toEqual([]);
        expect(JSON.stringify(res.body)).not.toContain('budget code');
      }
      const desk = await as('dora').get(`/requests/${trackingNumber}`);
      expect(desk.body.comments.map((c: any) => c.body)).toEqual([
        'check the budget code',
      ]);
    });
  });

  describe('form values are checked against their formats', () => {
    const mine = async () =>
      (await as('frank').get('/requests')).body.totalCount as number;

    it('refuses a date that is none with 400, names the field, and stores nothing', async () => {
      const before = await mine();
      const res = await as('frank').post('/requests', {
        offeringRef: 'offering:default/laptop',
        formValues: { neededBy: 'not-a-date' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(
        /neededBy must match format "date"/,
      );
      expect(await mine()).toBe(before);

      const email = await as('frank').post('/requests', {
        offeringRef: 'offering:default/laptop',
        formValues: { neededBy: '2030-01-31', contact: 'frank at finance' },
      });
      expect(email.status).toBe(400);
      expect(email.body.error.message).toMatch(
        /contact must match format "email"/,
      );
      expect(await mine()).toBe(before);
    });

    it('accepts values in their formats, and formats of field extensions it does not know', async () => {
      const res = await as('frank').post('/requests', {
        offeringRef: 'offering:default/laptop',
        formValues: {
          neededBy: '2030-01-31',
          contact: 'frank@example.com',
          colour: 'whatever the picker sends',
        },
      });
      expect(res.status).toBe(201);
    });
  });

  describe('cancelling a request that needed no approval', () => {
    it('works while the desk has not taken it', async () => {
      const { trackingNumber, state } = await submit('frank', 'mouse');
      expect(state).toBe('IN_PROGRESS');
      const detail = await as('frank').get(`/requests/${trackingNumber}`);
      expect(detail.body.actions).toContain('cancel');

      const cancelled = await as('frank').post(
        `/requests/${trackingNumber}/cancel`,
        { expectedVersion: detail.body.request.version },
      );
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.state).toBe('CANCELLED');
      // Gone from the desk's queue.
      const queue = await as('desmond').get('/queue');
      expect(queue.body.items.map((r: any) => r.trackingNumber)).not.toContain(
        trackingNumber,
      );
    });

    it('is refused once the desk took it', async () => {
      const { trackingNumber } = await submit('frank', 'mouse');
      await as('desmond')
        .post(`/requests/${trackingNumber}/assign`)
        .expect(200);

      const detail = await as('frank').get(`/requests/${trackingNumber}`);
      expect(detail.body.actions).not.toContain('cancel');
      const res = await as('frank').post(`/requests/${trackingNumber}/cancel`);
      expect(res.status).toBe(409);
      const after = await as('frank').get(`/requests/${trackingNumber}`);
      expect(after.body.request).toMatchObject({
        state: 'IN_PROGRESS',
        assigneeRef: ref('desmond'),
      });
    });

    it('is refused when its template provisions it, which may have started', async () => {
      const { trackingNumber, state } = await submit('frank', 'vpn');
      expect(state).toBe('IN_PROGRESS');
      const detail = await as('frank').get(`/requests/${trackingNumber}`);
      expect(detail.body.actions).not.toContain('cancel');
      const res = await as('frank').post(`/requests/${trackingNumber}/cancel`);
      expect(res.status).toBe(409);
      const after = await as('frank').get(`/requests/${trackingNumber}`);
      expect(after.body.request.state).not.toBe('CANCELLED');
    });

    it('is only for the requester, not for the desk', async () => {
      const { trackingNumber } = await submit('frank', 'mouse');
      const res = await as('desmond').post(
        `/requests/${trackingNumber}/cancel`,
      );
      expect(res.status).toBe(403);
    });
  });

  describe('a decision on a stage the request has left', () => {
    async function atSecondStage() {
      const { trackingNumber } = await submit('grace', 'db-access');
      await as('mike')
        .post(`/requests/${trackingNumber}/decisions`, { decision: 'approve' })
        .expect(200);
      return trackingNumber;
    }

    it.each([
      ['without a stage', {}],
      ['for the stage it decided', { stageIndex: 0 }],
    ])(
      'answers a former approver %s with 409 and the current stage',
      async (_how, stage) => {
        const tracking = await atSecondStage();
        for (const decision of ['approve', 'reject']) {
          const res = await as('mike').post(`/requests/${tracking}/decisions`, {
            decision,
            ...stage,
          });
          expect(res.status).toBe(409);
          expect(res.body.error.name).toBe('ConflictError');
          expect(res.body.error.message).toBe(
            `Stage 1 of ${tracking} takes no more decisions; it is at stage 2 now`,
          );
        }
        const after = await as('grace').get(`/requests/${tracking}`);
        expect(after.body.request).toMatchObject({
          state: 'PENDING_APPROVAL',
          currentStage: 1,
        });
        expect(after.body.request.stages[1].decisions).toEqual([]);
      },
    );

    it('answers the delegate of a former approver with 409 too', async () => {
      const tracking = await atSecondStage();
      await as('mike')
        .post('/delegations', {
          delegateRef: ref('frank'),
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        })
        .expect(201);
      const res = await as('frank').post(`/requests/${tracking}/decisions`, {
        decision: 'approve',
      });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/it is at stage 2 now/);
    });

    it.each([
      ['an owner who was never asked', 'alice', {}],
      ['an owner naming the stage that passed', 'alice', { stageIndex: 0 }],
      ['the desk naming the stage that passed', 'desmond', { stageIndex: 0 }],
      [
        'the requester naming the stage that passed',
        'grace',
        { stageIndex: 0 },
      ],
    ])('still refuses %s with 403', async (_who, name, stage) => {
      const tracking = await atSecondStage();
      const res = await as(name).post(`/requests/${tracking}/decisions`, {
        decision: 'approve',
        ...stage,
      });
      expect(res.status).toBe(403);
    });

    it('refuses a former approver with 403 on a stage they were never on', async () => {
      const tracking = await atSecondStage();
      const res = await as('mike').post(`/requests/${tracking}/decisions`, {
        decision: 'approve',
        stageIndex: 1,
      });
      expect(res.status).toBe(403);
    });

    it('lets the current approver decide after the late one was refused', async () => {
      const tracking = await atSecondStage();
      await as('mike')
        .post(`/requests/${tracking}/decisions`, { decision: 'reject' })
        .expect(409);
      const res = await as('sam').post(`/requests/${tracking}/decisions`, {
        decision: 'approve',
        stageIndex: 1,
      });
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('APPROVED');
    });
  });
});
