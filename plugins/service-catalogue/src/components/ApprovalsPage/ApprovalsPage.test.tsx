import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  mockServiceCatalogueApi,
  responseError,
  serviceRequest,
} from '../../testUtils';
import { ApprovalsPage } from './ApprovalsPage';

const waiting = [
  serviceRequest({
    id: 'a',
    trackingNumber: 'REQ-000001',
    offeringTitle: 'VPN access',
    requesterRef: 'user:default/ann',
    formValues: { reason: 'on call', region: 'eu' },
  }),
  serviceRequest({
    id: 'b',
    trackingNumber: 'REQ-000002',
    offeringTitle: 'New laptop',
    requesterRef: 'user:default/bob',
    formValues: { model: 'standard-14' },
  }),
];

async function renderPage(api: ServiceCatalogueApi) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [serviceCatalogueApiRef, api],
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/mike' }),
        ],
      ]}
    >
      <ApprovalsPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/service-catalogue': rootRouteRef,
      },
    },
  );
}

function row(trackingNumber: string) {
  return screen.getByRole('row', { name: new RegExp(trackingNumber) });
}

describe('ApprovalsPage', () => {
  it('lists what waits for me with the form values', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listAwaitingApproval: async () => ({ items: waiting, totalCount: 2 }),
      }),
    );

    await screen.findByRole('link', { name: 'REQ-000001' });
    const vpn = row('REQ-000001');
    expect(vpn).toHaveTextContent('VPN access');
    expect(vpn).toHaveTextContent('ann');
    expect(vpn).toHaveTextContent('reason: on call');
    expect(vpn).toHaveTextContent('region: eu');
    expect(
      screen.getByRole('button', { name: 'Approve selected' }),
    ).toBeDisabled();
  });

  it('approves one request with a comment', async () => {
    const api = mockServiceCatalogueApi({
      listAwaitingApproval: async () => ({ items: waiting, totalCount: 2 }),
      decideRequest: async () => waiting[0],
    });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000001' });

    await userEvent.click(
      within(row('REQ-000001')).getByRole('button', { name: 'Approve' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Approve REQ-000001' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Comment' }),
      'OK for the rota',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    expect(api.decideRequest).toHaveBeenCalledTimes(1);
    expect(api.decideRequest).toHaveBeenCalledWith('a', {
      decision: 'approve',
      comment: 'OK for the rota',
    });
    expect(await screen.findByText('Approved 1 request')).toBeInTheDocument();
    // Reloaded so that the decided request leaves the list.
    await waitFor(() =>
      expect(api.listAwaitingApproval).toHaveBeenCalledTimes(2),
    );
  });

  it('approves the selected requests one call each', async () => {
    const api = mockServiceCatalogueApi({
      listAwaitingApproval: async () => ({ items: waiting, totalCount: 2 }),
      decideRequest: async id => waiting.find(r => r.id === id)!,
    });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000001' });

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select REQ-000001' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select REQ-000002' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Approve selected' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Approve 2 requests' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    expect(await screen.findByText('Approved 2 requests')).toBeInTheDocument();
    expect(api.decideRequest).toHaveBeenCalledWith('a', {
      decision: 'approve',
      comment: undefined,
    });
    expect(api.decideRequest).toHaveBeenCalledWith('b', {
      decision: 'approve',
      comment: undefined,
    });
  });

  it('reports each request that could not be decided', async () => {
    const refused = await responseError(409, 'Already decided by Ivy');
    const api = mockServiceCatalogueApi({
      listAwaitingApproval: async () => ({ items: waiting, totalCount: 2 }),
      decideRequest: async id => {
        if (id === 'b') {
          throw refused;
        }
        return waiting[0];
      },
    });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000001' });

    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all' }));
    await userEvent.click(
      screen.getByRole('button', { name: 'Reject selected' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Reject 2 requests' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Comment' }),
      'Budget freeze',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );

    const alert = await screen.findByText('Rejected 1 request; 1 failed');
    expect(alert.closest('[role="alert"]')).toHaveTextContent(
      'REQ-000002: Already decided by Ivy',
    );
    expect(api.decideRequest).toHaveBeenCalledWith('a', {
      decision: 'reject',
      comment: 'Budget freeze',
    });
    // The failed one stays selected, ready for another try.
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      screen.getByRole('checkbox', { name: 'Select REQ-000002' }),
    ).toBeChecked();
  });

  it('shows my decisions in the Decided tab', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listAwaitingApproval: async () => ({ items: [], totalCount: 0 }),
        listDecided: async () => ({
          items: [
            serviceRequest({
              trackingNumber: 'REQ-000007',
              state: 'REJECTED',
              stages: [
                {
                  index: 0,
                  approverSpec: ['manager'],
                  approvers: ['user:default/mike'],
                  source: 'resolved',
                  policy: 'any',
                  required: 1,
                  status: 'rejected',
                  decisions: [
                    {
                      stageIndex: 0,
                      approverRef: 'user:default/mike',
                      decidedByRef: 'user:default/mike',
                      decision: 'reject',
                      comment: 'Not in budget',
                      decidedAt: '2025-03-02T10:00:00Z',
                    },
                  ],
                },
              ],
            }),
          ],
          totalCount: 1,
        }),
      }),
    );

    expect(await screen.findByText('Nothing waits for you')).toBeVisible();
    await userEvent.click(screen.getByRole('tab', { name: 'Decided' }));

    await screen.findByRole('link', { name: 'REQ-000007' });
    const decided = row('REQ-000007');
    await waitFor(() => expect(decided).toHaveTextContent('Not in budget'));
    expect(within(decided).getAllByText('Rejected')).toHaveLength(2);
  });
});
