import {
  ApiBlueprint,
  PageBlueprint,
  coreApis,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import StorefrontIcon from '@material-ui/icons/Storefront';
import { ServiceCatalogueClient, serviceCatalogueApiRef } from './api';
import { homeCardParts } from './homeCard';
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

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: serviceCatalogueApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new ServiceCatalogueClient({ discoveryApi, fetchApi }),
    }),
});

// A page with a route ref, a title and an icon is all the app's sidebar needs
// to list it, so there is no separate nav item extension.
const page = PageBlueprint.make({
  params: {
    path: '/service-catalogue',
    routeRef: rootRouteRef,
    title: 'Service catalogue',
    icon: <StorefrontIcon fontSize="inherit" />,
    loader: () => import('./components/Router').then(m => <m.NfsRouter />),
  },
});

// Offerings name what they give access to in `spec.target`; these are the
// kinds such a target may be.
const entityAccessContent = EntityContentBlueprint.make({
  name: 'access',
  params: {
    path: 'access',
    title: 'Access',
    filter: { kind: { $in: ['resource', 'system', 'component', 'group'] } },
    loader: () =>
      import('./components/EntityAccessContent').then(m => (
        <m.EntityAccessContent />
      )),
  },
});

// The home plugin's page collects every widget, so installing the plugin
// offers the card to users who customise their home page.
const homePageWidget = HomePageWidgetBlueprint.make({
  name: 'requests',
  params: { name: 'ServiceCatalogueHomeCard', ...homeCardParts },
});

/**
 * The service catalogue plugin, for the new frontend system.
 *
 * @remarks
 *
 * Besides its pages, it provides the `home-page-widget:service-catalogue/requests`
 * card for the home plugin's page: requests waiting for the signed-in
 * user's decision, access waiting for their review, their open requests,
 * and their access that expires soon.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'service-catalogue',
  title: 'Service catalogue',
  icon: <StorefrontIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
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
  extensions: [api, page, entityAccessContent, homePageWidget],
});
