import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ServiceCatalogueClient, serviceCatalogueApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * The service catalogue plugin, for the legacy frontend system.
 *
 * @public
 */
export const serviceCataloguePlugin = createPlugin({
  id: 'service-catalogue',
  routes: {
    root: rootRouteRef,
  },
  apis: [
    createApiFactory({
      api: serviceCatalogueApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ServiceCatalogueClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The catalogue page: offerings by category, with a keyword search.
 *
 * @public
 */
export const ServiceCataloguePage = serviceCataloguePlugin.provide(
  createRoutableExtension({
    name: 'ServiceCataloguePage',
    component: () =>
      import('./components/CataloguePage').then(m => m.CataloguePage),
    mountPoint: rootRouteRef,
  }),
);
