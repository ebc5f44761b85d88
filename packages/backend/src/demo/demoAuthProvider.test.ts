import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { authModuleDemoProvider } from './demoAuthProvider';
import { demoSignInPlugin } from './demoSignInPlugin';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'grace', namespace: 'default' },
    spec: {
      profile: { displayName: 'Grace Gallagher', email: 'grace@acme.example' },
      memberOf: ['web-team'],
    },
    relations: [{ type: 'memberOf', targetRef: 'group:default/web-team' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'web-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

async function start(demo: object | undefined) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      authModuleDemoProvider,
      demoSignInPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { baseUrl: 'http://localhost:7007' },
          auth: {
            environment: 'development',
            ...(demo ? { providers: { demo } } : {}),
          },
        },
      }),
    ],
  });
  return server;
}

describe('the demo sign-in', () => {
  const originalEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = originalEnv;
  });

  it('issues a token for a catalog user with their groups', async () => {
    const server = await start({ signInAsAnyUser: true });
    const res = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'grace');
    expect(res.status).toBe(200);
    expect(res.body.profile).toEqual({
      displayName: 'Grace Gallagher',
      email: 'grace@acme.example',
    });
    expect(res.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/grace',
      ownershipEntityRefs: ['user:default/grace', 'group:default/web-team'],
    });
    expect(res.body.backstageIdentity.token).toEqual(expect.any(String));

    const users = await request(server).get('/api/demo-sign-in/users');
    expect(users.status).toBe(200);
    expect(users.body.items).toEqual([
      {
        name: 'grace',
        entityRef: 'user:default/grace',
        displayName: 'Grace Gallagher',
        email: 'grace@acme.example',
        memberOf: ['web-team'],
      },
    ]);
  });

  it('refuses users that are not in the catalog, and requests without a user', async () => {
    const server = await start({ signInAsAnyUser: true });
    const unknown = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'mallory');
    expect(unknown.status).toBe(404);

    const anonymous = await request(server).get('/api/auth/demo/refresh');
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.error.message).toContain('x-demo-user');

    const odd = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', '../admin');
    expect(odd.status).toBe(400);
  });

  it('is not mounted without its config', async () => {
    const server = await start(undefined);
    const res = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'grace');
    expect(res.status).toBe(404);

    const users = await request(server).get('/api/demo-sign-in/users');
    expect(users.status).toBe(404);
  });

  it('refuses to start outside development without signInAsAnyUser: true', async () => {
    process.env.NODE_ENV = 'production';
    await expect(start({})).rejects.toThrow(/signInAsAnyUser/);
  });
});
