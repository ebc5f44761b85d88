import { AlertApiForwarder } from '@backstage/core-app-api';
import { alertApiRef } from '@backstage/core-plugin-api';
import { AlertDisplay } from '@backstage/core-components';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DateTime } from 'luxon';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  grant,
  mockServiceCatalogueApi,
  responseError,
  serviceRequest,
} from '../../testUtils';
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
    <TestApiProvider
      apis={[
        [serviceCatalogueApiRef, api],
        // Its own, as the app's replays the alerts of earlier tests.
        [alertApiRef, new AlertApiForwarder()],
      ]}
    >
      <MyAccessPage />
      <AlertDisplay />
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

  it('says which group gives a birthright, and which grant ended with leaving it', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listMyGrants: async () => ({
          items: [
            grant({
              id: 'birthright',
              offeringTitle: 'VPN access',
              trackingNumber: 'REQ-000001',
              birthrightGroupRef: 'group:default/network-team',
            }),
            grant({
              id: 'moved',
              offeringRef: 'offering:default/figma-licence',
              offeringTitle: 'Figma licence',
              trackingNumber: 'REQ-000002',
              birthrightGroupRef: 'group:default/design',
              state: 'ended',
              endReason: 'moved',
              endedAt: '2025-04-02T08:00:00Z',
            }),
            grant({
              id: 'asked',
              offeringRef: 'offering:default/orders-db-read',
              offeringTitle: 'Orders database, read',
              trackingNumber: 'REQ-000003',
            }),
          ],
        }),
      }),
    );

    await screen.findByRole('table', { name: 'My access' });
    const [vpn, orders, figma] = rows();
    expect(vpn).toHaveTextContent('Birthright of network-team');
    expect(
      within(vpn).getByRole('link', { name: /network-team/ }),
    ).toHaveAttribute('href', '/catalog/default/group/network-team');
    // Still the holder's to give up.
    expect(
      within(vpn).getByRole('button', { name: 'Give up VPN access' }),
    ).toBeVisible();

    expect(orders).not.toHaveTextContent('Birthright');

    expect(figma).toHaveTextContent('Birthright of design');
    expect(figma).toHaveTextContent(
      `Left the group, ${formatDateTime('2025-04-02T08:00:00Z')}`,
    );
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

  describe('more time', () => {
    const vpn = grants[2];
    const extension = serviceRequest({
      id: 'id-7',
      trackingNumber: 'REQ-000007',
      state: 'PENDING_APPROVAL',
      extendsGrantId: 'active',
    });

    it('is offered on active grants that expire and have no request for it open', async () => {
      await renderPage(
        mockServiceCatalogueApi({
          listMyGrants: async () => ({
            items: [
              vpn,
              grant({
                id: 'never',
                offeringTitle: 'Wiki editor',
                trackingNumber: 'REQ-000004',
              }),
              grant({
                id: 'asked',
                offeringTitle: 'Orders database, read',
                trackingNumber: 'REQ-000005',
                expiresAt: inTwelveDays,
                pendingExtension: {
                  requestId: 'id-6',
                  trackingNumber: 'REQ-000006',
                },
              }),
              grants[1],
            ],
          }),
        }),
      );
      await screen.findByRole('table', { name: 'My access' });
      const [vpnRow, wiki, orders, revoking] = rows();

      expect(
        within(vpnRow).getByRole('button', {
          name: 'Ask for more time on VPN access',
        }),
      ).toHaveTextContent('Ask for more time');
      expect(
        within(wiki).queryByRole('button', { name: /more time/ }),
      ).not.toBeInTheDocument();
      expect(
        within(wiki).getByRole('button', { name: 'Give up Wiki editor' }),
      ).toBeVisible();

      expect(orders).toHaveTextContent('More time asked in REQ-000006');
      expect(
        within(orders).getByRole('link', { name: 'REQ-000006' }),
      ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000006');
      expect(
        within(orders).queryByRole('button', { name: /more time/ }),
      ).not.toBeInTheDocument();

      expect(within(revoking).queryByRole('button')).not.toBeInTheDocument();
    });

    it('is asked for with a reason; the new request is linked and the list reloads', async () => {
      let current = [vpn];
      const api = mockServiceCatalogueApi({
        listMyGrants: async () => ({ items: current }),
        extendGrant: async () => {
          current = [
            {
              ...vpn,
              pendingExtension: {
                requestId: extension.id,
                trackingNumber: extension.trackingNumber,
              },
            },
          ];
          return extension;
        },
      });
      await renderPage(api);

      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Ask for more time on VPN access',
        }),
      );
      const dialog = screen.getByRole('dialog', {
        name: 'More time for VPN access',
      });
      expect(dialog).toHaveTextContent(
        `Your access ends ${formatDateTime(inTwelveDays)}.`,
      );
      await userEvent.type(
        within(dialog).getByRole('textbox', { name: 'Reason' }),
        'Project runs on',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Ask for more time' }),
      );

      expect(api.extendGrant).toHaveBeenCalledWith({
        grantId: 'active',
        reason: 'Project runs on',
      });
      const status = await screen.findByRole('status');
      expect(status).toHaveTextContent('More time asked in REQ-000007');
      expect(
        within(status).getByRole('link', { name: 'REQ-000007' }),
      ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000007');
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      // Reloaded: the row now points at the open request instead.
      await waitFor(() => expect(api.listMyGrants).toHaveBeenCalledTimes(2));
      const [row] = rows();
      await waitFor(() =>
        expect(row).toHaveTextContent('More time asked in REQ-000007'),
      );
      expect(
        screen.queryByRole('button', { name: /Ask for more time/ }),
      ).not.toBeInTheDocument();
    });

    it('says when the offering gave more time without approval', async () => {
      const api = mockServiceCatalogueApi({
        listMyGrants: async () => ({ items: [vpn] }),
        extendGrant: async () => ({ ...extension, state: 'DONE' }),
      });
      await renderPage(api);

      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Ask for more time on VPN access',
        }),
      );
      await userEvent.click(
        within(screen.getByRole('dialog')).getByRole('button', {
          name: 'Ask for more time',
        }),
      );

      expect(api.extendGrant).toHaveBeenCalledWith({
        grantId: 'active',
        reason: undefined,
      });
      expect(await screen.findByRole('status')).toHaveTextContent(
        'More time given in REQ-000007',
      );
    });

    it('shows in the dialog why the backend refused', async () => {
      const api = mockServiceCatalogueApi({
        listMyGrants: async () => ({ items: [vpn] }),
        extendGrant: async () => {
          throw await responseError(
            409,
            'More time is already asked for in REQ-000006',
          );
        },
      });
      await renderPage(api);

      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Ask for more time on VPN access',
        }),
      );
      const dialog = screen.getByRole('dialog', {
        name: 'More time for VPN access',
      });
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Ask for more time' }),
      );

      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'More time was not asked for: More time is already asked for in REQ-000006',
      );
      expect(dialog).toBeVisible();
      expect(screen.queryByRole('status')).not.toBeInTheDocument();

      // Closed and opened again, the dialog starts afresh.
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Cancel' }),
      );
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      await userEvent.click(
        screen.getByRole('button', { name: 'Ask for more time on VPN access' }),
      );
      expect(
        within(screen.getByRole('dialog')).queryByRole('alert'),
      ).not.toBeInTheDocument();
    });
  });

  it('says so when the user holds no access', async () => {
    await renderPage(
      mockServiceCatalogueApi({ listMyGrants: async () => ({ items: [] }) }),
    );

    expect(await screen.findByText('No access yet')).toBeInTheDocument();
  });
});
