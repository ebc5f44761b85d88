import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DateTime } from 'luxon';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { grant, mockServiceCatalogueApi, responseError } from '../../testUtils';
import { formatDateTime } from '../shared';
import { MyAccessPage } from './MyAccessPage';

// An hour past the day, so that the relative text does not round down.
const inTwelveDays = DateTime.now().plus({ days: 12, hours: 1 }).toISO()!;

const grants = [
  grant({
    id: 'ended',
    offeringRef: 'offering:default/figma-licence',
    offeringTitle: 'Figma licence',
    targetRef: 'resource:default/figma-licences',
    trackingNumber: 'REQ-000003',
    state: 'ended',
    endReason: 'given-up',
    endedAt: '2025-04-02T08:00:00Z',
  }),
  grant({
    id: 'revoking',
    offeringRef: 'offering:default/orders-db-read',
    offeringTitle: 'Orders database, read',
    targetRef: 'resource:default/orders-db-prod',
    trackingNumber: 'REQ-000002',
    state: 'revoking',
    failure: { stepId: 'revoke', message: 'Database unreachable' },
  }),
  grant({
    id: 'active',
    offeringTitle: 'VPN access',
    trackingNumber: 'REQ-000001',
    expiresAt: inTwelveDays,
  }),
];

async function renderPage(api: ServiceCatalogueApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[serviceCatalogueApiRef, api]]}>
      <MyAccessPage />
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
  const table = screen.getByRole('table', { name: 'My access' });
  return within(table).getAllByRole('row').slice(1);
}

describe('MyAccessPage', () => {
  it('lists the grants, active ones first, with their states', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listMyGrants: async () => ({ items: grants }),
      }),
    );

    expect(
      await screen.findByRole('heading', { name: 'My access' }),
    ).toBeInTheDocument();
    await screen.findByRole('table', { name: 'My access' });
    const [vpn, orders, figma] = rows();

    expect(
      within(vpn).getByRole('link', { name: 'VPN access' }),
    ).toHaveAttribute(
      'href',
      '/service-catalogue/offerings/default/vpn-access',
    );
    expect(within(vpn).getByRole('link', { name: /corp-vpn/ })).toBeVisible();
    expect(vpn).toHaveTextContent('in 12 days');
    expect(within(vpn).getByText('Active')).toBeInTheDocument();
    expect(
      within(vpn).getByRole('link', { name: 'REQ-000001' }),
    ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000001');
    expect(
      within(vpn).getByRole('button', { name: 'Give up VPN access' }),
    ).toBeVisible();

    expect(within(orders).getByText('Being revoked')).toBeInTheDocument();
    expect(orders).toHaveTextContent('Never');
    expect(orders).toHaveTextContent(
      'Revocation failed: step revoke: Database unreachable',
    );
    expect(within(orders).queryByRole('button')).not.toBeInTheDocument();

    expect(within(figma).getByText('Ended')).toBeInTheDocument();
    expect(figma).toHaveTextContent(
      `Given up, ${formatDateTime('2025-04-02T08:00:00Z')}`,
    );
    expect(within(figma).queryByRole('button')).not.toBeInTheDocument();
  });

  it('gives up a grant with a reason, then reloads', async () => {
    let current = [grants[2]];
    const api = mockServiceCatalogueApi({
      listMyGrants: async () => ({ items: current }),
      revokeGrant: async id => {
        current = [{ ...grants[2], state: 'revoking' }];
        return { ...grants[2], id, state: 'revoking' };
      },
    });
    await renderPage(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Give up VPN access' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Give up VPN access?' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Reason' }),
      'Project over',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Give up' }),
    );

    expect(api.revokeGrant).toHaveBeenCalledWith('active', {
      reason: 'Project over',
    });
    expect(await screen.findByText('Being revoked')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(screen.queryByRole('button', { name: /Give up/ })).toBeNull();
  });

  it('leaves the grant alone when the dialog is cancelled', async () => {
    const api = mockServiceCatalogueApi({
      listMyGrants: async () => ({ items: [grants[2]] }),
    });
    await renderPage(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Give up VPN access' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.revokeGrant).not.toHaveBeenCalled();
  });

  it('shows why the backend refused to give up a grant', async () => {
    const api = mockServiceCatalogueApi({
      listMyGrants: async () => ({ items: [grants[2]] }),
      revokeGrant: async () => {
        throw await responseError(409, 'The grant has already ended');
      },
    });
    await renderPage(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Give up VPN access' }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Give up',
      }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The access was not given up: The grant has already ended',
    );
  });

  it('says so when the user holds no access', async () => {
    await renderPage(
      mockServiceCatalogueApi({ listMyGrants: async () => ({ items: [] }) }),
    );

    expect(await screen.findByText('No access yet')).toBeInTheDocument();
  });
});
