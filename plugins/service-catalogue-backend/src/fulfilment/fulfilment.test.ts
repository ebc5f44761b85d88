import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import scaffolderModuleServiceCatalogue from '@service-catalogue/plugin-scaffolder-backend-module-service-catalogue';
import { GATE_ACTION_ID } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCataloguePlugin } from '../plugin';

jest.setTimeout(60_000);

// The whole path with the real scaffolder and the real scheduler: a request
// that needs no approval is provisioned by its template's steps, and a
// failing step can be retried by the offering's owners.

const gate = { id: 'gate', action: GATE_ACTION_ID };

const template = (name: string, step: JsonObject): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service-catalogue',
    owner: 'group:default/platform-team',
    parameters: [
      {
        required: ['reason'],
        properties: { forUser: { type: 'string' }, reason: { type: 'string' } },
      },
    ],
    steps: [gate, step],
  },
});

const revokeTemplate = (name: string, step: JsonObject): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service-catalogue',
    owner: 'group:default/platform-team',
    parameters: [
      {
        properties: { forUser: { type: 'string' }, reason: { type: 'string' } },
      },
    ],
    steps: [gate, step],
  },
});

const offering = (
  name: string,
  templateName: string,
  extra: JsonObject = {},
): Entity => ({
  apiVersion: 'service-catalogue.io/v1alpha1',
  kind: 'Offering',
  metadata: { name, namespace: 'default', title: name },
  spec: {
    owner: 'group:default/platform-team',
    category: 'access',
    template: `template:default/${templateName}`,
    ...extra,
  },
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  ...['grace', 'alice', 'frank'].map(
    (name): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: { memberOf: name === 'alice' ? ['platform-team'] : [] },
    }),
  ),
  template('grant-access', {
    id: 'provision',
    action: 'debug:log',
    input: { message: 'access for ${{ parameters.forUser }}' },
  }),
  template('broken', {
    id: 'escape',
    action: 'fs:delete',
    input: { files: ['../outside-the-workspace'] },
  }),
  offering('access', 'grant-access'),
  offering('db-read', 'grant-access', {
    target: 'resource:default/orders-db',
    grant: {
      duration: 'P30D',
      revokeTemplate: 'template:default/revoke-access',
    },
  }),
  revokeTemplate('revoke-access', {
    id: 'revoke',
    action: 'debug:log',
    input: {
      message: 'revoke ${{ parameters.forUser }}: ${{ parameters.reason }}',
    },
  }),
  offering('broken-access', 'broken'),
  ...['service-catalogue:grant', 'service-catalogue:revoke'].map(
    (action): Entity => ({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: action.split(':')[1], namespace: 'default' },
      spec: {
        // Run by the desk themselves, not by the service catalogue.
        type: 'desk-form',
        owner: 'group:default/platform-team',
        parameters: [
          {
            required: ['colleague'],
            properties: { colleague: { type: 'string' } },
          },
        ],
        steps: [
          {
            id: 'step',
            action,
            input: {
              offering: 'db-read',
              holder: '${{ parameters.colleague }}',
              reason: 'at the desk',
            },
          },
        ],
      },
    }),
  ),
];

async function startBackend() {
  const { server } = await startTestBackend({
    features: [
      serviceCataloguePlugin,
      scaffolderPlugin,
      scaffolderModuleServiceCatalogue,
      schedulerServiceFactory,
      catalogServiceMock.factory({ entities }),
      mockServices.userInfo.mock({
        async getUserInfo(credentials: any) {
          const ref = credentials.principal.userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs:
              ref === 'user:default/alice'
                ? [ref, 'group:default/platform-team']
                : [ref],
          };
        },
      }).factory,
      mockServices.permissions.mock({
        async authorize(requests) {
          return requests.map(({ permission }) => ({
            result:
              permission.name === 'service-catalogue.administer'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }));
        },
        // The scaffolder asks which template steps and parameters it may use.
        async authorizeConditional(requests) {
          return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
        },
      }).factory,
      mockServices.rootConfig.factory({
        data: {
          serviceCatalogue: {
            categories: [{ id: 'access', title: 'Access' }],
            fulfilment: { frequency: { milliseconds: 200 } },
          },
        },
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

const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

async function until(
  server: Awaited<ReturnType<typeof startBackend>>,
  trackingNumber: string,
  state: string,
) {
  for (;;) {
    const res = await request(server)
      .get(`/api/service-catalogue/requests/${trackingNumber}`)
      .set('Authorization', as('alice'));
    if (res.body.request?.state === state) {
      return res.body;
    }

    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** Polls until `check` returns something; the test's timeout bounds it. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const result = await check();
    if (result !== undefined) {
      return result;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe('automatic fulfilment with the scaffolder', () => {
  it('runs the template’s steps and ends DONE, then fails and retries a broken one', async () => {
    const server = await startBackend();
    const submit = (offeringName: string) =>
      request(server)
        .post('/api/service-catalogue/requests')
        .set('Authorization', as('grace'))
        .send({
          offeringRef: `offering:default/${offeringName}`,
          formValues: { reason: 'new project' },
        });

    const ok = await submit('access');
    expect(ok.status).toBe(201);
    const done = await until(server, ok.body.trackingNumber, 'DONE');
    expect(done.request.scaffolderTaskId).toEqual(expect.any(String));
    expect(done.events.map((e: { type: string }) => e.type)).toEqual([
      'submit',
      'start',
      'task',
      'complete',
    ]);

    const broken = await submit('broken-access');
    const failed = await until(server, broken.body.trackingNumber, 'FAILED');
    expect(failed.request.failure).toEqual({
      stepId: 'escape',
      message: expect.stringMatching(/outside/),
    });
    expect(failed.actions).toContain('retry');

    // The requester reads the task's log through the service catalogue, not
    // the scaffolder, which keeps the service catalogue's tasks to itself.
    const taskLog = (trackingNumber: string, who: string) =>
      request(server)
        .get(`/api/service-catalogue/requests/${trackingNumber}/task-log`)
        .set('Authorization', as(who));
    const log = await taskLog(broken.body.trackingNumber, 'grace');
    expect(log.status).toBe(200);
    expect(log.body.taskId).toBe(failed.request.scaffolderTaskId);
    expect(log.body.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stepId: 'gate', status: 'completed' }),
        expect.objectContaining({
          stepId: 'escape',
          status: 'failed',
          message: expect.stringMatching(/outside/),
        }),
      ]),
    );
    // Where the scaffolder failed in its code is not for the requester.
    for (const line of log.body.lines) {
      expect(line.message).not.toMatch(/^\s+at /m);
    }
    expect((await taskLog(broken.body.trackingNumber, 'frank')).status).toBe(
      404,
    );
    expect((await taskLog(ok.body.trackingNumber, 'grace')).body.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stepId: 'provision', status: 'completed' }),
      ]),
    );

    const byRequester = await request(server)
      .post(
        `/api/service-catalogue/requests/${broken.body.trackingNumber}/retry`,
      )
      .set('Authorization', as('grace'));
    expect(byRequester.status).toBe(403);

    const byOwner = await request(server)
      .post(
        `/api/service-catalogue/requests/${broken.body.trackingNumber}/retry`,
      )
      .set('Authorization', as('alice'));
    expect(byOwner.status).toBe(200);
    expect(byOwner.body.state).toBe('IN_PROGRESS');
    expect(byOwner.body.failure).toBeUndefined();

    const again = await until(server, broken.body.trackingNumber, 'FAILED');
    const tasks = again.events
      .filter((e: { type: string }) => e.type === 'task')
      .map((e: { data: { taskId: string; run: number } }) => e.data);
    expect(tasks.map((t: { run: number }) => t.run)).toEqual([1, 2]);
    expect(new Set(tasks.map((t: { taskId: string }) => t.taskId)).size).toBe(
      2,
    );
  });

  it('keeps the grant of a revocable request on record, shows it on the target, and revokes it through the revoke template', async () => {
    const server = await startBackend();
    const api = '/api/service-catalogue';
    const submitted = await request(server)
      .post(`${api}/requests`)
      .set('Authorization', as('grace'))
      .send({
        offeringRef: 'offering:default/db-read',
        formValues: { reason: 'reporting' },
      });
    expect(submitted.status).toBe(201);
    await until(server, submitted.body.trackingNumber, 'DONE');

    const mine = await request(server)
      .get(`${api}/grants`)
      .set('Authorization', as('grace'));
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        holderRef: 'user:default/grace',
        targetRef: 'resource:default/orders-db',
        trackingNumber: submitted.body.trackingNumber,
        state: 'active',
      }),
    ]);
    const grantId = mine.body.items[0].id;

    const access = (name: string) =>
      request(server)
        .get(`${api}/access/resource/default/orders-db`)
        .set('Authorization', as(name));
    const asHolder = await access('grace');
    expect(asHolder.body).toMatchObject({
      offerings: [expect.objectContaining({ name: 'db-read' })],
      myGrants: [expect.objectContaining({ id: grantId })],
      holders: [],
      canRevoke: false,
    });
    const asOwner = await access('alice');
    expect(asOwner.body).toMatchObject({
      holders: [expect.objectContaining({ id: grantId })],
      canRevoke: true,
    });

    const byStranger = await request(server)
      .post(`${api}/grants/${grantId}/revoke`)
      .set('Authorization', as('frank'))
      .send({});
    expect(byStranger.status).toBe(404);

    const byOwner = await request(server)
      .post(`${api}/grants/${grantId}/revoke`)
      .set('Authorization', as('alice'))
      .send({ reason: 'project over' });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body).toMatchObject({
      state: 'revoking',
      endReason: 'revoked',
      endedByRef: 'user:default/alice',
    });

    const ended = await eventually(async () => {
      const res = await request(server)
        .get(`${api}/grants`)
        .set('Authorization', as('grace'));
      return res.body.items[0].state === 'ended'
        ? res.body.items[0]
        : undefined;
    });
    expect(ended.revokeTaskId).toEqual(expect.any(String));
  });

  it('records and ends access from desk templates with the service-catalogue:grant and service-catalogue:revoke actions', async () => {
    const server = await startBackend();
    const run = async (templateName: string, as_: string) => {
      const created = await request(server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', as(as_))
        .send({
          templateRef: `template:default/${templateName}`,
          values: { colleague: 'user:default/frank' },
        });
      expect(created.status).toBe(201);
      return eventually(async () => {
        const task = await request(server)
          .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
          .set('Authorization', as(as_));
        return ['completed', 'failed'].includes(task.body.status)
          ? task.body.status
          : undefined;
      });
    };
    const grantsOfFrank = () =>
      request(server)
        .get('/api/service-catalogue/grants')
        .set('Authorization', as('frank'))
        .then(res => res.body.items);

    // grace fulfils nothing: her template run fails and records nothing.
    expect(await run('grant', 'grace')).toBe('failed');
    expect(await grantsOfFrank()).toEqual([]);

    expect(await run('grant', 'alice')).toBe('completed');
    expect(await run('grant', 'alice')).toBe('completed');
    const [grant, ...more] = await grantsOfFrank();
    expect(more).toEqual([]);
    expect(grant).toMatchObject({
      holderRef: 'user:default/frank',
      offeringRef: 'offering:default/db-read',
      state: 'active',
      expiresAt: expect.any(String),
    });
    const kept = await request(server)
      .get(`/api/service-catalogue/requests/${grant.trackingNumber}`)
      .set('Authorization', as('frank'));
    expect(kept.body.request).toMatchObject({
      state: 'DONE',
      submittedByRef: 'user:default/alice',
      formValues: { reason: 'at the desk' },
    });

    expect(await run('revoke', 'alice')).toBe('completed');
    // The offering's revoke template takes the access away, then it ends.
    const ended = await eventually(async () => {
      const [g] = await grantsOfFrank();
      return g.state === 'ended' ? g : undefined;
    });
    expect(ended).toMatchObject({
      id: grant.id,
      endReason: 'revoked',
      endedByRef: 'user:default/alice',
      revokeTaskId: expect.any(String),
    });
  });
});
