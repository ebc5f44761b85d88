import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createGateAction } from './gate';
import { examples } from './gate.examples';
import { mockServiceCatalogue } from '../__testUtils__/actions';

describe('service-catalogue:gate', () => {
  const serviceCatalogue = mockServiceCatalogue();
  const scaffolderCredentials = mockCredentials.service('plugin:scaffolder');
  const auth = {
    getOwnServiceCredentials: jest.fn(async () => scaffolderCredentials),
  };
  const action = createGateAction({ serviceCatalogue, auth: auth as any });

  beforeEach(() => {
    serviceCatalogue.checkGate.mockReset();
  });

  it("asks the backend, as the scaffolder, about the task and who created it, and lets a task of the service catalogue's through", async () => {
    serviceCatalogue.checkGate.mockResolvedValue({
      allowed: true,
      purpose: 'provision',
      trackingNumber: 'REQ-000042',
      forUser: 'user:default/grace',
    });
    const ctx = {
      ...createMockActionContext({ input: {}, task: { id: 'task-7' } }),
      getInitiatorCredentials: async () =>
        mockCredentials.service('plugin:service-catalogue'),
    };

    await action.handler(ctx);

    expect(serviceCatalogue.checkGate).toHaveBeenCalledWith({
      credentials: scaffolderCredentials,
      taskId: 'task-7',
      initiator: { type: 'service', subject: 'plugin:service-catalogue' },
    });
    expect(ctx.output).toHaveBeenCalledWith('trackingNumber', 'REQ-000042');
    expect(ctx.output).toHaveBeenCalledWith('forUser', 'user:default/grace');
  });

  it('fails the task with the reason when the backend refuses', async () => {
    serviceCatalogue.checkGate.mockResolvedValue({
      allowed: false,
      reason: 'only the service catalogue may run this template',
    });
    const ctx = {
      ...createMockActionContext({ input: {} }),
      getInitiatorCredentials: async () =>
        mockCredentials.user('user:default/grace'),
    };

    const failure = await action.handler(ctx).catch(error => error);

    expect(failure).toBeInstanceOf(NotAllowedError);
    expect(failure.message).toMatch(
      /gate stopped this task: only the service catalogue may run this template/,
    );
    expect(serviceCatalogue.checkGate).toHaveBeenCalledWith(
      expect.objectContaining({
        initiator: { type: 'user', userEntityRef: 'user:default/grace' },
      }),
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('lets nothing through when the backend cannot be asked', async () => {
    serviceCatalogue.checkGate.mockRejectedValue(new Error('ECONNREFUSED'));
    const ctx = createMockActionContext({ input: {} });
    await expect(action.handler(ctx)).rejects.toThrow('ECONNREFUSED');
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it.each(examples.map(example => [example.description, example.example]))(
    'runs the example: %s',
    async (_description, example) => {
      serviceCatalogue.checkGate.mockResolvedValue({
        allowed: true,
        purpose: 'provision',
        trackingNumber: 'REQ-000001',
        forUser: 'user:default/grace',
      });
      const { steps } = yaml.parse(example);
      expect(steps[0].action).toBe(action.id);
      const ctx = createMockActionContext({ input: steps[0].input ?? {} });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('trackingNumber', 'REQ-000001');
    },
  );
});
