import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderModuleServiceCatalogue from '@service-catalogue/plugin-scaffolder-backend-module-service-catalogue';
import serviceCataloguePlugin from '@service-catalogue/plugin-service-catalogue-backend';
import request from 'supertest';
import {
  AccessListFiles,
  scaffolderModuleDemoAccessLists,
} from './demoAccessLists';
import { permissionModuleDemoPolicy } from './demoPermissionPolicy';
import {
  authWithActors,
  recordingAuditor,
  recordingNotifications,
} from '../__testUtils__/services';

jest.setTimeout(60_000);

// The demo's permission policy with the real scaffolder, the real
// permission backend and the real service catalogue with its gate: what a
// person can do with the scaffolder's own API, around the service catalogue.

type Step = NonNullable<Entity['spec']>;

const template = (
  name: string,
  type: string,
  steps: Step[],
  owner = 'group:default/network-team',
): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default' },
  spec: {
    type,
    owner,
    parameters: [{ properties: { forUser: { type: 'string' } } }],
    steps,
  },
});

const addToVpn = {
  id: 'grant',
  action: 'demo:access-list:add',
  input: { list: 'corp-vpn', member: '${{ parameters.forUser }}' },
};

const entities: Entity[] = [
  template('vpn-access', 'service-catalogue', [
    { id: 'gate', action: 'service-catalogue:gate' },
    addToVpn,
  ]),
  {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'vpn-access', namespace: 'default', title: 'VPN' },
    // No approval stages: a request goes straight to provisioning.
    spec: {
      owner: 'group:default/network-team',
      category: 'access',
      template: 'template:default/vpn-access',
    },
  },
  // A template of grace's own that skips the gate and adds to the list.
  template('vpn-shortcut', 'standard', [addToVpn], 'user:default/grace'),
  template('hello', 'standard', [
    { id: 'log', action: 'debug:log', input: { message: 'hello' } },
  ]),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'network-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  ...['grace', 'frank', 'carol'].map(
    (name): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: {},
    }),
  ),
];

const directory = createMockDirectory();

const auditor = recordingAuditor();
const { audits } = auditor;
const notifications = recordingNotifications();

async function startBackend() {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleDemoAccessLists,
      scaffolderModuleServiceCatalogue,
      serviceCataloguePlugin,
      schedulerServiceFactory,
      permissionPlugin,
      permissionModuleDemoPolicy,
      permissionsServiceFactory,
      authWithActors,
      catalogServiceMock.factory({ entities }),
      mockServices.userInfo.mock({
        async getUserInfo(credentials: any) {
          const ref = credentials.principal.userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs:
              ref === 'user:default/carol'
                ? [ref, 'group:default/it-managers']
                : [ref],
          };
        },
      }).factory,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          demo: {
            accessLists: { directory: directory.path },
            permission: { adminGroups: ['group:default/it-managers'] },
          },
          serviceCatalogue: {
            categories: [{ id: 'access', title: 'Access' }],
            fulfilment: { frequency: { milliseconds: 200 } },
          },
        },
      }),
      auditor.factory,
      ...notifications.factories,
    ],
  });
  return server;
}

const asUser = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

// What the service catalogue backend sends when it starts and follows a
// provisioning task.
const asServiceCatalogue = () =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('plugin:service-catalogue'),
    targetPluginId: 'scaffolder',
  });

describe('the demo permission policy with the scaffolder', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;
  const vpnMembers = () =>
    new AccessListFiles(directory.path).members('corp-vpn');

  beforeAll(async () => {
    server = await startBackend();
  });

  const start = async (
    authorization: string,
    templateName: string,
    forUser = 'user:default/grace',
  ): Promise<string> => {
    const res = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', authorization)
      .send({
        templateRef: `template:default/${templateName}`,
        values: { forUser },
      });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  const ended = async (authorization: string, taskId: string) => {
    for (;;) {
      const res = await request(server)
        .get(`/api/scaffolder/v2/tasks/${taskId}`)
        .set('Authorization', authorization);
      expect(res.status).toBe(200);
      if (['completed', 'failed', 'cancelled'].includes(res.body.status)) {
        return res.body.status;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  };

  /** How each step of a task ended, and the error the task ended with. */
  const outcome = async (authorization: string, taskId: string) => {
    const res = await request(server)
      .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
      .set('Authorization', authorization);
    const steps: Record<string, string> = {};
    let error: string | undefined;
    for (const { type, body } of res.body) {
      if (body.stepId && body.status) {
        steps[body.stepId] = body.status;
      }
      if (type === 'completion') {
        error = body.error?.message;
      }
    }
    return { steps, error };
  };

  /**
   * Submits a request for the VPN offering as a user and waits until the
   * service catalogue's task has provisioned it; returns that task.
   */
  const provisioned = async (name: string): Promise<string> => {
    const submitted = await request(server)
      .post('/api/service-catalogue/requests')
      .set('Authorization', asUser(name))
      .send({ offeringRef: 'offering:default/vpn-access', formValues: {} });
    expect(submitted.status).toBe(201);
    for (;;) {
      const res = await request(server)
        .get(`/api/service-catalogue/requests/${submitted.body.trackingNumber}`)
        .set('Authorization', asUser(name));
      expect(res.status).toBe(200);
      expect(res.body.request.state).not.toBe('FAILED');
      if (res.body.request.state === 'DONE') {
        return res.body.request.scaffolderTaskId;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  };

  /** The gate's audit events for a task. */
  const gateChecks = (taskId: string) =>
    audits.filter(
      a =>
        a.plugin === 'service-catalogue' &&
        a.options.eventId === 'gate-check' &&
        a.options.meta?.taskId === taskId,
    );

  it('runs offering templates only for the service catalogue, and shows people only their own tasks', async () => {
    // A user may create a task from an offering template; the policy lets
    // the gate run, and the gate stops the task before anything is
    // provisioned, audits the attempt and tells the offering's owners.
    const byGrace = await start(asUser('grace'), 'vpn-access');
    expect(await ended(asUser('grace'), byGrace)).toBe('failed');
    expect(await outcome(asUser('grace'), byGrace)).toEqual({
      steps: { gate: 'failed', grant: 'skipped' },
      error: expect.stringMatching(
        /^The service catalogue's gate stopped this task: only the service catalogue may run this template.*user:default\/grace$/,
      ),
    });
    expect(await vpnMembers()).toEqual([]);
    expect(gateChecks(byGrace)).toEqual([
      expect.objectContaining({
        options: expect.objectContaining({
          severityLevel: 'high',
          meta: expect.objectContaining({ initiator: 'user:default/grace' }),
        }),
        outcome: 'fail',
        error: expect.stringMatching(/only the service catalogue/),
      }),
    ]);
    expect(notifications.sent).toContainEqual({
      recipients: { type: 'entity', entityRef: ['group:default/network-team'] },
      title: 'The gate stopped a task of template:default/vpn-access',
    });

    // Nor does a provisioning action run in a user's own template, which
    // has no gate: the policy refuses it.
    const shortcut = await start(asUser('grace'), 'vpn-shortcut');
    expect(await ended(asUser('grace'), shortcut)).toBe('failed');
    expect(await outcome(asUser('grace'), shortcut)).toEqual({
      steps: { grant: 'failed' },
      error:
        'Unauthorized action: demo:access-list:add. The action is not allowed.',
    });
    expect(await vpnMembers()).toEqual([]);

    // Other templates run for users as before.
    const hello = await start(asUser('grace'), 'hello');
    expect(await ended(asUser('grace'), hello)).toBe('completed');
    const franks = await start(asUser('frank'), 'hello');
    expect(await ended(asUser('frank'), franks)).toBe('completed');

    // The task the service catalogue starts for grace's request runs every
    // step.
    const provisioning = await provisioned('grace');
    expect(await outcome(asServiceCatalogue(), provisioning)).toEqual({
      steps: { gate: 'completed', grant: 'completed' },
      error: undefined,
    });
    expect(await vpnMembers()).toEqual(['user:default/grace']);
    expect(gateChecks(provisioning)).toEqual([
      expect.objectContaining({
        options: expect.objectContaining({
          meta: expect.objectContaining({
            initiator: 'plugin:service-catalogue',
          }),
        }),
        outcome: 'success',
      }),
    ]);

    // grace lists and reads only the tasks she created.
    const listed = await request(server)
      .get('/api/scaffolder/v2/tasks')
      .set('Authorization', asUser('grace'));
    expect(listed.status).toBe(200);
    expect(listed.body.tasks.map((t: { id: string }) => t.id).sort()).toEqual(
      [byGrace, shortcut, hello].sort(),
    );
    for (const other of [franks, provisioning]) {
      for (const path of ['', '/events', '/eventstream']) {
        const read = await request(server)
          .get(`/api/scaffolder/v2/tasks/${other}${path}`)
          .set('Authorization', asUser('grace'));
        expect(read.status).toBe(403);
      }
      for (const action of ['cancel', 'retry']) {
        const changed = await request(server)
          .post(`/api/scaffolder/v2/tasks/${other}/${action}`)
          .set('Authorization', asUser('grace'))
          .send({});
        expect(changed.status).toBe(403);
      }
    }

    // Administrators read every task.
    const all = await request(server)
      .get('/api/scaffolder/v2/tasks')
      .set('Authorization', asUser('carol'));
    expect(all.body.tasks.map((t: { id: string }) => t.id).sort()).toEqual(
      [byGrace, shortcut, hello, franks, provisioning].sort(),
    );
    const read = await request(server)
      .get(`/api/scaffolder/v2/tasks/${provisioning}`)
      .set('Authorization', asUser('carol'));
    expect(read.status).toBe(200);
  });

  it('does not provision again when an administrator retries the service catalogue’s task', async () => {
    const provisioning = await provisioned('frank');
    expect(await vpnMembers()).toContain('user:default/frank');
    await new AccessListFiles(directory.path).remove(
      'corp-vpn',
      'user:default/frank',
    );

    // A retry runs the task again with the credentials of whoever retried,
    // and the gate stops it.
    const retried = await request(server)
      .post(`/api/scaffolder/v2/tasks/${provisioning}/retry`)
      .set('Authorization', asUser('carol'))
      .send({});
    expect(retried.status).toBe(201);
    expect(await ended(asUser('carol'), provisioning)).toBe('failed');
    expect(await outcome(asUser('carol'), provisioning)).toMatchObject({
      steps: { gate: 'failed', grant: 'skipped' },
    });
    expect(await vpnMembers()).not.toContain('user:default/frank');
    expect(
      gateChecks(provisioning).map(a => [a.options.meta?.initiator, a.outcome]),
    ).toEqual([
      ['plugin:service-catalogue', 'success'],
      ['user:default/carol', 'fail'],
    ]);
  });
});
