import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { serviceCataloguePlugin } from './plugin';
import {
  categories,
  entities,
  userInfoFromEntities,
} from './__testUtils__/organisation';

// Each test starts a backend; on a loaded machine that outlasts Jest's default.
jest.setTimeout(60_000);

describe('serviceCataloguePlugin', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [
        serviceCataloguePlugin,
        catalogServiceMock.factory({ entities }),
        userInfoFromEntities().factory,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: { serviceCatalogue: { categories } },
        }),
      ],
    });
    return server;
  }

  const titles = (body: { items: { title: string }[] }) =>
    body.items.map(item => item.title);

  it('answers /health without credentials', async () => {
    const server = await start();
    const res = await request(server).get('/api/service-catalogue/health');
    expect(res.status).toBe(200);
  });

  it.each(['/categories', '/offerings', '/offerings/default/laptop'])(
    'refuses %s without credentials',
    async path => {
      const server = await start();
      const res = await request(server).get(`/api/service-catalogue${path}`);
      expect(res.status).toBe(401);
    },
  );

  it('lists categories parents first, siblings by order', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/service-catalogue/categories')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([
      'access',
      'access/data',
      'access/network',
      'hardware',
    ]);
  });

  it('shows a member of a child group the offerings of the parent group audience', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/service-catalogue/offerings')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(res.status).toBe(200);
    expect(titles(res.body)).toEqual(['New laptop', 'VPN access']);
    expect(res.body.items[1]).toEqual({
      entityRef: 'offering:default/vpn-access',
      name: 'vpn-access',
      namespace: 'default',
      title: 'VPN access',
      category: 'access',
      owner: 'group:default/platform-team',
      target: 'resource:default/corp-vpn',
      requestMode: 'self-service',
      fulfilment: 'automatic',
      estimatedDelay: 'PT4H',
      grant: { duration: 'P90D' },
      tags: [],
      template: 'template:default/vpn-access',
    });
  });

  it('hides audience-restricted offerings from people outside the audience', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/service-catalogue/offerings')
      .set('Authorization', mockCredentials.user.header('user:default/frank'));
    expect(titles(res.body)).toEqual(['Frank only', 'New laptop']);

    const hidden = await request(server)
      .get('/api/service-catalogue/offerings/default/vpn-access')
      .set('Authorization', mockCredentials.user.header('user:default/frank'));
    expect(hidden.status).toBe(404);
  });

  it('returns a visible offering by name and 404 for other kinds', async () => {
    const server = await start();
    const auth = mockCredentials.user.header('user:default/alice');
    const found = await request(server)
      .get('/api/service-catalogue/offerings/default/vpn-access')
      .set('Authorization', auth);
    expect(found.status).toBe(200);
    expect(found.body.title).toBe('VPN access');

    const component = await request(server)
      .get('/api/service-catalogue/offerings/default/not-an-offering')
      .set('Authorization', auth);
    expect(component.status).toBe(404);

    const retired = await request(server)
      .get('/api/service-catalogue/offerings/default/retired')
      .set('Authorization', auth);
    expect(retired.status).toBe(404);
  });

  it('shows a service every available offering', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/service-catalogue/offerings')
      .set('Authorization', mockCredentials.service.header());
    expect(titles(res.body)).toEqual([
      'Frank only',
      'New laptop',
      'Orders DB read',
      'VPN access',
    ]);
  });

  it('reconciles soon after the catalog says users changed, once for a burst', async () => {
    const scheduler = mockServices.scheduler.mock();
    scheduler.triggerTask.mockResolvedValue(undefined);
    const events = mockServices.events.mock();
    await startTestBackend({
      features: [
        serviceCataloguePlugin,
        catalogServiceMock.factory({ entities }),
        scheduler.factory,
        events.factory,
        mockServices.rootConfig.factory({
          data: { serviceCatalogue: { categories } },
        }),
      ],
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'service-catalogue-reconciliation',
        scope: 'global',
      }),
    );
    const [{ topics, onEvent }] = events.subscribe.mock.calls[0];
    expect(topics).toEqual(['service-catalogue.user-changed']);

    for (const name of ['grace', 'frank', 'nina']) {
      await onEvent({
        topic: 'service-catalogue.user-changed',
        eventPayload: { entityRef: `user:default/${name}` },
      });
    }
    expect(scheduler.triggerTask).not.toHaveBeenCalled();
    await new Promise(resolve => setTimeout(resolve, 2_500));
    expect(scheduler.triggerTask).toHaveBeenCalledTimes(1);
    expect(scheduler.triggerTask).toHaveBeenCalledWith(
      'service-catalogue-reconciliation',
    );
  });

  it.each([
    [{ taskRecovery: { enabled: true } }, 1],
    [{ EXPERIMENTAL_recoverTasks: true }, 1],
    [{}, 0],
  ])(
    "warns when the scaffolder's task recovery (%j) lets a retry skip the gate",
    async (scaffolder, warnings) => {
      const logger = mockServices.logger.mock();
      logger.child.mockReturnValue(logger);
      await startTestBackend({
        features: [
          serviceCataloguePlugin,
          catalogServiceMock.factory({ entities }),
          logger.factory,
          mockServices.rootConfig.factory({
            data: { serviceCatalogue: { categories }, scaffolder },
          }),
        ],
      });
      expect(
        logger.warn.mock.calls.filter(([message]) =>
          String(message).includes('task recovery is on'),
        ),
      ).toHaveLength(warnings);
    },
  );

  it('tells those who fulfil an offering, and nobody else, what keeps its templates from running', async () => {
    const { server } = await startTestBackend({
      features: [
        serviceCataloguePlugin,
        catalogServiceMock.factory({
          entities: [
            ...entities,
            {
              apiVersion: 'scaffolder.backstage.io/v1beta3',
              kind: 'Template',
              metadata: { name: 'ungated', namespace: 'default' },
              spec: {
                type: 'service-catalogue',
                owner: 'platform-team',
                parameters: [],
                steps: [{ id: 'provision', action: 'demo:access-list:add' }],
              },
            },
            {
              apiVersion: 'service-catalogue.io/v1alpha1',
              kind: 'Offering',
              metadata: { name: 'ungated-access', namespace: 'default' },
              spec: {
                owner: 'platform-team',
                category: 'access',
                template: 'ungated',
                grant: { revokeTemplate: 'gone-revoke' },
              },
            },
          ],
        }),
        userInfoFromEntities().factory,
        // Nobody administers the service catalogue here.
        mockServices.permissions.mock({
          async authorize(requests) {
            return requests.map(() => ({ result: AuthorizeResult.DENY }));
          },
        }).factory,
        mockServices.rootConfig.factory({
          data: { serviceCatalogue: { categories } },
        }),
      ],
    });
    const offering = (who: string) =>
      request(server)
        .get('/api/service-catalogue/offerings/default/ungated-access')
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${who}`),
        );

    const owner = await offering('alice');
    expect(owner.status).toBe(200);
    expect(owner.body.problems).toEqual([
      expect.stringMatching(
        /^The template template:default\/ungated may not run: its first step must be the service-catalogue:gate action/,
      ),
      expect.stringMatching(
        /^The template template:default\/gone-revoke is not in the catalog/,
      ),
    ]);
    const requester = await offering('frank');
    expect(requester.status).toBe(200);
    expect(requester.body.problems).toBeUndefined();
  });
});
