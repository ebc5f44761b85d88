import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { serviceCataloguePlugin } from '../plugin';
import {
  categories,
  entities,
  userInfoFromEntities,
} from '../__testUtils__/organisation';

jest.setTimeout(60_000);

// A signed-in user the catalog does not know, such as the guest of a stock
// app: what they are shown and what they may request follow one rule.

const API = '/api/service-catalogue';
const guest = mockCredentials.user.header('user:development/guest');

async function startBackend() {
  const { server } = await startTestBackend({
    features: [
      serviceCataloguePlugin,
      catalogServiceMock.factory({ entities }),
      userInfoFromEntities().factory,
      mockServices.permissions.mock({
        async authorize(requests) {
          return requests.map(({ permission }) => ({
            result:
              permission.name === 'service-catalogue.administer'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }));
        },
        async authorizeConditional(requests) {
          return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
        },
      }).factory,
      mockServices.rootConfig.factory({
        data: { serviceCatalogue: { categories } },
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} }),
      }),
    ],
  });
  return server;
}

describe('a signed-in user the catalog does not know', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    server = await startBackend();
  });

  it('may request exactly the offerings they are shown', async () => {
    const listed = await request(server)
      .get(`${API}/offerings`)
      .set('Authorization', guest);
    expect(listed.status).toBe(200);
    const shown = listed.body.items.map((o: { name: string }) => o.name);
    // Open to everyone: shown; with an audience: not.
    expect(shown).toContain('laptop');
    expect(shown).not.toContain('vpn-access');

    const submit = (name: string) =>
      request(server)
        .post(`${API}/requests`)
        .set('Authorization', guest)
        .send({
          offeringRef: `offering:default/${name}`,
          formValues: {},
        });
    const laptop = await submit('laptop');
    expect(laptop.status).toBe(201);
    expect(laptop.body.requesterRef).toBe('user:development/guest');

    const vpn = await submit('vpn-access');
    expect(vpn.status).toBeGreaterThanOrEqual(400);
    expect(vpn.status).toBeLessThan(500);
    const mine = await request(server)
      .get(`${API}/requests`)
      .set('Authorization', guest);
    expect(
      mine.body.items.map((r: { offeringRef: string }) => r.offeringRef),
    ).toEqual(['offering:default/laptop']);
  });
});
