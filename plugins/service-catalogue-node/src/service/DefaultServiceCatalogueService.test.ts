import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ListCategoriesResponse,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import express from 'express';
import { serviceCatalogueServiceRef } from '../lib';
import { ServiceCatalogueService } from './ServiceCatalogueService';

const vpnAccess: OfferingSummary = {
  entityRef: 'offering:default/vpn-access',
  name: 'vpn-access',
  namespace: 'default',
  title: 'VPN access',
  category: 'access/network',
  owner: 'group:default/platform-team',
  target: 'resource:default/corp-vpn',
  requestMode: 'self-service',
  fulfilment: 'automatic',
  grant: { duration: 'P90D' },
  tags: ['network'],
};

const categories: ListCategoriesResponse = {
  items: [
    { id: 'access', title: 'Access', order: 1 },
    { id: 'access/network', title: 'Network', order: 1, parent: 'access' },
  ],
};

interface ReceivedRequest {
  path: string;
  authorization?: string;
  credentials: BackstageCredentials;
}

// Stands in for the service catalogue backend, so that the service is tested
// through a real HTTP round trip, token and discovery included, without
// depending on the backend package.
function createFakeServiceCatalogueBackend(received: ReceivedRequest[]) {
  return createBackendPlugin({
    pluginId: 'service-catalogue',
    register(reg) {
      reg.registerInit({
        deps: {
          httpAuth: coreServices.httpAuth,
          httpRouter: coreServices.httpRouter,
        },
        async init({ httpAuth, httpRouter }) {
          const router = express.Router();
          router.use((req, _res, next) => {
            httpAuth
              .credentials(req)
              .then(credentials => {
                received.push({
                  path: req.path,
                  authorization: req.headers.authorization,
                  credentials,
                });
                next();
              })
              .catch(next);
          });
          router.get('/categories', (_req, res) => {
            res.json(categories);
          });
          router.get('/offerings', (_req, res) => {
            res.json({ items: [vpnAccess] });
          });
          router.get('/offerings/:namespace/:name', (req, res, next) => {
            const { namespace, name } = req.params;
            if (name === 'broken') {
              next(new Error('Offering store unavailable'));
            } else if (namespace === 'default' && name === 'vpn-access') {
              res.json(vpnAccess);
            } else {
              next(new NotFoundError(`No offering ${namespace}/${name}`));
            }
          });
          router.post('/requests', express.json(), (req, res, next) => {
            if (!req.body.formValues.reason) {
              next(new InputError('The form values do not match the form'));
              return;
            }
            res.status(201).json({ trackingNumber: 'REQ-000001', ...req.body });
          });
          const recorded = new Set<string>();
          router.get('/grants', (req, res) => {
            res.json({ items: [{ id: 'g1', query: req.query }] });
          });
          router.post('/grants', express.json(), (req, res) => {
            const key = `${req.body.holderRef} ${req.body.offeringRef}`;
            const created = !recorded.has(key);
            recorded.add(key);
            res.status(created ? 201 : 200).json({ id: 'g1', ...req.body });
          });
          router.post(
            '/grants/:grantId/revoke',
            express.json(),
            (req, res, next) => {
              if (req.params.grantId === 'ended') {
                next(new ConflictError('VPN access has already ended'));
                return;
              }
              res.json({ id: req.params.grantId, state: 'ended', ...req.body });
            },
          );
          httpRouter.use(router);
        },
      });
    },
  });
}

describe('DefaultServiceCatalogueService', () => {
  const alice = mockCredentials.user('user:default/alice');

  async function setup() {
    const received: ReceivedRequest[] = [];
    let serviceCatalogue: ServiceCatalogueService | undefined;
    await startTestBackend({
      features: [
        createFakeServiceCatalogueBackend(received),
        // A plugin that uses the service the way any other plugin would,
        // through its default factory.
        createBackendPlugin({
          pluginId: 'consumer',
          register(reg) {
            reg.registerInit({
              deps: { service: serviceCatalogueServiceRef },
              async init({ service }) {
                serviceCatalogue = service;
              },
            });
          },
        }),
        // Without a token the fake backend must not quietly fall back to a
        // default user, or the credential assertions would prove nothing.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    return { service: serviceCatalogue!, received };
  }

  it('lists categories on behalf of the user', async () => {
    const { service, received } = await setup();

    await expect(
      service.listCategories({ credentials: alice }),
    ).resolves.toEqual(categories);

    expect(received).toEqual([
      {
        path: '/categories',
        authorization: mockCredentials.service.header({
          onBehalfOf: alice,
          targetPluginId: 'service-catalogue',
        }),
        credentials: alice,
      },
    ]);
  });

  it('lists offerings on behalf of the user', async () => {
    const { service, received } = await setup();

    await expect(
      service.listOfferings({ credentials: alice }),
    ).resolves.toEqual({
      items: [vpnAccess],
    });

    expect(received).toEqual([
      expect.objectContaining({ path: '/offerings', credentials: alice }),
    ]);
  });

  it('passes the credentials of a calling service through', async () => {
    const { service, received } = await setup();
    // Another plugin than the consumer itself, so that the test tells
    // forwarded credentials from the consumer's own.
    const caller = mockCredentials.service('plugin:catalog');

    await service.listOfferings({ credentials: caller });

    expect(received[0].credentials).toEqual(caller);
  });

  it.each([
    ['a full string ref', 'offering:default/vpn-access'],
    ['a bare name', 'vpn-access'],
    [
      'a compound ref',
      { kind: 'Offering', namespace: 'default', name: 'vpn-access' },
    ],
  ])('reads an offering by %s', async (_case, entityRef) => {
    const { service, received } = await setup();

    await expect(
      service.getOffering({ entityRef, credentials: alice }),
    ).resolves.toEqual(vpnAccess);

    expect(received).toEqual([
      expect.objectContaining({
        path: '/offerings/default/vpn-access',
        credentials: alice,
      }),
    ]);
  });

  it('returns undefined for an offering the backend does not know', async () => {
    const { service } = await setup();

    await expect(
      service.getOffering({
        entityRef: 'offering:default/nope',
        credentials: alice,
      }),
    ).resolves.toBeUndefined();
  });

  it('throws with the server message on other errors', async () => {
    const { service } = await setup();

    await expect(
      service.getOffering({ entityRef: 'broken', credentials: alice }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 500,
      cause: expect.objectContaining({ message: 'Offering store unavailable' }),
    });
  });

  it('refuses refs of another kind without calling the backend', async () => {
    const { service, received } = await setup();

    await expect(
      service.getOffering({
        entityRef: 'component:default/vpn-access',
        credentials: alice,
      }),
    ).rejects.toThrow(
      'Expected a ref of kind Offering, got component:default/vpn-access',
    );
    expect(received).toEqual([]);
  });

  it('submits a request on behalf of the user, and passes on a refusal', async () => {
    const { service, received } = await setup();

    await expect(
      service.submitRequest({
        credentials: alice,
        offeringRef: 'offering:default/vpn-access',
        forUser: 'user:default/grace',
        formValues: { reason: 'on call' },
      }),
    ).resolves.toEqual({
      trackingNumber: 'REQ-000001',
      offeringRef: 'offering:default/vpn-access',
      forUser: 'user:default/grace',
      formValues: { reason: 'on call' },
    });
    expect(received).toEqual([
      expect.objectContaining({ path: '/requests', credentials: alice }),
    ]);

    await expect(
      service.submitRequest({
        credentials: alice,
        offeringRef: 'offering:default/vpn-access',
        formValues: {},
      }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 400 });
  });

  it('lists, records and revokes grants on behalf of the user', async () => {
    const { service, received } = await setup();

    await expect(
      service.listGrants({
        credentials: alice,
        holderRef: 'user:default/grace',
        state: ['active', 'revoking'],
      }),
    ).resolves.toEqual([
      {
        id: 'g1',
        query: {
          holderRef: 'user:default/grace',
          state: ['active', 'revoking'],
        },
      },
    ]);

    const body = {
      offeringRef: 'offering:default/vpn-access',
      holderRef: 'user:default/grace',
    };
    await expect(
      service.recordGrant({ credentials: alice, ...body }),
    ).resolves.toEqual({ grant: { id: 'g1', ...body }, created: true });
    await expect(
      service.recordGrant({ credentials: alice, ...body }),
    ).resolves.toEqual({ grant: { id: 'g1', ...body }, created: false });

    await expect(
      service.revokeGrant({
        credentials: alice,
        grantId: 'g1',
        reason: 'left',
      }),
    ).resolves.toEqual({ id: 'g1', state: 'ended', reason: 'left' });
    await expect(
      service.revokeGrant({ credentials: alice, grantId: 'ended' }),
    ).rejects.toMatchObject({
      statusCode: 409,
      body: { error: { name: 'ConflictError' } },
    });
    expect(received.map(r => [r.path, r.credentials])).toEqual([
      ['/grants', alice],
      ['/grants', alice],
      ['/grants', alice],
      ['/grants/g1/revoke', alice],
      ['/grants/ended/revoke', alice],
    ]);
  });
});
