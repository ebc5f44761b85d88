import { mockCredentials } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';
import yaml from 'yaml';
import { createGetOfferingAction } from './getOffering';
import { examples } from './getOffering.examples';
import { mockServiceCatalogue } from '../__testUtils__/actions';

describe('service-catalogue:offering:get', () => {
  const vpnAccess: OfferingSummary = {
    entityRef: 'offering:default/vpn-access',
    name: 'vpn-access',
    namespace: 'default',
    title: 'VPN access',
    category: 'access/network',
    owner: 'group:default/platform-team',
    target: 'resource:default/corp-vpn',
    requestMode: 'self-service',
    fulfilment: 'automatic',
    grant: { duration: 'P90D' },
    tags: ['network'],
  };
  const adminRights: OfferingSummary = {
    entityRef: 'offering:it/admin-rights',
    name: 'admin-rights',
    namespace: 'it',
    title: 'Local admin rights',
    category: 'access',
    owner: 'group:it/desk',
    requestMode: 'delegated',
    fulfilment: 'manual',
    tags: [],
  };

  const serviceCatalogue = mockServiceCatalogue();
  const action = createGetOfferingAction({ serviceCatalogue });

  beforeEach(() => {
    jest.resetAllMocks();
    serviceCatalogue.getOffering.mockImplementation(async ({ entityRef }) =>
      [vpnAccess, adminRights].find(
        offering =>
          typeof entityRef === 'object' &&
          offering.namespace === entityRef.namespace &&
          offering.name === entityRef.name,
      ),
    );
  });

  it('outputs what templates branch on', async () => {
    const ctx = createMockActionContext({
      input: { offering: 'offering:default/vpn-access' },
    });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('title', 'VPN access');
    expect(ctx.output).toHaveBeenCalledWith(
      'owner',
      'group:default/platform-team',
    );
    expect(ctx.output).toHaveBeenCalledWith('category', 'access/network');
    expect(ctx.output).toHaveBeenCalledWith(
      'target',
      'resource:default/corp-vpn',
    );
    expect(ctx.output).toHaveBeenCalledWith('requestMode', 'self-service');
    expect(ctx.output).toHaveBeenCalledWith('fulfilment', 'automatic');
    expect(ctx.output).toHaveBeenCalledWith('grantDuration', 'P90D');
  });

  it('outputs empty strings for what the offering leaves out', async () => {
    const ctx = createMockActionContext({
      input: { offering: 'offering:it/admin-rights' },
    });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('target', '');
    expect(ctx.output).toHaveBeenCalledWith('grantDuration', '');
  });

  it('defaults the kind and the namespace of a bare name', async () => {
    const ctx = createMockActionContext({ input: { offering: 'vpn-access' } });

    await action.handler(ctx);

    expect(serviceCatalogue.getOffering).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: {
          kind: 'Offering',
          namespace: 'default',
          name: 'vpn-access',
        },
      }),
    );
    expect(ctx.output).toHaveBeenCalledWith('title', 'VPN access');
  });

  it('reads the offering with the credentials of the initiator', async () => {
    const initiator = mockCredentials.user('user:default/bob');
    const ctx = {
      ...createMockActionContext({ input: { offering: 'vpn-access' } }),
      getInitiatorCredentials: async () => initiator,
    };

    await action.handler(ctx);

    expect(serviceCatalogue.getOffering).toHaveBeenCalledWith(
      expect.objectContaining({ credentials: initiator }),
    );
  });

  it('throws NotFoundError naming the offering it could not read', async () => {
    const ctx = createMockActionContext({ input: { offering: 'hidden' } });

    const result = action.handler(ctx);

    await expect(result).rejects.toThrow(NotFoundError);
    await expect(result).rejects.toThrow(
      'Offering offering:default/hidden does not exist or is not visible to the initiator of this task',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('refuses a ref of another kind before reading anything', async () => {
    const ctx = createMockActionContext({
      input: { offering: 'component:default/vpn-access' },
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      "Expected a ref of kind Offering in input offering, got 'component:default/vpn-access'",
    );
    expect(serviceCatalogue.getOffering).not.toHaveBeenCalled();
  });

  it('refuses a malformed ref', async () => {
    const ctx = createMockActionContext({
      input: { offering: 'offering:default/' },
    });

    await expect(action.handler(ctx)).rejects.toThrow(
      "Invalid offering ref 'offering:default/'",
    );
  });

  it('supports dry runs', () => {
    expect(action.supportsDryRun).toBe(true);
  });

  it.each(examples.map(example => [example.description, example.example]))(
    'runs the example: %s',
    async (_description, example) => {
      const { steps } = yaml.parse(example);
      const ctx = createMockActionContext({ input: steps[0].input });

      await action.handler(ctx);

      expect(steps[0].action).toBe(action.id);
      expect(ctx.output).toHaveBeenCalledWith('title', expect.any(String));
    },
  );
});
