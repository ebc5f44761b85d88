import { mockCredentials } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import yaml from 'yaml';
import { createRequestCreateAction } from './createRequest';
import { examples } from './createRequest.examples';
import {
  mockServiceCatalogue,
  retriedActionContext,
} from '../__testUtils__/actions';

describe('service-catalogue:request:create', () => {
  const created = (n: number): ServiceRequest =>
    ({
      id: `id-${n}`,
      trackingNumber: `REQ-00000${n}`,
      state: 'PENDING_APPROVAL',
    } as ServiceRequest);

  const serviceCatalogue = mockServiceCatalogue();
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
    const ctx = retriedActionContext({
      input: { offering: 'vpn-access', forUser: 'user:default/grace' },
    });
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
