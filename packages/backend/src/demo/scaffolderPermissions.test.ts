import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  AuthService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
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
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import request from 'supertest';
import {
  AccessListFiles,
  scaffolderModuleDemoAccessLists,
} from './demoAccessLists';
import { permissionModuleDemoPolicy } from './demoPermissionPolicy';

jest.setTimeout(60_000);

// The demo's permission policy with the real scaffolder and the real
// permission backend: what a person can do with the scaffolder's own API,
// around the service catalogue.

type Step = NonNullable<Entity['spec']>;

const template = (name: string, type: string, steps: Step[]): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default' },
  spec: {
    type,
    owner: 'group:default/network-team',
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
  // An offering template that forgot its gate.
  template('vpn-access-ungated', 'service-catalogue', [addToVpn]),
  template('hello', 'standard', [
    { id: 'log', action: 'debug:log', input: { message: 'hello' } },
  ]),
  ...['grace', 'frank', 'carol'].map(
    (name): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: {},
    }),
  ),
];

// The real gate action, the first layer, lets a task go on only when the
// service catalogue started that task. This stand-in lets everything
// through, so that what stops users here is the permission policy alone.
const scaffolderModuleGateStandIn = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gate-stand-in',
  register(reg) {
    reg.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(
          createTemplateAction({
            id: 'service-catalogue:gate',
            async handler(ctx) {
              ctx.logger.info('let through');
            },
          }),
        );
      },
    });
  },
});

// Like the real auth service, and unlike the mock one, a plugin's token on
// behalf of a user names the plugin as the actor: the permission backend
// takes resource permissions without a resource only from such tokens.
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => auth.authenticate(token, options),
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      getNoneCredentials: () => auth.getNoneCredentials(),
      getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
      getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => auth.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        if (auth.isPrincipal(options.onBehalfOf, 'user')) {
          return {
            token: mockCredentials.user.token(
              options.onBehalfOf.principal.userEntityRef,
              { actor: { subject: `plugin:${plugin.getId()}` } },
            ),
          };
        }
        return auth.getPluginRequestToken(options);
      },
    };
  },
});

const directory = createMockDirectory();

async function startBackend() {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleDemoAccessLists,
      scaffolderModuleGateStandIn,
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
        },
      }),
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

  it('runs offering templates only for the service catalogue, and shows people only their own tasks', async () => {
    // A user may create a task from an offering template, but it stops at
    // the gate step, before anything is provisioned.
    const byGrace = await start(asUser('grace'), 'vpn-access');
    expect(await ended(asUser('grace'), byGrace)).toBe('failed');
    expect(await outcome(asUser('grace'), byGrace)).toEqual({
      steps: { gate: 'failed', grant: 'skipped' },
      error:
        'Unauthorized action: service-catalogue:gate. The action is not allowed.',
    });
    expect(await vpnMembers()).toEqual([]);

    // Nor do the provisioning actions run for a user without the gate.
    const ungated = await start(asUser('grace'), 'vpn-access-ungated');
    expect(await ended(asUser('grace'), ungated)).toBe('failed');
    expect(await outcome(asUser('grace'), ungated)).toEqual({
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

    // The service catalogue's own task runs every step.
    const provisioning = await start(asServiceCatalogue(), 'vpn-access');
    expect(await ended(asServiceCatalogue(), provisioning)).toBe('completed');
    expect(await outcome(asServiceCatalogue(), provisioning)).toEqual({
      steps: { gate: 'completed', grant: 'completed' },
      error: undefined,
    });
    expect(await vpnMembers()).toEqual(['user:default/grace']);

    // grace lists and reads only the tasks she created.
    const listed = await request(server)
      .get('/api/scaffolder/v2/tasks')
      .set('Authorization', asUser('grace'));
    expect(listed.status).toBe(200);
    expect(listed.body.tasks.map((t: { id: string }) => t.id).sort()).toEqual(
      [byGrace, ungated, hello].sort(),
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
      [byGrace, ungated, hello, franks, provisioning].sort(),
    );
    const read = await request(server)
      .get(`/api/scaffolder/v2/tasks/${provisioning}`)
      .set('Authorization', asUser('carol'));
    expect(read.status).toBe(200);
  });

  it('does not provision again when an administrator retries the service catalogue’s task', async () => {
    const provisioning = await start(
      asServiceCatalogue(),
      'vpn-access',
      'user:default/frank',
    );
    expect(await ended(asServiceCatalogue(), provisioning)).toBe('completed');
    expect(await vpnMembers()).toContain('user:default/frank');
    await new AccessListFiles(directory.path).remove(
      'corp-vpn',
      'user:default/frank',
    );

    // A retry runs the task again with the credentials of whoever retried.
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
  });
});
