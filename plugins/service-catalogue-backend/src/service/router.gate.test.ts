import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { serviceCataloguePlugin } from '../plugin';

// Only the scaffolder, where the gate action runs, may ask the gate: a user
// or another plugin that could would learn about tasks, and spend tickets.

const CHECKS = '/api/service-catalogue/gate/checks';

const scaffolderCalls = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('plugin:scaffolder'),
  targetPluginId: 'service-catalogue',
});

async function startBackend() {
  const { server } = await startTestBackend({
    features: [
      serviceCataloguePlugin,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: { serviceCatalogue: { categories: [] } },
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

describe('POST /gate/checks', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;
  const body = {
    taskId: 'task-1',
    initiator: { type: 'service', subject: 'plugin:service-catalogue' },
  };

  beforeAll(async () => {
    server = await startBackend();
  });

  it('refuses callers without a token', async () => {
    expect((await request(server).post(CHECKS).send(body)).status).toBe(401);
  });

  it.each([
    ['a user', mockCredentials.user.header('user:default/grace')],
    [
      'the service catalogue itself',
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('plugin:service-catalogue'),
        targetPluginId: 'service-catalogue',
      }),
    ],
    [
      'another plugin',
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('plugin:catalog'),
        targetPluginId: 'service-catalogue',
      }),
    ],
    [
      'a user through the scaffolder',
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.user('user:default/grace'),
        targetPluginId: 'service-catalogue',
      }),
    ],
  ])('refuses %s with 403', async (_who, authorization) => {
    const res = await request(server)
      .post(CHECKS)
      .set('Authorization', authorization)
      .send(body);
    expect(res.status).toBe(403);
  });

  it.each([
    ['no task', { initiator: body.initiator }],
    ['no initiator', { taskId: 'task-1' }],
    ['an unknown kind of initiator', { ...body, initiator: { type: 'root' } }],
    ['extra fields', { ...body, allowed: true }],
  ])('answers 400 to a body with %s', async (_what, sent) => {
    const res = await request(server)
      .post(CHECKS)
      .set('Authorization', scaffolderCalls)
      .send(sent);
    expect(res.status).toBe(400);
  });
});
