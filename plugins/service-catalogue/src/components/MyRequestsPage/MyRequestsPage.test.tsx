import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockServiceCatalogueApi, serviceRequest } from '../../testUtils';
import { MyRequestsPage } from './MyRequestsPage';

const requests = [
  serviceRequest({
    id: 'a',
    trackingNumber: 'REQ-000002',
    offeringTitle: 'New laptop',
    state: 'DONE',
  }),
  serviceRequest({
    id: 'b',
    trackingNumber: 'REQ-000001',
    offeringTitle: 'VPN access',
    requesterRef: 'user:default/ann',
    submittedByRef: 'user:default/desk-dan',
  }),
];

async function renderPage(api: ServiceCatalogueApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[serviceCatalogueApiRef, api]]}>
      <MyRequestsPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/service-catalogue': rootRouteRef,
      },
    },
  );
}

function rows() {
  const table = screen.getByRole('table', { name: 'My requests' });
  return within(table).getAllByRole('row').slice(1);
}

describe('MyRequestsPage', () => {
  it('lists the requests, linking to each', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listRequests: async () => ({ items: requests, totalCount: 2 }),
      }),
    );

    const link = await screen.findByRole('link', { name: 'REQ-000002' });
    expect(link).toHaveAttribute(
      'href',
      '/service-catalogue/requests/REQ-000002',
    );
    const [laptop, vpn] = rows();
    expect(laptop).toHaveTextContent('New laptop');
    expect(within(laptop).getByText('Done')).toBeInTheDocument();
    expect(vpn).toHaveTextContent('VPN access');
    expect(within(vpn).getByText('Pending approval')).toBeInTheDocument();
    // Submitted by someone else on the requester's behalf.
    expect(vpn).toHaveTextContent(/ann\s*Submitted by desk-dan/);
    expect(laptop).not.toHaveTextContent('Submitted by');
  });

  it('searches on the server by tracking number or offering', async () => {
    const api = mockServiceCatalogueApi({
      listRequests: async query => ({
        items: query?.search ? [requests[1]] : requests,
        totalCount: query?.search ? 1 : 2,
      }),
    });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000002' });

    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Search requests' }),
      'REQ-000001',
    );

    await waitFor(() =>
      expect(api.listRequests).toHaveBeenLastCalledWith({
        search: 'REQ-000001',
        state: undefined,
        limit: 25,
        cursor: undefined,
      }),
    );
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]).toHaveTextContent('REQ-000001');
  });

  it('filters by state on the server', async () => {
    const api = mockServiceCatalogueApi({
      listRequests: async () => ({ items: requests, totalCount: 2 }),
    });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000002' });

    await userEvent.click(screen.getByRole('button', { name: /State/ }));
    await userEvent.click(
      within(screen.getByRole('listbox')).getByRole('option', {
        name: 'Pending approval',
      }),
    );

    await waitFor(() =>
      expect(api.listRequests).toHaveBeenLastCalledWith(
        expect.objectContaining({ state: ['PENDING_APPROVAL'] }),
      ),
    );
  });

  it('says so when there are no requests', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listRequests: async () => ({ items: [], totalCount: 0 }),
      }),
    );

    expect(await screen.findByText('No requests yet')).toBeInTheDocument();
  });
});
