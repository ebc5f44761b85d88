import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  DefaultServiceCatalogueService,
  ServiceCatalogueService,
} from './service';

/**
 * The service through which other backend plugins read the service
 * catalogue.
 *
 * @remarks
 *
 * Its default factory talks to the service catalogue backend over HTTP, so
 * a backend only needs the service catalogue backend plugin installed
 * somewhere it can discover.
 *
 * @public
 */
export const serviceCatalogueServiceRef =
  createServiceRef<ServiceCatalogueService>({
    id: 'service-catalogue.service',
    scope: 'plugin',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          auth: coreServices.auth,
          discovery: coreServices.discovery,
        },
        factory({ auth, discovery }) {
          return DefaultServiceCatalogueService.create({ auth, discovery });
        },
      }),
  });
