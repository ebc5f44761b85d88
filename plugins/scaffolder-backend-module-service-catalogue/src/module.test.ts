import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
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
      checkGate: jest.fn(),
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
      'service-catalogue:gate',
      'service-catalogue:offering:get',
      'service-catalogue:request:create',
      'service-catalogue:grant',
      'service-catalogue:revoke',
    ]);

    // Running the registered action proves it got the service from the
    // backend rather than one of its own.
    const ctx = createMockActionContext({ input: { offering: 'vpn-access' } });
    await actions[1].handler(ctx);
    expect(serviceCatalogue.getOffering).toHaveBeenCalledWith({
      entityRef: { kind: 'Offering', namespace: 'default', name: 'vpn-access' },
      credentials: mockCredentials.user(),
    });
  });

  describe('with an LDAP directory in serviceCatalogue.ldap', () => {
    const ldap = {
      url: 'ldap://127.0.0.1:3890',
      bindDn: 'cn=admin,dc=acme,dc=example',
      bindPassword: 'admin',
      groupsBaseDn: 'ou=groups,dc=acme,dc=example',
      peopleBaseDn: 'ou=people,dc=acme,dc=example',
    };

    async function actionIdsWith(data: JsonObject) {
      const addActions = jest.fn<void, TemplateAction<any, any, any>[]>();
      await startTestBackend({
        extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
        features: [
          scaffolderModuleServiceCatalogue,
          mockServices.rootConfig.factory({ data }),
          createServiceFactory({
            service: serviceCatalogueServiceRef,
            deps: {},
            factory: () => ({} as ServiceCatalogueService),
          }),
        ],
      });
      return addActions.mock.calls.flat().map(action => action.id);
    }

    it('registers the LDAP group actions too', async () => {
      await expect(
        actionIdsWith({ serviceCatalogue: { ldap } }),
      ).resolves.toEqual([
        'service-catalogue:gate',
        'service-catalogue:offering:get',
        'service-catalogue:request:create',
        'service-catalogue:grant',
        'service-catalogue:revoke',
        'ldap:group:add-member',
        'ldap:group:remove-member',
      ]);
    });

    it('registers no LDAP actions without it', async () => {
      await expect(
        actionIdsWith({ serviceCatalogue: { desk: { groups: [] } } }),
      ).resolves.not.toContain('ldap:group:add-member');
    });

    it('refuses to start when it lacks the groups base', async () => {
      const { groupsBaseDn, ...incomplete } = ldap;
      await expect(
        actionIdsWith({ serviceCatalogue: { ldap: incomplete } }),
      ).rejects.toThrow(
        "Missing required config value at 'serviceCatalogue.ldap.groupsBaseDn'",
      );
    });
  });
});
