import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderServiceRef } from '@backstage/plugin-scaffolder-node';
import { scaffolderServiceMock } from '@backstage/plugin-scaffolder-node/testUtils';
import {
  GATE_ACTION_ID,
  TaskMarker,
} from '@service-catalogue/plugin-service-catalogue-common';
import scaffolderModuleServiceCatalogue from '@service-catalogue/plugin-scaffolder-backend-module-service-catalogue';
import { TemplateChecks } from '../catalogue/TemplateChecks';
import { ScaffolderError, ScaffolderServiceTasks } from './ScaffolderTasks';

jest.setTimeout(60_000);

const gate = { id: 'gate', action: GATE_ACTION_ID };
const provision = {
  id: 'provision',
  action: 'debug:log',
  input: { message: 'VPN for ${{ parameters.forUser }}' },
};

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
  template('vpn-access', [gate, provision]),
  template('ungated', [provision]),
  template('gated-sometimes', [
    { ...gate, if: '${{ parameters.tunnel === "full" }}' },
    provision,
  ]),
  template('provisions-anyway', [
    gate,
    { ...provision, if: '${{ always() }}' },
  ]),
];

/**
 * The tasks as a backend plugin gets them, next to the real scaffolder with
 * the real gate action, but without the service catalogue backend the gate
 * asks: every task stops at its gate.
 */
async function startScaffolder() {
  let tasks: ScaffolderServiceTasks | undefined;
  await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleServiceCatalogue,
      catalogServiceMock.factory({ entities }),
      createBackendPlugin({
        pluginId: 'service-catalogue',
        register(env) {
          env.registerInit({
            deps: {
              auth: coreServices.auth,
              catalog: catalogServiceRef,
              scaffolder: scaffolderServiceRef,
            },
            async init(deps) {
              tasks = ScaffolderServiceTasks.create({
                ...deps,
                templates: TemplateChecks.create(deps),
              });
            },
          });
        },
      }),
    ],
  });
  return { tasks: tasks! };
}

async function finished(tasks: ScaffolderServiceTasks, taskId: string) {
  for (;;) {
    const status = await tasks.status(taskId);
    if (!['open', 'processing'].includes(status)) {
      return status;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

const marker: TaskMarker = {
  purpose: 'provision',
  requestId: 'b8a4ef1e-0d8a-4a43-9d55-0b0f6f2cbd4a',
  trackingNumber: 'REQ-000042',
  run: 1,
  ticket: 'not-issued',
};

describe('ScaffolderServiceTasks against the scaffolder backend', () => {
  it('starts a task with the values and the marker, and names the step it stopped at', async () => {
    const { tasks } = await startScaffolder();
    const taskId = await tasks.start({
      templateRef: 'template:default/vpn-access',
      values: { tunnel: 'split', forUser: 'user:default/grace' },
      marker,
    });

    expect(await tasks.describe(taskId)).toEqual({
      templateRef: 'template:default/vpn-access',
      values: {
        tunnel: 'split',
        forUser: 'user:default/grace',
        serviceCatalogue: marker,
      },
    });
    // Nobody answers for the gate here, so nothing after it runs.
    expect(await finished(tasks, taskId)).toBe('failed');
    expect(await tasks.failure(taskId)).toEqual({
      stepId: 'gate',
      message: expect.any(String),
    });
  });

  it.each([
    ['does not start with the gate', 'ungated', /first step must be/],
    ['runs the gate only sometimes', 'gated-sometimes', /unconditionally/],
    [
      'provisions after a refused gate',
      'provisions-anyway',
      /would run after a refused gate/,
    ],
  ])(
    'refuses for good to start a template that %s',
    async (_what, name, message) => {
      const { tasks } = await startScaffolder();
      const refusal = await tasks
        .start({
          templateRef: `template:default/${name}`,
          values: { tunnel: 'full', forUser: 'user:default/grace' },
          marker,
        })
        .catch((error: Error) => error);
      expect(refusal).toBeInstanceOf(ScaffolderError);
      expect((refusal as ScaffolderError).permanent).toBe(true);
      expect((refusal as Error).message).toMatch(
        `template:default/${name} may not run`,
      );
      expect((refusal as Error).message).toMatch(message);
    },
  );

  it('refuses for good a template the catalog does not have', async () => {
    const { tasks } = await startScaffolder();
    const refusal = await tasks
      .start({ templateRef: 'template:default/gone', values: {}, marker })
      .catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(ScaffolderError);
    expect((refusal as ScaffolderError).permanent).toBe(true);
  });

  it('passes on the scaffolder’s refusal of values that do not fit the template', async () => {
    const { tasks } = await startScaffolder();
    const refusal = await tasks
      .start({
        templateRef: 'template:default/vpn-access',
        values: { tunnel: 'sideways' },
        marker,
      })
      .catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(ScaffolderError);
    expect((refusal as ScaffolderError).permanent).toBe(true);
    expect((refusal as Error).message).toMatch(/tunnel/);
  });
});

describe('ScaffolderServiceTasks.status of a task someone retried', () => {
  // The events the scaffolder keeps of a task that completed, was retried
  // by a user (it drops the completion and adds `recovered`), and whose
  // retry the gate stopped.
  const log = (stepId: string, status: string) => ({
    type: 'log' as const,
    body: { message: `${stepId} ${status}`, stepId, status },
  });
  const task = (status: 'failed' | 'cancelled' | 'completed') => ({
    id: 'task-1',
    status,
    createdAt: '2026-12-01T10:00:00.000Z',
    spec: {
      apiVersion: 'scaffolder.backstage.io/v1beta3' as const,
      parameters: {},
      output: {},
      steps: [
        { id: 'gate', name: 'Gate', action: GATE_ACTION_ID },
        { id: 'grant', name: 'Grant', action: 'demo:access-list:add' },
      ],
    },
  });
  const tasksWith = (
    status: 'failed' | 'cancelled' | 'completed',
    events: Array<{ type: string; body: object }>,
  ) =>
    ScaffolderServiceTasks.create({
      auth: mockServices.auth(),
      templates: TemplateChecks.create({
        auth: mockServices.auth(),
        catalog: catalogServiceMock(),
      }),
      scaffolder: scaffolderServiceMock.mock({
        getTask: async () => task(status) as any,
        getLogs: async () =>
          events.map((event, id) => ({
            ...event,
            id,
            taskId: 'task-1',
            createdAt: '2026-12-01T10:00:00.000Z',
          })) as any,
      }),
    });

  it('is completed when every step completed before the retry', async () => {
    const tasks = tasksWith('failed', [
      log('gate', 'processing'),
      log('gate', 'completed'),
      log('grant', 'processing'),
      log('grant', 'completed'),
      { type: 'recovered', body: {} },
      log('gate', 'processing'),
      log('gate', 'failed'),
      log('grant', 'skipped'),
    ]);
    expect(await tasks.status('task-1')).toBe('completed');
  });

  it('is completed when a step its condition left out was skipped', async () => {
    const tasks = tasksWith('failed', [
      log('gate', 'completed'),
      log('grant', 'skipped'),
      { type: 'recovered', body: {} },
      log('gate', 'failed'),
    ]);
    expect(await tasks.status('task-1')).toBe('completed');
  });

  it('is failed when the first run failed too, or nobody retried it', async () => {
    expect(
      await tasksWith('failed', [
        log('gate', 'completed'),
        log('grant', 'failed'),
        { type: 'recovered', body: {} },
        log('gate', 'failed'),
      ]).status('task-1'),
    ).toBe('failed');
    expect(
      await tasksWith('cancelled', [
        log('gate', 'completed'),
        log('grant', 'processing'),
      ]).status('task-1'),
    ).toBe('cancelled');
  });
});
