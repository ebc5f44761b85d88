import { mockCredentials } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import yaml from 'yaml';
import { createGrantAction } from './grant';
import { examples } from './grant.examples';
import {
  mockServiceCatalogue,
  retriedActionContext,
} from '../__testUtils__/actions';

describe('service-catalogue:grant', () => {
  const serviceCatalogue = mockServiceCatalogue();
  const action = createGrantAction({ serviceCatalogue });
  const grant = {
    id: 'grant-1',
    trackingNumber: 'REQ-000007',
    expiresAt: '2027-06-30T17:00:00.000Z',
  } as Grant;

  beforeEach(() => {
    jest.resetAllMocks();
    serviceCatalogue.recordGrant.mockResolvedValue({ grant, created: true });
  });

  it('records the access as the user who runs the template', async () => {
    const ctx = createMockActionContext({
      input: {
        offering: 'figma-licence',
        holder: 'user:default/grace',
        reason: 'from the desk pool',
      },
    });
    await action.handler(ctx);

    expect(serviceCatalogue.recordGrant).toHaveBeenCalledWith({
      credentials: mockCredentials.user(),
      offeringRef: 'offering:default/figma-licence',
      holderRef: 'user:default/grace',
      reason: 'from the desk pool',
    });
    expect(ctx.output).toHaveBeenCalledWith('grantId', 'grant-1');
    expect(ctx.output).toHaveBeenCalledWith('trackingNumber', 'REQ-000007');
    expect(ctx.output).toHaveBeenCalledWith(
      'expiresAt',
      '2027-06-30T17:00:00.000Z',
    );
    expect(ctx.output).toHaveBeenCalledWith('created', true);
  });

  it('records for the user who runs the template when no holder is named', async () => {
    const ctx = createMockActionContext({
      input: { offering: 'vpn-access' },
      user: { ref: 'user:default/leo' },
    });
    await action.handler(ctx);
    expect(serviceCatalogue.recordGrant).toHaveBeenCalledWith(
      expect.objectContaining({ holderRef: 'user:default/leo' }),
    );
  });

  it('refuses to guess a holder when nobody runs the template', async () => {
    await expect(
      action.handler(createMockActionContext({ input: { offering: 'x' } })),
    ).rejects.toThrow('Input holder is required');
    expect(serviceCatalogue.recordGrant).not.toHaveBeenCalled();
  });

  it('records once when the task is retried', async () => {
    const ctx = retriedActionContext({
      input: { offering: 'vpn-access', holder: 'user:default/grace' },
    });
    await action.handler(ctx);
    await action.handler(ctx);
    expect(serviceCatalogue.recordGrant).toHaveBeenCalledTimes(1);
    expect(ctx.output).toHaveBeenLastCalledWith('created', true);
  });

  it('passes on the backend’s refusal', async () => {
    serviceCatalogue.recordGrant.mockRejectedValue(
      new InputError('A mouse is a one-off service and leaves no grant'),
    );
    await expect(
      action.handler(
        createMockActionContext({
          input: { offering: 'mouse', holder: 'user:default/grace' },
        }),
      ),
    ).rejects.toThrow('one-off service');
  });

  it.each(examples.map(example => [example.description, example.example]))(
    'runs the example: %s',
    async (_description, example) => {
      const { steps } = yaml.parse(example);
      const ctx = createMockActionContext({
        input: steps[0].input,
        user: { ref: 'user:default/desmond' },
      });
      await action.handler(ctx);
      expect(serviceCatalogue.recordGrant).toHaveBeenCalledWith(
        expect.objectContaining({
          offeringRef: expect.stringMatching(/^offering:default\//),
          holderRef: steps[0].input.holder ?? 'user:default/desmond',
        }),
      );
      expect(ctx.output).toHaveBeenCalledWith('grantId', 'grant-1');
    },
  );
});
