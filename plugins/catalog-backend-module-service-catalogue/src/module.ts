import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  OfferingEntitiesProcessor,
  OfferingTemplateProcessor,
  UserChangeProcessor,
} from './processor';

/**
 * Catalog module that adds the service catalogue's Offering kind to the
 * catalog, reports offering templates that skip the approval gate, and tells the service catalogue when a user's groups change.
 *
 * @public
 */
export const catalogModuleServiceCatalogue = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'service-catalogue',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        events: eventsServiceRef,
      },
      async init({ catalog, events }) {
        catalog.addProcessor(
          new OfferingEntitiesProcessor(),
          new OfferingTemplateProcessor(),
          new UserChangeProcessor(events),
        );
      },
    });
  },
});
