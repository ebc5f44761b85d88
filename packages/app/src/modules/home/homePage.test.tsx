// The test reads the demo's app-config.yaml from disk, which the app in a
// browser never does.
// eslint-disable-next-line no-restricted-imports
import fs from 'fs';
// eslint-disable-next-line no-restricted-imports
import path from 'path';
import { parse } from 'yaml';
import { screen, within } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import homePlugin from '@backstage/plugin-home/alpha';
import serviceCataloguePlugin from '@service-catalogue/plugin-service-catalogue/alpha';
import {
  ServiceCatalogueApi,
  serviceCatalogueApiRef,
} from '@service-catalogue/plugin-service-catalogue';

// The demo's own config of the home page, so that the test sees the page
// people get when they open /home; the rest names plugins not loaded here.
const homeExtensions = parse(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../../app-config.yaml'),
    'utf8',
  ),
).app.extensions.filter((entry: object) =>
  Object.keys(entry).some(
    id => id === 'page:home' || id.startsWith('home-page-widget:home/'),
  ),
);

const api: Partial<ServiceCatalogueApi> = {
  listAwaitingApproval: async () => ({
    items: [
      {
        id: 'r1',
        trackingNumber: 'REQ-000007',
        offeringRef: 'offering:default/vpn-access',
        offeringTitle: 'VPN access',
        offeringOwnerRef: 'group:default/network-team',
        requesterRef: 'user:default/grace',
        submittedByRef: 'user:default/grace',
        state: 'PENDING_APPROVAL',
        version: 1,
        formValues: {},
        stages: [],
        createdAt: '2026-11-30T09:00:00Z',
        updatedAt: '2026-11-30T09:00:00Z',
      },
    ],
    totalCount: 1,
  }),
  listRequests: async () => ({ items: [], totalCount: 0 }),
  listMyGrants: async () => ({ items: [] }),
  listReviewLines: async () => ({ items: [] }),
};

describe('the demo home page', () => {
  // jsdom lays nothing out, and the home page's grid draws its widgets only
  // once it has measured a width.
  const offsetWidth = Object.getOwnPropertyDescriptor(
    HTMLElement.prototype,
    'offsetWidth',
  )!;
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
      configurable: true,
      get: () => 1200,
    });
  });
  afterAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'offsetWidth', offsetWidth);
  });

  it('opens at /home with the service catalogue card, linking to the request', async () => {
    renderTestApp({
      features: [homePlugin, serviceCataloguePlugin],
      config: { app: { extensions: homeExtensions } },
      initialRouteEntries: ['/home'],
      apis: [[serviceCatalogueApiRef, api as ServiceCatalogueApi]],
    });

    const link = await screen.findByRole('link', {
      name: 'REQ-000007 VPN access',
    });
    expect(link).toHaveAttribute(
      'href',
      '/service-catalogue/requests/REQ-000007',
    );
    const page = link.closest('article')!;
    expect(within(page).getByText('Service catalogue')).toBeVisible();
    expect(
      within(page).getByRole('heading', { name: /Waiting for your decision/ }),
    ).toHaveTextContent('Waiting for your decision (1)');
  });
});
