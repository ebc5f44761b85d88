import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { serviceCatalogueServiceRef } from '@service-catalogue/plugin-service-catalogue-node';
import {
  createGetOfferingAction,
  createGrantAction,
  createRequestCreateAction,
  createRevokeAction,
} from './actions';

/**
 * Scaffolder module that adds the service catalogue's actions.
 *
 * @public
 */
export const scaffolderModuleServiceCatalogue = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'service-catalogue',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        serviceCatalogue: serviceCatalogueServiceRef,
      },
      async init({ scaffolder, serviceCatalogue }) {
        scaffolder.addActions(
          createGetOfferingAction({ serviceCatalogue }),
          createRequestCreateAction({ serviceCatalogue }),
          createGrantAction({ serviceCatalogue }),
          createRevokeAction({ serviceCatalogue }),
        );
      },
    });
  },
});
