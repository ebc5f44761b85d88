import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { OfferingEntitiesProcessor } from './processor';

/**
 * Catalog module that adds the service catalogue's Offering kind to the
 * catalog.
 *
 * @public
 */
export const catalogModuleServiceCatalogue = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'service-catalogue',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addProcessor(new OfferingEntitiesProcessor());
      },
    });
  },
});
