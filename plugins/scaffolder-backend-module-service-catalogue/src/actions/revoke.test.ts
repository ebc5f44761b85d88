import { mockCredentials } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import yaml from 'yaml';
import { createRevokeAction } from './revoke';
import { examples } from './revoke.examples';
import {
  mockServiceCatalogue,
  retriedActionContext,
} from '../__testUtils__/actions';

/** The error the backend answers with, as the service passes it on. */
function backendError(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

describe('service-catalogue:revoke', () => {
  const serviceCatalogue = mockServiceCatalogue();
  const action = createRevokeAction({ serviceCatalogue });

  beforeEach(() => {
    jest.resetAllMocks();
    serviceCatalogue.listGrants.mockResolvedValue([{ id: 'g1' } as Grant]);
    serviceCatalogue.revokeGrant.mockImplementation(
      async ({ grantId }) => ({ id: grantId, state: 'revoking' } as Grant),
    );
  });

  it('ends the active access of a holder to an offering', async () => {
    const ctx = createMockActionContext({
      input: {
        offering: 'figma-licence',
        holder: 'user:default/grace',
        reason: 'left the design guild',
      },
    });
    await action.handler(ctx);

    expect(serviceCatalogue.listGrants).toHaveBeenCalledWith({
      credentials: mockCredentials.user(),
      holderRef: 'user:default/grace',
      offeringRef: 'offering:default/figma-licence',
      state: ['active'],
    });
    expect(serviceCatalogue.revokeGrant).toHaveBeenCalledWith({
      credentials: mockCredentials.user(),
      grantId: 'g1',
      reason: 'left the design guild',
    });
    expect(ctx.output).toHaveBeenCalledWith('revokedGrantIds', ['g1']);
  });

  it('ends a grant named by its id', async () => {
    const ctx = createMockActionContext({ input: { grantId: 'g9' } });
    await action.handler(ctx);
    expect(serviceCatalogue.listGrants).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('revokedGrantIds', ['g9']);
  });

  it('leaves access that already ended alone, and a holder without access', async () => {
    serviceCatalogue.revokeGrant.mockRejectedValue(
      await backendError(
        409,
        'ConflictError',
        'VPN access of user:default/grace has already ended',
      ),
    );
    const ctx = createMockActionContext({ input: { grantId: 'g1' } });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('revokedGrantIds', []);

    serviceCatalogue.listGrants.mockResolvedValue([]);
    const none = createMockActionContext({
      input: { offering: 'vpn-access', holder: 'user:default/leo' },
    });
    await action.handler(none);
    expect(none.output).toHaveBeenCalledWith('revokedGrantIds', []);
  });

  it('passes on other refusals', async () => {
    serviceCatalogue.revokeGrant.mockRejectedValue(
      await backendError(404, 'NotFoundError', 'No grant g1'),
    );
    await expect(
      action.handler(createMockActionContext({ input: { grantId: 'g1' } })),
    ).rejects.toMatchObject({
      statusCode: 404,
      body: { error: { message: 'No grant g1' } },
    });
  });

  it('refuses input that names no access', async () => {
    await expect(
      action.handler(createMockActionContext({ input: { reason: 'why' } })),
    ).rejects.toThrow('Name the access to end');
    await expect(
      action.handler(createMockActionContext({ input: { offering: 'vpn' } })),
    ).rejects.toThrow('Input holder is required');
  });

  it('ends the access once when the task is retried', async () => {
    const ctx = retriedActionContext({
      input: { offering: 'vpn-access', holder: 'user:default/grace' },
    });
    await action.handler(ctx);
    // By now the grant is revoking and no longer listed as active.
    serviceCatalogue.listGrants.mockResolvedValue([]);
    await action.handler(ctx);
    expect(serviceCatalogue.revokeGrant).toHaveBeenCalledTimes(1);
    expect(ctx.output).toHaveBeenLastCalledWith('revokedGrantIds', ['g1']);
  });

  it.each(examples.map(example => [example.description, example.example]))(
    'runs the example: %s',
    async (_description, example) => {
      const { steps } = yaml.parse(example);
      const ctx = createMockActionContext({ input: steps[0].input });
      await action.handler(ctx);
      expect(serviceCatalogue.revokeGrant).toHaveBeenCalledTimes(1);
      expect(ctx.output).toHaveBeenCalledWith('revokedGrantIds', [
        steps[0].input.grantId ?? 'g1',
      ]);
    },
  );
});
