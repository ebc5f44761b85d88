import { AlertApiForwarder } from '@backstage/core-app-api';
import { AlertDisplay } from '@backstage/core-components';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { alertApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { Route, Routes } from 'react-router-dom';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { ApprovalDelegation } from '@service-catalogue/plugin-service-catalogue-common';
import { DateTime } from 'luxon';
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

async function renderPage(
  api: ServiceCatalogueApi,
  path = '/service-catalogue/approvals',
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [serviceCatalogueApiRef, api],
        // Its own, as the app's replays the alerts of earlier tests.
        [alertApiRef, new AlertApiForwarder()],
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/mike' }),
        ],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'User',
                metadata: { name: 'bob', namespace: 'default' },
                spec: { profile: { displayName: 'Bob Builder' } },
              },
            ],
          }),
        ],
      ]}
    >
      <Routes>
        <Route
          path="/service-catalogue/approvals/*"
          element={<ApprovalsPage />}
        />
      </Routes>
      <AlertDisplay />
    </TestApiProvider>,
    {
      routeEntries: [path],
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

  it('pages through the waiting requests with the cursor the backend gave, and back', async () => {
    const later = serviceRequest({
      id: 'z',
      trackingNumber: 'REQ-000040',
      offeringTitle: 'VPN access',
      requesterRef: 'user:default/ann',
    });
    const api = mockServiceCatalogueApi({
      listAwaitingApproval: jest.fn(async ({ cursor } = {}) =>
        cursor === 'after-2'
          ? { items: [later], totalCount: 26 }
          : { items: waiting, totalCount: 26, nextCursor: 'after-2' },
      ),
    });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000001' });

    fireEvent.click(screen.getAllByRole('button', { name: 'Next Page' })[0]);
    await screen.findByRole('link', { name: 'REQ-000040' });
    expect(screen.queryByRole('link', { name: 'REQ-000001' })).toBeNull();
    expect(api.listAwaitingApproval).toHaveBeenLastCalledWith({
      cursor: 'after-2',
      limit: 25,
    });

    fireEvent.click(
      screen.getAllByRole('button', { name: 'Previous Page' })[0],
    );
    await screen.findByRole('link', { name: 'REQ-000001' });
    expect(api.listAwaitingApproval).toHaveBeenLastCalledWith({
      cursor: undefined,
      limit: 25,
    });
  });

  it("names each row's buttons after its request, and tells a request for more time", async () => {
    const extension = serviceRequest({
      id: 'c',
      trackingNumber: 'REQ-000003',
      offeringTitle: 'VPN access',
      requesterRef: 'user:default/ann',
      formValues: { reason: 'Project runs on' },
      extendsGrantId: 'grant-1',
    });
    await renderPage(
      mockServiceCatalogueApi({
        listAwaitingApproval: async () => ({
          items: [...waiting, extension],
          totalCount: 3,
        }),
      }),
    );
    await screen.findByRole('link', { name: 'REQ-000003' });

    for (const trackingNumber of ['REQ-000001', 'REQ-000002', 'REQ-000003']) {
      const buttons = within(row(trackingNumber)).getAllByRole('button');
      expect(buttons.map(button => button.textContent)).toEqual([
        'Approve',
        'Reject',
      ]);
      expect(
        within(row(trackingNumber)).getByRole('button', {
          name: `Approve ${trackingNumber}`,
        }),
      ).toBeVisible();
      expect(
        within(row(trackingNumber)).getByRole('button', {
          name: `Reject ${trackingNumber}`,
        }),
      ).toBeVisible();
    }
    expect(row('REQ-000003')).toHaveTextContent(
      'More time for access already held',
    );
    expect(row('REQ-000001')).not.toHaveTextContent('More time');
  });

  it('approves one request with a comment', async () => {
    const api = mockServiceCatalogueApi({
      listAwaitingApproval: async () => ({ items: waiting, totalCount: 2 }),
      decideRequest: async () => waiting[0],
    });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000001' });

    await userEvent.click(
      within(row('REQ-000001')).getByRole('button', {
        name: 'Approve REQ-000001',
      }),
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

  it('opens the tab its link names', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listDelegations: async () => ({ items: [] }),
      }),
      '/service-catalogue/approvals/out-of-office',
    );

    expect(
      await screen.findByText('You have not delegated your approvals.'),
    ).toBeVisible();
    expect(screen.getByRole('tab', { name: 'Out of office' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
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

describe('ApprovalsPage out of office', () => {
  const now = DateTime.now();
  const delegation = (
    overrides: Partial<ApprovalDelegation>,
  ): ApprovalDelegation => ({
    id: 'd1',
    approverRef: 'user:default/mike',
    delegateRef: 'user:default/bob',
    startsAt: now.minus({ days: 1 }).toISO()!,
    endsAt: now.plus({ days: 6 }).toISO()!,
    ...overrides,
  });

  async function openTab(api: ServiceCatalogueApi) {
    await renderPage(api);
    await userEvent.click(screen.getByRole('tab', { name: 'Out of office' }));
  }

  function delegationsApi(overrides: Partial<ServiceCatalogueApi> = {}) {
    return mockServiceCatalogueApi({
      listAwaitingApproval: async () => ({ items: [], totalCount: 0 }),
      listDelegations: async () => ({ items: [] }),
      ...overrides,
    });
  }

  // A native date picker sets the whole value at once.
  function setDateTime(label: string, value: string) {
    fireEvent.change(screen.getByLabelText(label), { target: { value } });
  }

  it('lists my delegations with their state', async () => {
    const active = delegation({ id: 'd1', reason: 'Holiday' });
    await openTab(
      delegationsApi({
        listDelegations: async () => ({
          items: [
            active,
            delegation({
              id: 'd2',
              delegateRef: 'user:default/ann',
              startsAt: now.plus({ days: 10 }).toISO()!,
              endsAt: now.plus({ days: 12 }).toISO()!,
            }),
            delegation({
              id: 'd3',
              delegateRef: 'user:default/carl',
              startsAt: now.minus({ days: 10 }).toISO()!,
              endsAt: now.minus({ days: 8 }).toISO()!,
            }),
          ],
        }),
      }),
    );

    const table = await screen.findByRole('table', { name: 'Delegations' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent('bob');
    expect(rows[0]).toHaveTextContent('Holiday');
    expect(rows[0]).toHaveTextContent('Active');
    expect(rows[0]).toHaveTextContent(
      DateTime.fromISO(active.startsAt).toLocaleString(DateTime.DATETIME_MED),
    );
    expect(rows[1]).toHaveTextContent('ann');
    expect(rows[1]).toHaveTextContent('Scheduled');
    expect(rows[2]).toHaveTextContent('carl');
    expect(rows[2]).toHaveTextContent('Ended');
    expect(
      screen.getByText(/the delegate sees your waiting approvals/),
    ).toBeVisible();
  });

  it('adds a delegation and shows it', async () => {
    const added = delegation({
      startsAt: '2030-07-01T07:00:00.000Z',
      endsAt: '2030-07-15T16:00:00.000Z',
      reason: 'Summer holiday',
    });
    let items: ApprovalDelegation[] = [];
    const api = delegationsApi({
      listDelegations: async () => ({ items }),
      createDelegation: async () => {
        items = [added];
        return added;
      },
    });
    await openTab(api);
    expect(
      await screen.findByText('You have not delegated your approvals.'),
    ).toBeVisible();

    await userEvent.click(screen.getByRole('textbox', { name: 'Delegate' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Bob Builder' }),
    );
    setDateTime('From', '2030-07-01T09:00');
    setDateTime('Until', '2030-07-15T18:00');
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Reason' }),
      'Summer holiday',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Add delegation' }),
    );

    // The inputs are in local time; the body carries the same instants.
    expect(api.createDelegation).toHaveBeenCalledWith({
      delegateRef: 'user:default/bob',
      startsAt: new Date('2030-07-01T09:00').toISOString(),
      endsAt: new Date('2030-07-15T18:00').toISOString(),
      reason: 'Summer holiday',
    });
    const table = await screen.findByRole('table', { name: 'Delegations' });
    expect(table).toHaveTextContent('Summer holiday');
    expect(table).toHaveTextContent('Scheduled');
  });

  it('asks for a delegate and an end after the start', async () => {
    const api = delegationsApi();
    await openTab(api);
    await screen.findByText('You have not delegated your approvals.');

    setDateTime('From', '2030-07-15T09:00');
    setDateTime('Until', '2030-07-01T09:00');
    await userEvent.click(
      screen.getByRole('button', { name: 'Add delegation' }),
    );

    expect(screen.getByText('Pick a delegate')).toBeVisible();
    expect(screen.getByText('Until must be after From')).toBeVisible();
    expect(api.createDelegation).not.toHaveBeenCalled();
  });

  it("shows the backend's reason when it refuses", async () => {
    const refused = await responseError(400, 'You cannot delegate to yourself');
    const api = delegationsApi({
      createDelegation: async () => {
        throw refused;
      },
    });
    await openTab(api);
    await screen.findByText('You have not delegated your approvals.');

    await userEvent.click(screen.getByRole('textbox', { name: 'Delegate' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Bob Builder' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Add delegation' }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You cannot delegate to yourself',
    );
  });

  it('removes a delegation', async () => {
    let items = [delegation({ id: 'd1' })];
    const api = delegationsApi({
      listDelegations: async () => ({ items }),
      deleteDelegation: async () => {
        items = [];
      },
    });
    await openTab(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Remove delegation to bob' }),
    );

    expect(api.deleteDelegation).toHaveBeenCalledWith('d1');
    expect(
      await screen.findByText('You have not delegated your approvals.'),
    ).toBeVisible();
    expect(
      screen.queryByRole('table', { name: 'Delegations' }),
    ).not.toBeInTheDocument();
  });
});
