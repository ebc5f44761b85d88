import { screen, within } from '@testing-library/react';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from './api';
import serviceCataloguePlugin from './alpha';
import { rootRouteRef } from './routes';
import {
  mockServiceCatalogueApi,
  reviewLine,
  serviceRequest,
} from './testUtils';

const api: ServiceCatalogueApi = mockServiceCatalogueApi({
  getCategories: async () => ({
    items: [
      { id: 'access', title: 'Access', order: 1, icon: 'group' },
      { id: 'access/network', title: 'Network', order: 1, parent: 'access' },
    ],
  }),
  getOfferings: async () => ({
    items: [
      {
        entityRef: 'offering:default/vpn-access',
        name: 'vpn-access',
        namespace: 'default',
        title: 'VPN access',
        category: 'access/network',
        owner: 'group:default/network-team',
        requestMode: 'self-service',
        fulfilment: 'automatic',
        estimatedDelay: 'PT4H',
        grant: { duration: 'P90D' },
        tags: [],
      },
    ],
  }),
});

describe('service catalogue plugin (new frontend system)', () => {
  it('serves the catalogue page at /service-catalogue', async () => {
    renderTestApp({
      features: [serviceCataloguePlugin],
      initialRouteEntries: ['/service-catalogue?category=access/network'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [[serviceCatalogueApiRef, api]],
    });

    const card = await screen.findByRole('article', { name: 'VPN access' });
    expect(within(card).getByText('Access › Network')).toBeInTheDocument();
    expect(within(card).getByText('Access · 90 days')).toBeInTheDocument();
    expect(
      within(screen.getByRole('navigation', { name: 'Categories' })).getByRole(
        'link',
        { name: 'Network' },
      ),
    ).toHaveAttribute('aria-current', 'true');
  });

  it('serves the nested pages, such as approvals, below the page', async () => {
    renderTestApp({
      features: [serviceCataloguePlugin],
      initialRouteEntries: ['/service-catalogue/approvals'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [
          serviceCatalogueApiRef,
          mockServiceCatalogueApi({
            listAwaitingApproval: async () => ({ items: [], totalCount: 0 }),
          }),
        ],
      ],
    });

    expect(
      await screen.findByRole('heading', { name: 'Approvals' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Waiting for me' })).toBeVisible();
    expect(await screen.findByText('Nothing waits for you')).toBeVisible();
  });

  it('serves the access the user holds at /service-catalogue/access', async () => {
    renderTestApp({
      features: [serviceCataloguePlugin],
      initialRouteEntries: ['/service-catalogue/access'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [
          serviceCatalogueApiRef,
          mockServiceCatalogueApi({
            listMyGrants: async () => ({ items: [] }),
          }),
        ],
      ],
    });

    expect(
      await screen.findByRole('heading', { name: 'My access' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('No access yet')).toBeVisible();
  });

  it('serves the access reviews at /service-catalogue/reviews', async () => {
    renderTestApp({
      features: [serviceCataloguePlugin],
      initialRouteEntries: ['/service-catalogue/reviews'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [
          serviceCatalogueApiRef,
          mockServiceCatalogueApi({
            listReviewLines: async () => ({ items: [reviewLine()] }),
            getOfferings: async () => ({ items: [] }),
          }),
        ],
      ],
    });

    expect(
      await screen.findByRole('heading', { name: 'Reviews' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Campaigns' })).toBeVisible();
    expect(
      await screen.findByRole('table', { name: 'Lines to review' }),
    ).toBeVisible();
  });

  it("links a request's provisioning task to the scaffolder's task page", async () => {
    renderTestApp({
      features: [serviceCataloguePlugin, scaffolderPlugin],
      initialRouteEntries: ['/service-catalogue/requests/REQ-000001'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [
          serviceCatalogueApiRef,
          mockServiceCatalogueApi({
            getRequest: async () => ({
              request: serviceRequest({
                state: 'DONE',
                fulfilment: 'automatic',
                scaffolderTaskId: 'task-7',
              }),
              comments: [],
              events: [],
              actions: [],
              seesInternal: false,
            }),
            getRequestTaskLog: async () => ({ taskId: 'task-7', lines: [] }),
          }),
        ],
      ],
    });

    expect(
      await screen.findByRole('link', { name: 'Open in the scaffolder' }),
    ).toHaveAttribute('href', '/create/tasks/task-7');
  });

  it('gives the page what the sidebar needs to list it', () => {
    // The app's nav lists every page with a route ref, a title and an icon.
    const tester = createExtensionTester(
      serviceCataloguePlugin.getExtension('page:service-catalogue'),
    );

    expect(tester.get(coreExtensionData.routePath)).toBe('/service-catalogue');
    expect(tester.get(coreExtensionData.routeRef)).toBe(rootRouteRef);
    expect(tester.get(coreExtensionData.title)).toBe('Service catalogue');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
  });

  it('adds an Access tab to the entity pages of the kinds offerings target', () => {
    const tester = createExtensionTester(
      serviceCataloguePlugin.getExtension(
        'entity-content:service-catalogue/access',
      ),
    );
    // Set, since the extension is made with a filter.
    const appliesTo = tester.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    const entity = (kind: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name: 'x' },
    });

    expect(tester.get(coreExtensionData.routePath)).toBe('access');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Access');
    expect(appliesTo(entity('Resource'))).toBe(true);
    expect(appliesTo(entity('System'))).toBe(true);
    expect(appliesTo(entity('User'))).toBe(false);
  });

  it('offers the home page a card of what waits for the user, linking to the pages', async () => {
    const tester = createExtensionTester(
      serviceCataloguePlugin.getExtension(
        'home-page-widget:service-catalogue/requests',
      ),
    );
    const widget = tester.get(HomePageWidgetBlueprint.dataRefs.widget)!;
    expect(widget.title).toBe('Service catalogue');

    renderInTestApp(widget.component, {
      mountedRoutes: { '/service-catalogue': rootRouteRef },
      apis: [
        [
          serviceCatalogueApiRef,
          mockServiceCatalogueApi({
            listAwaitingApproval: async () => ({
              items: [serviceRequest()],
              totalCount: 1,
            }),
            listRequests: async () => ({ items: [], totalCount: 0 }),
            listMyGrants: async () => ({ items: [] }),
          }),
        ],
      ],
    });

    expect(
      await screen.findByRole('link', { name: 'REQ-000001 VPN access' }),
    ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000001');
    expect(screen.getByText('Service catalogue')).toBeVisible();
  });
});
