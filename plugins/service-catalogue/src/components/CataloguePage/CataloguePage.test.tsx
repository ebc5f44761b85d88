import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  OfferingCategory,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockServiceCatalogueApi } from '../../testUtils';
import { CataloguePage, NfsCataloguePage } from './CataloguePage';

// Listed out of order on purpose: the page must sort by `order`.
const categories: OfferingCategory[] = [
  { id: 'software', title: 'Software', order: 3 },
  { id: 'access', title: 'Access', order: 2, icon: 'lock' },
  { id: 'access/network', title: 'Network', order: 2, parent: 'access' },
  { id: 'access/apps', title: 'Applications', order: 1, parent: 'access' },
  {
    id: 'access/network/wifi',
    title: 'Wi-Fi',
    order: 1,
    parent: 'access/network',
  },
  { id: 'hardware', title: 'Hardware', order: 1 },
];

function offering(
  name: string,
  title: string,
  category: string,
  extra: Partial<OfferingSummary> = {},
): OfferingSummary {
  return {
    entityRef: `offering:default/${name}`,
    name,
    namespace: 'default',
    title,
    category,
    owner: 'group:default/it-support',
    requestMode: 'self-service',
    fulfilment: 'manual',
    tags: [],
    ...extra,
  };
}

const offerings: OfferingSummary[] = [
  offering('vpn-access', 'VPN access', 'access/network', {
    description: 'Reach the office network from home',
    owner: 'group:default/network-team',
    estimatedDelay: 'PT4H',
    grant: { duration: 'P90D' },
    tags: ['remote'],
  }),
  offering('guest-wifi', 'Guest Wi-Fi pass', 'access/network/wifi', {
    grant: { duration: 'P1D' },
  }),
  offering('github-org', 'GitHub organisation', 'access/apps', {
    grant: {},
  }),
  offering('laptop', 'Laptop', 'hardware', {
    description: 'A replacement or additional laptop',
    estimatedDelay: 'P2D',
    tags: ['remote'],
  }),
  offering('intellij', 'IntelliJ IDEA licence', 'software'),
];

function mockApi(
  overrides: Partial<ServiceCatalogueApi> = {},
): ServiceCatalogueApi {
  return mockServiceCatalogueApi({
    getCategories: async () => ({ items: categories }),
    getOfferings: async () => ({ items: offerings }),
    ...overrides,
  });
}

async function renderPage(
  options: { path?: string; api?: ServiceCatalogueApi; nfs?: boolean } = {},
) {
  const Page = options.nfs ? NfsCataloguePage : CataloguePage;
  return renderInTestApp(
    <TestApiProvider
      apis={[[serviceCatalogueApiRef, options.api ?? mockApi()]]}
    >
      <Page />
    </TestApiProvider>,
    {
      routeEntries: [options.path ?? '/service-catalogue'],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/service-catalogue': rootRouteRef,
      },
      icons: { lock: () => <svg data-testid="icon-lock" /> },
    },
  );
}

function cardTitles() {
  // By test id: core-components' Content is an <article> as well.
  return screen
    .queryAllByTestId('offering-card')
    .map(card => within(card).getByRole('heading').textContent);
}

function categoryNav() {
  return screen.getByRole('navigation', { name: 'Categories' });
}

describe('CataloguePage', () => {
  it('shows the header', async () => {
    await renderPage();

    expect(
      await screen.findByRole('heading', { name: 'Service catalogue' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Request access, software and services'),
    ).toBeInTheDocument();
  });

  it('lists categories as a tree in configured order, with counts', async () => {
    await renderPage();
    await screen.findByRole('heading', { name: 'VPN access' });

    const links = within(categoryNav()).getAllByRole('link');
    expect(links.map(link => link.textContent)).toEqual([
      'All5',
      'Hardware1',
      'Access3',
      'Applications1',
      'Network2',
      'Wi-Fi1',
      'Software1',
    ]);
    // The counts are not part of the names, so that links can be found by
    // the category title alone, but they are read out as descriptions.
    expect(
      within(categoryNav()).getByRole('link', { name: 'Access' }),
    ).toHaveAccessibleDescription('3 offerings');
    expect(
      within(categoryNav()).getByRole('link', { name: 'Wi-Fi' }),
    ).toHaveAccessibleDescription('1 offering');

    // Subcategories sit in a list inside their parent's item.
    const itemOf = (name: string) =>
      within(categoryNav()).getByRole('link', { name }).closest('li')!;
    const [accessChildren] = within(itemOf('Access')).getAllByRole('list');
    expect(
      within(accessChildren)
        .getAllByRole('link')
        .map(link => link.textContent),
    ).toEqual(['Applications1', 'Network2', 'Wi-Fi1']);
    expect(
      within(itemOf('Network')).getByRole('link', { name: 'Wi-Fi' }),
    ).toBeInTheDocument();
    expect(
      within(itemOf('Applications')).queryByRole('list'),
    ).not.toBeInTheDocument();
  });

  it("resolves category icons through the app's icons", async () => {
    await renderPage();
    await screen.findByRole('heading', { name: 'VPN access' });

    const access = within(categoryNav()).getByRole('link', { name: 'Access' });
    expect(within(access).getByTestId('icon-lock')).toBeInTheDocument();
  });

  it('shows each offering as a card', async () => {
    await renderPage();

    const vpn = await screen.findByRole('article', { name: 'VPN access' });
    expect(
      within(vpn).getByRole('heading', { name: 'VPN access' }),
    ).toBeInTheDocument();
    expect(
      within(vpn).getByText('Reach the office network from home'),
    ).toBeInTheDocument();
    expect(within(vpn).getByText('Access › Network')).toBeInTheDocument();
    expect(
      within(vpn).getByRole('link', { name: /network-team/ }),
    ).toHaveAttribute('href', '/catalog/default/group/network-team');
    expect(within(vpn).getByText('about 4 hours')).toBeInTheDocument();
    expect(within(vpn).getByText('Access · 90 days')).toBeInTheDocument();
    expect(within(vpn).getByText('remote')).toBeInTheDocument();
    expect(
      within(vpn).getByRole('link', { name: 'VPN access' }),
    ).toHaveAttribute(
      'href',
      '/service-catalogue/offerings/default/vpn-access',
    );

    const laptop = screen.getByRole('article', { name: 'Laptop' });
    expect(within(laptop).getByText('about 2 days')).toBeInTheDocument();
    expect(within(laptop).getByText('One-off')).toBeInTheDocument();
    expect(within(laptop).getByText('Hardware')).toBeInTheDocument();

    const github = screen.getByRole('article', { name: 'GitHub organisation' });
    expect(within(github).getByText('Access')).toBeInTheDocument();
    expect(
      within(github).queryByText('Estimated delay'),
    ).not.toBeInTheDocument();

    expect(screen.getAllByTestId('offering-card')).toHaveLength(5);
    expect(cardTitles()).toEqual([
      'GitHub organisation',
      'Guest Wi-Fi pass',
      'IntelliJ IDEA licence',
      'Laptop',
      'VPN access',
    ]);
  });

  it('narrows the cards as the user types, every word having to match', async () => {
    await renderPage();
    await screen.findByRole('heading', { name: 'VPN access' });
    const search = screen.getByRole('searchbox', { name: 'Search offerings' });

    await userEvent.type(search, 'REMOTE');
    expect(cardTitles()).toEqual(['Laptop', 'VPN access']);
    expect(screen.getByRole('status')).toHaveTextContent(
      'Showing 2 of 5 offerings',
    );

    await userEvent.type(search, ' network');
    expect(cardTitles()).toEqual(['VPN access']);
    // The counts follow the search.
    expect(
      within(categoryNav()).getByRole('link', { name: 'Hardware' }),
    ).toHaveAccessibleDescription('0 offerings');
    expect(
      within(categoryNav()).getByRole('link', { name: 'Access' }),
    ).toHaveAccessibleDescription('1 offering');
  });

  it('matches category titles', async () => {
    await renderPage({ path: '/service-catalogue?q=hardware' });

    await screen.findByRole('heading', { name: 'Laptop' });
    expect(cardTitles()).toEqual(['Laptop']);
  });

  it('reads the search from the URL', async () => {
    await renderPage({ path: '/service-catalogue?q=vpn' });

    await screen.findByRole('heading', { name: 'VPN access' });
    expect(cardTitles()).toEqual(['VPN access']);
    expect(
      screen.getByRole('searchbox', { name: 'Search offerings' }),
    ).toHaveValue('vpn');
  });

  it('filters to a category and its subcategories when one is selected', async () => {
    await renderPage();
    await screen.findByRole('heading', { name: 'VPN access' });

    await userEvent.click(
      within(categoryNav()).getByRole('link', { name: 'Network' }),
    );
    expect(cardTitles()).toEqual(['Guest Wi-Fi pass', 'VPN access']);
    expect(
      within(categoryNav()).getByRole('link', { name: 'Network' }),
    ).toHaveAttribute('aria-current', 'true');

    await userEvent.click(
      within(categoryNav()).getByRole('link', { name: 'Access' }),
    );
    expect(cardTitles()).toEqual([
      'GitHub organisation',
      'Guest Wi-Fi pass',
      'VPN access',
    ]);

    await userEvent.click(
      within(categoryNav()).getByRole('link', { name: 'All' }),
    );
    expect(cardTitles()).toHaveLength(5);
  });

  it('keeps the search when a category is selected, and the category in links', async () => {
    await renderPage({ path: '/service-catalogue?q=remote' });
    await screen.findByRole('heading', { name: 'VPN access' });

    const network = within(categoryNav()).getByRole('link', {
      name: 'Network',
    });
    expect(network).toHaveAttribute(
      'href',
      '/service-catalogue?q=remote&category=access%2Fnetwork',
    );
    await userEvent.click(network);
    expect(cardTitles()).toEqual(['VPN access']);
  });

  it('reads the category from the URL', async () => {
    await renderPage({ path: '/service-catalogue?category=access/network' });

    await screen.findByRole('heading', { name: 'VPN access' });
    expect(cardTitles()).toEqual(['Guest Wi-Fi pass', 'VPN access']);
  });

  it('says so when nothing matches', async () => {
    await renderPage({ path: '/service-catalogue?q=printer' });

    expect(await screen.findByText('No offerings match')).toBeInTheDocument();
    expect(cardTitles()).toHaveLength(0);

    // core-components' LinkButton: a link that presents itself as a button.
    await userEvent.click(
      screen.getByRole('button', { name: 'Show all offerings' }),
    );
    expect(cardTitles()).toHaveLength(5);
    expect(
      screen.getByRole('searchbox', { name: 'Search offerings' }),
    ).toHaveValue('');
  });

  it('says so when no offering is open to the user at all', async () => {
    await renderPage({
      api: mockApi({ getOfferings: async () => ({ items: [] }) }),
    });

    expect(
      await screen.findByText('No offerings available'),
    ).toBeInTheDocument();
    expect(screen.queryByText('No offerings match')).not.toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    await renderPage({
      api: mockApi({ getOfferings: () => new Promise(() => {}) }),
    });

    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(cardTitles()).toHaveLength(0);
  });

  it('shows the error when the backend fails', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'Error', message: 'The catalogue is unreachable' },
        request: { method: 'GET', url: '/offerings' },
        response: { statusCode: 500 },
      }),
      { status: 500, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    await renderPage({
      api: mockApi({ getOfferings: () => Promise.reject(error) }),
    });

    const panel = await screen.findByRole('alert');
    expect(panel).toHaveTextContent('Request failed with 500');
    expect(panel).toHaveTextContent('The catalogue is unreachable');
    expect(cardTitles()).toHaveLength(0);
  });

  it('leaves the header to the new frontend system', async () => {
    await renderPage({ nfs: true });

    await screen.findByRole('heading', { name: 'VPN access' });
    expect(
      screen.queryByRole('heading', { name: 'Service catalogue' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('Request access, software and services'),
    ).toBeInTheDocument();
  });
});
