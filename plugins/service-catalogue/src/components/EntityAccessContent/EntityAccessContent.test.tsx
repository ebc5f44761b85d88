import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Entity } from '@backstage/catalog-model';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  EntityAccess,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  grant,
  mockServiceCatalogueApi,
  responseError,
  serviceRequest,
} from '../../testUtils';
import { EntityAccessContent } from './EntityAccessContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'corp-vpn', namespace: 'default' },
  spec: { type: 'vpn', owner: 'group:default/network-team' },
};

const vpnOffering: OfferingSummary = {
  entityRef: 'offering:default/vpn-access',
  name: 'vpn-access',
  namespace: 'default',
  title: 'VPN access',
  description: 'Reach the internal network from outside the office',
  category: 'access/network',
  owner: 'group:default/network-team',
  target: 'resource:default/corp-vpn',
  requestMode: 'self-service',
  fulfilment: 'automatic',
  grant: { duration: 'P90D' },
  tags: [],
};

const adminOffering: OfferingSummary = {
  ...vpnOffering,
  entityRef: 'offering:default/vpn-admin',
  name: 'vpn-admin',
  title: 'VPN administration',
  description: undefined,
};

const access: EntityAccess = {
  offerings: [vpnOffering, adminOffering],
  myGrants: [grant({ id: 'mine', offeringTitle: 'VPN access' })],
  myRequests: [
    serviceRequest({
      id: 'open',
      trackingNumber: 'REQ-000007',
      offeringRef: 'offering:default/vpn-admin',
      offeringTitle: 'VPN administration',
    }),
  ],
  holders: [
    grant({ id: 'held-by-bob', holderRef: 'user:default/bob' }),
    grant({
      id: 'leaving',
      holderRef: 'user:default/carol',
      state: 'revoking',
    }),
  ],
  canRevoke: true,
};

async function renderContent(api: ServiceCatalogueApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[serviceCatalogueApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityAccessContent />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/service-catalogue': rootRouteRef,
      },
    },
  );
}

function rowsOf(name: string) {
  const table = screen.getByRole('table', { name });
  return within(table).getAllByRole('row').slice(1);
}

describe('EntityAccessContent', () => {
  it("shows the offerings, and the viewer's grants and open requests", async () => {
    const api = mockServiceCatalogueApi({
      getEntityAccess: async () => ({ ...access, holders: [] }),
    });
    await renderContent(api);

    expect(
      await screen.findByRole('heading', { name: 'Offerings' }),
    ).toBeInTheDocument();
    expect(api.getEntityAccess).toHaveBeenCalledWith({
      kind: 'Resource',
      namespace: 'default',
      name: 'corp-vpn',
    });
    const offerings = screen.getByRole('list', { name: 'Offerings' });
    expect(
      within(offerings).getByRole('link', { name: 'VPN access' }),
    ).toHaveAttribute(
      'href',
      '/service-catalogue/offerings/default/vpn-access',
    );
    expect(
      within(offerings).getByText(
        'Reach the internal network from outside the office',
      ),
    ).toBeInTheDocument();
    expect(
      within(offerings).getByRole('link', {
        name: 'Request VPN administration',
      }),
    ).toHaveAttribute('href', '/service-catalogue/offerings/default/vpn-admin');

    expect(
      screen.getByRole('heading', { name: 'Your access' }),
    ).toBeInTheDocument();
    const [mine] = rowsOf('Your grants');
    expect(mine).toHaveTextContent('VPN access');
    expect(mine).toHaveTextContent('Never');
    expect(within(mine).getByText('Active')).toBeInTheDocument();
    expect(
      within(mine).getByRole('button', { name: 'Give up VPN access' }),
    ).toBeVisible();

    const [open] = rowsOf('Your open requests');
    expect(
      within(open).getByRole('link', { name: 'REQ-000007' }),
    ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000007');
    expect(within(open).getByText('Pending approval')).toBeInTheDocument();

    // Only the offerings' owners see who holds access.
    expect(
      screen.queryByRole('heading', { name: 'Holders' }),
    ).not.toBeInTheDocument();
  });

  it("gives up the viewer's own access through the dialog", async () => {
    const api = mockServiceCatalogueApi({
      getEntityAccess: async () => ({ ...access, holders: [] }),
      revokeGrant: async id => grant({ id, state: 'revoking' }),
    });
    await renderContent(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Give up VPN access' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Give up VPN access?' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Give up' }),
    );

    expect(api.revokeGrant).toHaveBeenCalledWith('mine', { reason: undefined });
    await waitFor(() => expect(api.getEntityAccess).toHaveBeenCalledTimes(2));
  });

  it('lists the holders, and lets the owners revoke active grants', async () => {
    let current = access;
    const api = mockServiceCatalogueApi({
      getEntityAccess: async () => current,
      revokeGrant: async id => {
        current = {
          ...access,
          holders: access.holders.map(held =>
            held.id === id ? { ...held, state: 'revoking' } : held,
          ),
        };
        return grant({ id, state: 'revoking' });
      },
    });
    await renderContent(api);

    expect(
      await screen.findByRole('heading', { name: 'Holders' }),
    ).toBeInTheDocument();
    const [bob, carol] = rowsOf('Holders');
    expect(within(bob).getByRole('link', { name: /bob/ })).toBeVisible();
    expect(bob).toHaveTextContent('VPN access');
    expect(within(bob).getByText('Active')).toBeInTheDocument();
    expect(within(carol).getByText('Being revoked')).toBeInTheDocument();
    expect(within(carol).queryByRole('button')).not.toBeInTheDocument();

    await userEvent.click(
      within(bob).getByRole('button', { name: 'Revoke bob from VPN access' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Revoke access?' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Reason' }),
      'Moved to another team',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );

    expect(api.revokeGrant).toHaveBeenCalledWith('held-by-bob', {
      reason: 'Moved to another team',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() =>
      expect(
        within(rowsOf('Holders')[0]).getByText('Being revoked'),
      ).toBeVisible(),
    );
    expect(
      screen.queryByRole('button', { name: 'Revoke bob from VPN access' }),
    ).not.toBeInTheDocument();
  });

  it('shows the holders without Revoke to those who may not revoke', async () => {
    await renderContent(
      mockServiceCatalogueApi({
        getEntityAccess: async () => ({ ...access, canRevoke: false }),
      }),
    );

    await screen.findByRole('heading', { name: 'Holders' });
    expect(rowsOf('Holders')).toHaveLength(2);
    expect(
      screen.queryByRole('button', { name: /Revoke/ }),
    ).not.toBeInTheDocument();
  });

  it('shows why the backend refused a revocation', async () => {
    await renderContent(
      mockServiceCatalogueApi({
        getEntityAccess: async () => access,
        revokeGrant: async () => {
          throw await responseError(403, 'You do not own this offering');
        },
      }),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Revoke bob from VPN access' }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Revoke',
      }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The access was not revoked: You do not own this offering',
    );
  });

  it('says so when no offering gives access to the entity', async () => {
    await renderContent(
      mockServiceCatalogueApi({
        getEntityAccess: async () => ({
          offerings: [],
          myGrants: [],
          myRequests: [],
          holders: [],
          canRevoke: false,
        }),
      }),
    );

    expect(
      await screen.findByText(
        'No offering of the service catalogue gives access to this entity.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Your access' })).toBeNull();
  });
});
