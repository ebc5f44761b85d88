import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ldapOrgEntityProviderTransformsExtensionPoint } from '@backstage/plugin-catalog-backend-module-ldap';
import { createManagerUserTransformer } from './managerUserTransformer';

/** Where the service catalogue looks for a user's manager by default. */
const DEFAULT_MANAGER_ANNOTATION = 'service-catalogue.io/manager';

/**
 * Gives the Users the LDAP provider reads their manager, from the
 * directory's `manager` attribute, in the annotation the service catalogue
 * routes `manager` approvals by (`serviceCatalogue.approvals.managerAnnotation`).
 * It changes nothing while no `catalog.providers.ldapOrg` is configured, as
 * the provider then reads nothing.
 *
 * @internal
 */
export const catalogModuleDirectoryManagers = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'directory-managers',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        ldap: ldapOrgEntityProviderTransformsExtensionPoint,
      },
      async init({ config, ldap }) {
        ldap.setUserTransformer(
          createManagerUserTransformer({
            annotation:
              config.getOptionalString(
                'serviceCatalogue.approvals.managerAnnotation',
              ) ?? DEFAULT_MANAGER_ANNOTATION,
          }),
        );
      },
    });
  },
});
