import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ServiceCatalogueClient, serviceCatalogueApiRef } from './api';
import {
  approvalsRouteRef,
  offeringRouteRef,
  requestRouteRef,
  requestsRouteRef,
  rootRouteRef,
} from './routes';

/**
 * The service catalogue plugin, for the legacy frontend system.
 *
 * @public
 */
export const serviceCataloguePlugin = createPlugin({
  id: 'service-catalogue',
  routes: {
    root: rootRouteRef,
    offering: offeringRouteRef,
    requests: requestsRouteRef,
    request: requestRouteRef,
    approvals: approvalsRouteRef,
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
 * The service catalogue's pages: the catalogue at the mount point, and below
 * it `offerings/:namespace/:name`, `requests`, `requests/:requestId` and
 * `approvals`. Mount it at a path ending in `/*` so the nested pages match,
 * such as `<Route path="/service-catalogue/*" element={<ServiceCataloguePage />} />`;
 * the app's `FlatRoutes` does so itself.
 *
 * @public
 */
export const ServiceCataloguePage = serviceCataloguePlugin.provide(
  createRoutableExtension({
    name: 'ServiceCataloguePage',
    component: () => import('./components/Router').then(m => m.Router),
    mountPoint: rootRouteRef,
  }),
);
