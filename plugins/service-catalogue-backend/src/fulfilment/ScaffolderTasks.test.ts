import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  HttpScaffolderTasks,
  ScaffolderError,
  TaskMarker,
} from './ScaffolderTasks';

jest.setTimeout(60_000);

const template = (name: string, steps: JsonObject[]): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service-catalogue',
    owner: 'group:default/platform-team',
    parameters: [
      {
        required: ['tunnel'],
        properties: {
          forUser: { type: 'string' },
          tunnel: { type: 'string', enum: ['split', 'full'] },
        },
      },
    ],
    steps,
  },
});

const entities = [
  template('vpn-access', [
    {
      id: 'provision',
      action: 'debug:log',
      input: { message: 'VPN for ${{ parameters.forUser }}' },
    },
  ]),
  template('broken', [
    {
      id: 'escape',
      action: 'fs:delete',
      input: { files: ['../outside-the-workspace'] },
    },
  ]),
];

/** The client, built with the deps a backend plugin gets, next to the real scaffolder. */
async function startScaffolder(): Promise<HttpScaffolderTasks> {
  let tasks: HttpScaffolderTasks | undefined;
  await startTestBackend({
    features: [
      scaffolderPlugin,
      catalogServiceMock.factory({ entities }),
      createBackendPlugin({
        pluginId: 'service-catalogue',
        register(env) {
          env.registerInit({
            deps: {
              discovery: coreServices.discovery,
              auth: coreServices.auth,
            },
            async init(deps) {
              tasks = HttpScaffolderTasks.create(deps);
            },
          });
        },
      }),
    ],
  });
  return tasks!;
}

async function finished(tasks: HttpScaffolderTasks, taskId: string) {
  for (;;) {
    const status = await tasks.status(taskId);
    if (!['open', 'processing'].includes(status)) {
      return status;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

const marker = (run: number): TaskMarker => ({
  purpose: 'provision',
  requestId: 'b8a4ef1e-0d8a-4a43-9d55-0b0f6f2cbd4a',
  trackingNumber: 'REQ-000042',
  run,
});

describe('HttpScaffolderTasks against the scaffolder backend', () => {
  it('starts a task with service credentials, finds it by its marker, and sees it complete', async () => {
    const tasks = await startScaffolder();
    const since = new Date(Date.now() - 1000);
    const taskId = await tasks.start({
      templateRef: 'template:default/vpn-access',
      values: { tunnel: 'split', forUser: 'user:default/grace' },
      marker: marker(1),
    });

    expect(await tasks.find({ marker: marker(1), since })).toBe(taskId);
    expect(await tasks.find({ marker: marker(2), since })).toBeUndefined();
    expect(await finished(tasks, taskId)).toBe('completed');
  });

  it('names the failing step and the scaffolder’s message', async () => {
    const tasks = await startScaffolder();
    const taskId = await tasks.start({
      templateRef: 'template:default/broken',
      values: { tunnel: 'full' },
      marker: marker(1),
    });
    expect(await finished(tasks, taskId)).toBe('failed');
    expect(await tasks.failure(taskId)).toEqual({
      stepId: 'escape',
      message: expect.stringMatching(/outside/),
    });
  });

  it('passes on the scaffolder’s refusal of values that do not fit the template', async () => {
    const tasks = await startScaffolder();
    const refusal = await tasks
      .start({
        templateRef: 'template:default/vpn-access',
        values: { tunnel: 'sideways' },
        marker: marker(1),
      })
      .catch(error => error);
    expect(refusal).toBeInstanceOf(ScaffolderError);
    expect(refusal.permanent).toBe(true);
    expect(refusal.message).toMatch(/tunnel/);
  });
});
