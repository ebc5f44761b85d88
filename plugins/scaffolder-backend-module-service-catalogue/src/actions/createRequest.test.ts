import { mockCredentials } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonValue } from '@backstage/types';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueService } from '@service-catalogue/plugin-service-catalogue-node';
import yaml from 'yaml';
import { createRequestCreateAction } from './createRequest';
import { examples } from './createRequest.examples';

describe('service-catalogue:request:create', () => {
  const created = (n: number): ServiceRequest =>
    ({
      id: `id-${n}`,
      trackingNumber: `REQ-00000${n}`,
      state: 'PENDING_APPROVAL',
    } as ServiceRequest);

  const serviceCatalogue: jest.Mocked<ServiceCatalogueService> = {
    listCategories: jest.fn(),
    listOfferings: jest.fn(),
    getOffering: jest.fn(),
    submitRequest: jest.fn(),
    listGrants: jest.fn(),
    recordGrant: jest.fn(),
    revokeGrant: jest.fn(),
  };
  const action = createRequestCreateAction({ serviceCatalogue });

  beforeEach(() => {
    jest.resetAllMocks();
    let n = 0;
    serviceCatalogue.submitRequest.mockImplementation(async () => created(++n));
  });

  it('raises the request for a colleague as the user who runs the template', async () => {
    const ctx = createMockActionContext({
      input: {
        offering: 'offering:default/figma-licence',
        forUser: 'user:default/grace',
        values: { seat: 'editor' },
      },
    });
    await action.handler(ctx);

    expect(serviceCatalogue.submitRequest).toHaveBeenCalledWith({
      credentials: mockCredentials.user(),
      offeringRef: 'offering:default/figma-licence',
      forUser: 'user:default/grace',
      formValues: { seat: 'editor' },
    });
    expect(ctx.output).toHaveBeenCalledWith('trackingNumber', 'REQ-000001');
    expect(ctx.output).toHaveBeenCalledWith('state', 'PENDING_APPROVAL');
  });

  it('reads a bare name as an Offering in the default namespace', async () => {
    await action.handler(
      createMockActionContext({ input: { offering: 'vpn-access' } }),
    );
    expect(serviceCatalogue.submitRequest).toHaveBeenCalledWith(
      expect.objectContaining({
        offeringRef: 'offering:default/vpn-access',
        formValues: {},
      }),
    );
  });

  it('raises one request when the task is retried after raising it', async () => {
    // The scaffolder keeps checkpoints with the task, across retries.
    const checkpoints = new Map<string, JsonValue | void>();
    const ctx = {
      ...createMockActionContext({
        input: { offering: 'vpn-access', forUser: 'user:default/grace' },
      }),
      async checkpoint<T extends JsonValue | void>(opts: {
        key: string;
        fn: () => Promise<T> | T;
      }): Promise<T> {
        if (!checkpoints.has(opts.key)) {
          checkpoints.set(opts.key, await opts.fn());
        }
        return checkpoints.get(opts.key) as T;
      },
    };
    await action.handler(ctx);
    await action.handler(ctx);
    expect(serviceCatalogue.submitRequest).toHaveBeenCalledTimes(1);
    expect(ctx.output).toHaveBeenLastCalledWith('state', 'PENDING_APPROVAL');
    expect(ctx.output).toHaveBeenCalledWith('trackingNumber', 'REQ-000001');
  });

  it('passes on the backend’s refusal', async () => {
    serviceCatalogue.submitRequest.mockRejectedValue(
      new InputError('The form values do not match the form: seat is required'),
    );
    await expect(
      action.handler(
        createMockActionContext({ input: { offering: 'figma-licence' } }),
      ),
    ).rejects.toThrow('seat is required');
  });

  it.each(examples.map(example => [example.description, example.example]))(
    'runs the example: %s',
    async (_description, example) => {
      const { steps } = yaml.parse(example);
      const ctx = createMockActionContext({ input: steps[0].input });
      await action.handler(ctx);
      expect(serviceCatalogue.submitRequest).toHaveBeenCalledWith(
        expect.objectContaining({
          offeringRef: expect.stringMatching(/^offering:default\//),
          formValues: steps[0].input.values,
        }),
      );
      expect(ctx.output).toHaveBeenCalledWith('trackingNumber', 'REQ-000001');
    },
  );
});
