import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { serviceCataloguePlugin } from '../plugin';

jest.setTimeout(60_000);

const form = { properties: { reason: { type: 'string' } } };

const mouse = (name: string, sla?: string): Entity => ({
  apiVersion: 'service-catalogue.io/v1alpha1',
  kind: 'Offering',
  metadata: { name, namespace: 'default', title: name },
  spec: {
    owner: 'service-desk',
    category: 'hardware',
    form,
    ...(sla ? { sla } : {}),
  },
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'service-desk', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: 'user:default/desmond' }],
  },
  ...['desmond', 'frank'].map(
    (name): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: { memberOf: name === 'desmond' ? ['service-desk'] : [] },
      relations:
        name === 'desmond'
          ? [{ type: 'memberOf', targetRef: 'group:default/service-desk' }]
          : [],
    }),
  ),
  // A target of a millisecond is missed by the time anyone reads it.
  mouse('mouse-instant', 'instant'),
  mouse('mouse-slow', 'slow'),
  mouse('mouse-plain'),
  mouse('mouse-gold', 'gold'),
];

const serviceCatalogue = {
  categories: [{ id: 'hardware', title: 'Hardware' }],
  desk: { groups: ['group:default/service-desk'] },
  calendars: [{ id: 'office', timeZone: 'Europe/Paris' }],
  sla: [
    { id: 'instant', title: 'Instant', resolutionTarget: 'PT0.001S' },
    {
      id: 'slow',
      title: 'Slow',
      responseTarget: 'PT4H',
      resolutionTarget: 'P10D',
      calendar: 'office',
    },
  ],
};

function backend(config: object) {
  return startTestBackend({
    features: [
      serviceCataloguePlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.userInfo.factory(),
      mockServices.permissions.factory(),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({ data: config }),
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
}

const API = '/api/service-catalogue';
const frank = () => mockCredentials.user.header('user:default/frank');
const desk = () => mockCredentials.user.header('user:default/desmond');

describe('SLAs through the API', () => {
  let server: Awaited<ReturnType<typeof backend>>['server'];

  beforeAll(async () => {
    server = (await backend({ serviceCatalogue })).server;
  });

  const submit = (offering: string) =>
    request(server)
      .post(`${API}/requests`)
      .set('Authorization', frank())
      .send({ offeringRef: `offering:default/${offering}`, formValues: {} });

  const queue = (query: Record<string, string>) =>
    request(server)
      .get(`${API}/queue`)
      .query(query)
      .set('Authorization', desk());

  it('promises the SLA at submission, promises nothing for a policy nobody defined, and sorts and filters the desk queue by it', async () => {
    const plain = await submit('mouse-plain');
    const slow = await submit('mouse-slow');
    const instant = await submit('mouse-instant');
    expect(slow.status).toBe(201);
    expect(slow.body.sla).toMatchObject({
      policyId: 'slow',
      policyTitle: 'Slow',
    });
    expect(slow.body.sla.responseDueAt).toEqual(expect.any(String));
    expect(slow.body.slaDueAt).toBe(slow.body.sla.resolutionDueAt);
    // Without a policy there is no promise, whatever the estimate.
    expect(plain.body.sla).toBeUndefined();
    expect(plain.body.slaDueAt).toBeUndefined();

    const gold = await submit('mouse-gold');
    expect(gold.status).toBe(201);
    expect(gold.body.sla).toBeUndefined();

    const tracking = (res: request.Response) =>
      res.body.items.map((r: any) => r.trackingNumber);
    const all = await queue({});
    expect(all.body.totalCount).toBe(4);

    const breached = await queue({ breached: 'true' });
    expect(tracking(breached)).toEqual([instant.body.trackingNumber]);
    expect(breached.body.totalCount).toBe(1);
    expect(tracking(await queue({ breached: 'false' }))).toEqual([
      plain.body.trackingNumber,
      slow.body.trackingNumber,
      gold.body.trackingNumber,
    ]);
    expect(tracking(await queue({ order: 'due' }))).toEqual([
      instant.body.trackingNumber,
      slow.body.trackingNumber,
      plain.body.trackingNumber,
      gold.body.trackingNumber,
    ]);

    expect((await queue({ breached: 'maybe' })).status).toBe(400);
    expect((await queue({ order: 'newest-ish' })).status).toBe(400);
  });

  it('records at the end of a request whether its SLA was met', async () => {
    const { body } = await submit('mouse-instant');
    await request(server)
      .post(`${API}/requests/${body.trackingNumber}/assign`)
      .set('Authorization', desk())
      .send({});
    const done = await request(server)
      .post(`${API}/requests/${body.trackingNumber}/complete`)
      .set('Authorization', desk())
      .send({ note: 'on your desk' });
    expect(done.status).toBe(200);
    expect(done.body.sla).toMatchObject({ met: false, businessMinutes: 0 });
    expect(done.body.sla.respondedAt).toEqual(expect.any(String));
    expect(done.body.sla.endedAt).toEqual(expect.any(String));
  });
});

describe('SLA settings', () => {
  it('stop the backend when a policy names a calendar nobody defined', async () => {
    await expect(
      backend({
        serviceCatalogue: {
          ...serviceCatalogue,
          sla: [{ id: 'x', resolutionTarget: 'PT4H', calendar: 'nope' }],
        },
      }),
    ).rejects.toThrow(/SLA policy x names calendar nope/);
  });
});
