import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { serviceCatalogueServiceRef } from '@service-catalogue/plugin-service-catalogue-node';
import {
  createGateAction,
  createGetOfferingAction,
  createGrantAction,
  createLdapGroupAddMemberAction,
  createLdapGroupRemoveMemberAction,
  createRequestCreateAction,
  createRevokeAction,
} from './actions';
import { LDAP_CONFIG_KEY } from './ldap/LdapDirectory';

/**
 * Scaffolder module that adds the service catalogue's actions, and the LDAP
 * group actions when `serviceCatalogue.ldap` names a directory.
 *
 * @public
 */
export const scaffolderModuleServiceCatalogue = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'service-catalogue',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        scaffolder: scaffolderActionsExtensionPoint,
        serviceCatalogue: serviceCatalogueServiceRef,
      },
      async init({ auth, config, scaffolder, serviceCatalogue }) {
        scaffolder.addActions(
          createGateAction({ serviceCatalogue, auth }),
          createGetOfferingAction({ serviceCatalogue }),
          createRequestCreateAction({ serviceCatalogue }),
          createGrantAction({ serviceCatalogue }),
          createRevokeAction({ serviceCatalogue }),
          ...(config.has(LDAP_CONFIG_KEY)
            ? [
                createLdapGroupAddMemberAction({ config }),
                createLdapGroupRemoveMemberAction({ config }),
              ]
            : []),
        );
      },
    });
  },
});
