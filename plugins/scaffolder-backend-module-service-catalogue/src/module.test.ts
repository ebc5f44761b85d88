import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  ServiceCatalogueService,
  serviceCatalogueServiceRef,
} from '@service-catalogue/plugin-service-catalogue-node';
import { scaffolderModuleServiceCatalogue } from './module';

describe('scaffolderModuleServiceCatalogue', () => {
  it('registers the actions, wired to the service catalogue service', async () => {
    const addActions = jest.fn<void, TemplateAction<any, any, any>[]>();
    const serviceCatalogue: jest.Mocked<ServiceCatalogueService> = {
      listCategories: jest.fn(),
      listOfferings: jest.fn(),
      getOffering: jest.fn().mockResolvedValue({
        entityRef: 'offering:default/vpn-access',
        name: 'vpn-access',
        namespace: 'default',
        title: 'VPN access',
        category: 'access',
        owner: 'group:default/platform-team',
        requestMode: 'self-service',
        fulfilment: 'automatic',
        tags: [],
      }),
      submitRequest: jest.fn(),
      listGrants: jest.fn(),
      recordGrant: jest.fn(),
      revokeGrant: jest.fn(),
    };

    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleServiceCatalogue,
        createServiceFactory({
          service: serviceCatalogueServiceRef,
          deps: {},
          factory: () => serviceCatalogue,
        }),
      ],
    });

    expect(addActions).toHaveBeenCalledTimes(1);
    const actions = addActions.mock.calls[0];
    expect(actions.map(action => action.id)).toEqual([
      'service-catalogue:offering:get',
      'service-catalogue:request:create',
      'service-catalogue:grant',
      'service-catalogue:revoke',
    ]);

    // Running the registered action proves it got the service from the
    // backend rather than one of its own.
    const ctx = createMockActionContext({ input: { offering: 'vpn-access' } });
    await actions[0].handler(ctx);
    expect(serviceCatalogue.getOffering).toHaveBeenCalledWith({
      entityRef: { kind: 'Offering', namespace: 'default', name: 'vpn-access' },
      credentials: mockCredentials.user(),
    });
  });
});
