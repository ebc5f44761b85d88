import { JSX } from 'react';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  CardExtensionProps,
  createCardExtension,
} from '@backstage/plugin-home-react';
import { ServiceCatalogueClient, serviceCatalogueApiRef } from './api';
import {
  accessRouteRef,
  approvalsRouteRef,
  deskRouteRef,
  reportsRouteRef,
  reviewCampaignRouteRef,
  reviewsRouteRef,
  offeringRouteRef,
  requestRouteRef,
  requestsRouteRef,
  rootRouteRef,
  scaffolderTaskRouteRef,
} from './routes';
import type { ServiceCatalogueHomeCardProps } from './components/HomeCard';
import { homeCardParts } from './homeCard';

/**
 * The service catalogue plugin, for the legacy frontend system.
 *
 * @remarks
 *
 * Bind its external route `scaffolderTask` to the scaffolder's
 * `ongoingTask` in the app's `bindRoutes` for the request page to link a
 * request's provisioning task.
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
    access: accessRouteRef,
    desk: deskRouteRef,
    reports: reportsRouteRef,
    reviews: reviewsRouteRef,
    reviewCampaign: reviewCampaignRouteRef,
  },
  externalRoutes: {
    scaffolderTask: scaffolderTaskRouteRef,
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
 * it `offerings/:namespace/:name`, `requests`, `requests/:requestId`,
 * `approvals`, `access`, `desk`, `reports`, `reviews` and
 * `reviews/campaigns/:campaignId`. Mount it at a path ending in `/*` so the nested
 * pages match, such as `<Route path="/service-catalogue/*" element={<ServiceCataloguePage />} />`;
 * the app's `FlatRoutes` does so itself.
 *
 * @public
 */
export const ServiceCataloguePage: () => JSX.Element =
  serviceCataloguePlugin.provide(
    createRoutableExtension({
      name: 'ServiceCataloguePage',
      component: () => import('./components/Router').then(m => m.Router),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * The Access tab of catalog entities, for the legacy frontend system: the
 * offerings that give access to the entity, the viewer's access and open
 * requests, and, for the offerings' owners, who holds access. Add it to the
 * entity pages of the kinds offerings target, such as
 * `<EntityLayout.Route path="/access" title="Access"><EntityAccessContent /></EntityLayout.Route>`.
 *
 * @public
 */
export const EntityAccessContent: () => JSX.Element =
  serviceCataloguePlugin.provide(
    createComponentExtension({
      name: 'EntityAccessContent',
      component: {
        lazy: () =>
          import('./components/EntityAccessContent').then(
            m => m.EntityAccessContent,
          ),
      },
    }),
  );

/**
 * A home page card for the legacy frontend system: requests waiting for the
 * signed-in user's decision, access waiting for their review, their open
 * requests, and their access that expires within 30 days, each linking to
 * its page. Add it to the app's
 * home page, such as `<ServiceCatalogueHomeCard />` in a `CustomHomepageGrid`.
 *
 * @public
 */
export const ServiceCatalogueHomeCard: (
  props: CardExtensionProps<ServiceCatalogueHomeCardProps>,
) => JSX.Element = serviceCataloguePlugin.provide(
  createCardExtension<ServiceCatalogueHomeCardProps>({
    name: 'ServiceCatalogueHomeCard',
    ...homeCardParts,
  }),
);
