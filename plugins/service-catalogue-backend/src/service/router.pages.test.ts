import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
} from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST } from '@service-catalogue/plugin-service-catalogue-common';
import request from 'supertest';
import { serviceCataloguePlugin } from '../plugin';

jest.setTimeout(120_000);

const API = '/api/service-catalogue';
const ref = (name: string) => `user:default/${name}`;

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  ...['grace', 'mike'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: [] },
  })),
  {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'db-access', namespace: 'default', title: 'DB access' },
    spec: {
      owner: 'platform-team',
      category: 'access',
      form: { properties: { reason: { type: 'string' } } },
      approval: {
        stages: [{ approvers: ['user:default/mike'], policy: 'any' }],
      },
    },
  },
];

/**
 * A policy as adopters write it: everyone reads the requests they made or
 * are asked to decide, as a condition the list turns into a filter.
 */
const permissions = mockServices.permissions.mock({
  async authorize(requests) {
    return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
  },
  async authorizeConditional(requests, options) {
    const claims = [(options.credentials.principal as any).userEntityRef];
    return requests.map(
      (): ConditionalPolicyDecision => ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'service-catalogue',
        resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
        conditions: {
          anyOf: [
            {
              rule: 'IS_REQUESTER',
              resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
              params: { claims },
            },
            {
              rule: 'IS_APPROVER',
              resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
              params: { claims },
            },
          ],
        },
      }),
    ) as any;
  },
});

/** How many decisions the permission service was asked for since last. */
function permissionQuestions(): number {
  const asked = [
    ...permissions.authorize.mock.calls,
    ...permissions.authorizeConditional.mock.calls,
  ].reduce((sum, [requests]) => sum + requests.length, 0);
  permissions.authorize.mockClear();
  permissions.authorizeConditional.mockClear();
  return asked;
}

describe('the paged lists', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const as = (name: string) => mockCredentials.user.header(ref(name));

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        serviceCataloguePlugin,
        catalogServiceMock.factory({ entities }),
        permissions.factory,
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
        mockServices.rootConfig.factory({
          data: {
            serviceCatalogue: { categories: [{ id: 'access', title: 'A' }] },
          },
        }),
      ],
    }));
  });

  async function submit(count: number): Promise<string[]> {
    const tracking: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await request(server)
        .post(`${API}/requests`)
        .set('Authorization', as('grace'))
        .send({
          offeringRef: 'offering:default/db-access',
          formValues: { reason: `number ${i}` },
        });
      expect(res.status).toBe(201);
      tracking.push(res.body.trackingNumber);
    }
    return tracking;
  }

  const get = (path: string) =>
    request(server).get(`${API}${path}`).set('Authorization', as('mike'));

  async function walk(path: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await get(
        `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: any) => r.trackingNumber));
      cursor = res.body.nextCursor;
    } while (cursor);
    return seen;
  }

  it('asks the permission service the same few questions however many requests wait', async () => {
    const first = await submit(3);
    permissionQuestions();
    const few = await get('/approvals');
    expect(few.body.items).toHaveLength(3);
    const askedForFew = permissionQuestions();

    const more = [...first, ...(await submit(17))];
    permissionQuestions();
    const many = await get('/approvals');
    expect(many.body.totalCount).toBe(20);
    expect(permissionQuestions()).toBe(askedForFew);
    expect(askedForFew).toBeLessThanOrEqual(2);

    const paged = await walk('/approvals', 6);
    expect(paged).toEqual(more);

    // A decision takes the request off the inbox and onto the history,
    // which lists the latest first.
    for (const tracking of more.slice(0, 5)) {
      await request(server)
        .post(`${API}/requests/${tracking}/decisions`)
        .set('Authorization', as('mike'))
        .send({ decision: 'approve', stageIndex: 0 })
        .expect(200);
    }
    expect(await walk('/approvals', 6)).toEqual(more.slice(5));
    permissionQuestions();
    expect(await walk('/approvals/history', 2)).toEqual(
      more.slice(0, 5).reverse(),
    );
    // Three pages, one read decision each.
    expect(permissionQuestions()).toBe(3);

    // The requester is not asked to decide her own.
    const grace = await request(server)
      .get(`${API}/approvals`)
      .set('Authorization', as('grace'));
    expect(grace.body).toEqual({ items: [], totalCount: 0 });

    // Her own she pages through newest first, a page behind the other.
    const mine: string[] = [];
    let cursor: string | undefined;
    permissionQuestions();
    do {
      const res = await request(server)
        .get(`${API}/requests?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', as('grace'));
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(20);
      mine.push(...res.body.items.map((r: any) => r.trackingNumber));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(mine).toEqual([...more].reverse());
    expect(permissionQuestions()).toBe(3);
  });

  it.each([
    ['a cursor that is no cursor', '/approvals?cursor=nonsense'],
    [
      'the history’s cursor on the inbox',
      `/approvals?cursor=${Buffer.from(
        JSON.stringify({ l: 'approvals/history', s: 1 }),
      ).toString('base64url')}`,
    ],
    ['a page of nothing', '/approvals/history?limit=0'],
    ['a page too large', '/approvals?limit=101'],
    [
      'a cursor with an offset',
      `/requests?offset=5&cursor=${Buffer.from(
        JSON.stringify({ l: 'requests', s: 1 }),
      ).toString('base64url')}`,
    ],
    [
      'a cursor past the largest sequence the database holds',
      `/approvals/history?cursor=${Buffer.from(
        JSON.stringify({ l: 'approvals/history', s: 2147483648 }),
      ).toString('base64url')}`,
    ],
    [
      'a cursor before the first sequence',
      `/approvals?cursor=${Buffer.from(
        JSON.stringify({ l: 'approvals', s: -1 }),
      ).toString('base64url')}`,
    ],
    [
      'the inbox’s cursor on My requests',
      `/requests?cursor=${Buffer.from(
        JSON.stringify({ l: 'approvals', s: 1 }),
      ).toString('base64url')}`,
    ],
  ])('refuses %s with a 400', async (_, path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
  });
});
