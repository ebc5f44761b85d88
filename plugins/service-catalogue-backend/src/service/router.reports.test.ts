import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { serviceCataloguePlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const offering = (name: string, owner: string, category: string): Entity => ({
  apiVersion: 'service-catalogue.io/v1alpha1',
  kind: 'Offering',
  metadata: { name, namespace: 'default', title: name.toUpperCase() },
  spec: { owner, category, form: { properties: {} } },
});

const MEMBERS: Record<string, string[]> = {
  desmond: ['service-desk'],
  dora: ['service-desk'],
  olivia: ['network'],
};

const entities: Entity[] = [
  ...['service-desk', 'network', 'it'].map(
    (name): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
    }),
  ),
  ...['desmond', 'dora', 'olivia', 'frank', 'bob', 'ada', 'nosy'].map(
    (name): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: { memberOf: MEMBERS[name] ?? [] },
    }),
  ),
  offering('vpn', 'network', 'access'),
  offering('wifi', 'network', 'access'),
  offering('laptop', 'it', 'hardware'),
];

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials: any) {
    const userEntityRef: string = credentials.principal.userEntityRef;
    const name = userEntityRef.split('/')[1];
    return {
      userEntityRef,
      ownershipEntityRefs: [
        userEntityRef,
        ...(MEMBERS[name] ?? []).map(g => `group:default/${g}`),
      ],
    };
  },
});

/**
 * Ada administers; nosy may not read reports; dora is on the desk but the
 * policy narrows her reports to Bob's requests.
 */
const permissions = mockServices.permissions.mock({
  async authorize(requests, options: any) {
    const user = options.credentials.principal.userEntityRef;
    return requests.map(({ permission }) => ({
      result:
        permission.name !== 'service-catalogue.administer' ||
        user === 'user:default/ada'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })) as any;
  },
  async authorizeConditional(requests, options: any) {
    const user = options.credentials.principal.userEntityRef;
    return requests.map(({ permission }) => {
      if (permission.name !== 'service-catalogue.report.read') {
        return { result: AuthorizeResult.ALLOW };
      }
      if (user === 'user:default/nosy') {
        return { result: AuthorizeResult.DENY };
      }
      if (user === 'user:default/dora') {
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'service-catalogue',
          resourceType: 'service-catalogue-request',
          conditions: {
            rule: 'IS_REQUESTER',
            resourceType: 'service-catalogue-request',
            params: { claims: ['user:default/bob'] },
          },
        };
      }
      return { result: AuthorizeResult.ALLOW };
    }) as any;
  },
});

const API = '/api/service-catalogue';
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

describe.each(databases.eachSupportedId())('reports on %p', databaseId => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const report = (
    path: string,
    who: string | undefined,
    query: Record<string, string> = {},
  ) => {
    const call = request(server).get(`${API}/reports/${path}`).query(query);
    return who ? call.set('Authorization', as(who)) : call;
  };

  beforeAll(async () => {
    const knex = await databases.init(databaseId as TestDatabaseId);
    server = (
      await startTestBackend({
        features: [
          serviceCataloguePlugin,
          mockServices.database.factory({ knex }),
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
      })
    ).server;

    const submit = async (who: string, name: string) => {
      const res = await request(server)
        .post(`${API}/requests`)
        .set('Authorization', as(who))
        .send({ offeringRef: `offering:default/${name}`, formValues: {} });
      if (res.status !== 201) {
        throw new Error(`submitting ${name}: ${res.status} ${res.text}`);
      }
      return res.body.trackingNumber as string;
    };
    const first = await submit('frank', 'vpn');
    await submit('frank', 'vpn');
    await submit('bob', 'laptop');
    await request(server)
      .post(`${API}/requests/${first}/assign`)
      .set('Authorization', as('desmond'))
      .send({});
    const done = await request(server)
      .post(`${API}/requests/${first}/complete`)
      .set('Authorization', as('desmond'))
      .send({});
    if (done.status !== 200) {
      throw new Error(`completing: ${done.status} ${done.text}`);
    }
  });

  const top = async (who: string, query?: Record<string, string>) => {
    const res = await report('offerings', who, query);
    expect(res.status).toBe(200);
    return {
      top: res.body.top.map((t: any) => [t.offeringTitle, t.count]),
      unused: res.body.unused.map((u: any) => u.offeringTitle),
    };
  };

  it('shows owners their offerings and the desk and administrators all', async () => {
    expect(await top('olivia')).toEqual({
      top: [['VPN', 2]],
      unused: ['WIFI'],
    });
    const everything = {
      top: [
        ['VPN', 2],
        ['LAPTOP', 1],
      ],
      unused: ['WIFI'],
    };
    expect(await top('desmond')).toEqual(everything);
    expect(await top('ada')).toEqual(everything);
    // Requesting is not owning.
    expect(await top('frank')).toEqual({ top: [], unused: [] });

    const volume = await report('volume', 'olivia');
    expect(volume.body.byCategory).toEqual([
      { category: 'access', title: 'Access', count: 2 },
    ]);
    const delivery = await report('delivery', 'desmond');
    expect(delivery.body.items).toEqual([
      expect.objectContaining({ offeringTitle: 'VPN', delivered: 1 }),
    ]);
    expect((await report('delivery', 'olivia')).body.items).toHaveLength(1);
    expect((await report('delivery', 'frank')).body.items).toEqual([]);
  });

  it('lets the permission policy refuse or narrow the reports', async () => {
    const refused = await report('volume', 'nosy');
    expect(refused.status).toBe(403);
    // Every figure counts only the requests the policy lets her read, so
    // offerings with none of those count as unused too.
    expect(await top('dora')).toEqual({
      top: [['LAPTOP', 1]],
      unused: ['VPN', 'WIFI'],
    });
    expect((await report('automation', 'dora')).body.items).toEqual([]);
  });

  it('filters by owner, category and period', async () => {
    expect(await top('desmond', { owner: 'group:default/it' })).toEqual({
      top: [['LAPTOP', 1]],
      unused: [],
    });
    // An owner's filter cannot widen what they see.
    expect(await top('olivia', { owner: 'group:default/it' })).toEqual({
      top: [],
      unused: [],
    });
    expect(await top('desmond', { category: 'access' })).toEqual({
      top: [['VPN', 2]],
      unused: ['WIFI'],
    });
    const future = await top('desmond', { from: '2999-01-01T00:00:00Z' });
    expect(future.top).toEqual([]);
    expect(future.unused).toEqual(['LAPTOP', 'VPN', 'WIFI']);

    const weekly = await report('volume', 'desmond', { bucket: 'week' });
    expect(weekly.body.byPeriod).toEqual([
      { period: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), count: 3 },
    ]);
  });

  it('refuses bad filters with 400 and callers without a user with 401 or 403', async () => {
    const bad: Array<Record<string, string>> = [
      { from: 'yesterday' },
      { from: '2026-02-01', to: '2026-01-01' },
      { category: 'nope' },
      { bucket: 'year' },
      { owner: 'group:' },
    ];
    for (const query of bad) {
      const res = await report('volume', 'desmond', query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
    expect(
      (await report('sla/breaches', 'desmond', { limit: '0' })).status,
    ).toBe(400);
    expect((await report('access', undefined)).status).toBe(401);
    const service = await request(server)
      .get(`${API}/reports/access`)
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);
  });
});
