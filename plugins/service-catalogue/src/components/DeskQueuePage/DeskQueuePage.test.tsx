import { AlertApiForwarder } from '@backstage/core-app-api';
import { alertApiRef } from '@backstage/core-plugin-api';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { AlertDisplay } from '@backstage/core-components';
import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  mockServiceCatalogueApi,
  responseError,
  serviceRequest,
} from '../../testUtils';
import { formatDateTime } from '../shared';
import { DeskQueuePage } from './DeskQueuePage';

const queue = [
  serviceRequest({
    id: 'a',
    trackingNumber: 'REQ-000001',
    offeringTitle: 'New laptop',
    requesterRef: 'user:default/ann',
    state: 'APPROVED',
    fulfilment: 'manual',
    slaDueAt: '2025-03-03T09:00:00Z',
  }),
  serviceRequest({
    id: 'b',
    trackingNumber: 'REQ-000002',
    offeringTitle: 'Desk phone',
    requesterRef: 'user:default/bob',
    state: 'IN_PROGRESS',
    fulfilment: 'manual',
    assigneeRef: 'user:default/dana',
    version: 5,
  }),
  serviceRequest({
    id: 'c',
    trackingNumber: 'REQ-000003',
    offeringTitle: 'Monitor',
    state: 'IN_PROGRESS',
    fulfilment: 'manual',
    assigneeRef: 'user:default/dan',
  }),
];

function queueApi(overrides: Partial<ServiceCatalogueApi> = {}) {
  return mockServiceCatalogueApi({
    listQueue: async () => ({ items: queue, totalCount: queue.length }),
    ...overrides,
  });
}

async function renderPage(api: ServiceCatalogueApi) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [serviceCatalogueApiRef, api],
        // Its own, as the app's replays the alerts of earlier tests.
        [alertApiRef, new AlertApiForwarder()],
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/dan' }),
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
      <DeskQueuePage />
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

function row(trackingNumber: string) {
  return screen.getByRole('row', { name: new RegExp(trackingNumber) });
}

async function choose(select: RegExp, option: string) {
  await userEvent.click(screen.getByRole('button', { name: select }));
  await userEvent.click(
    within(screen.getByRole('listbox')).getByRole('option', { name: option }),
  );
}

describe('DeskQueuePage', () => {
  it('lists the queue with what the desk may do to each request', async () => {
    const api = queueApi();
    await renderPage(api);

    expect(
      await screen.findByRole('heading', { name: 'Desk queue' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'REQ-000001' }),
    ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000001');
    expect(api.listQueue).toHaveBeenCalledWith({
      state: undefined,
      offering: undefined,
      requester: undefined,
      assignee: undefined,
      order: 'oldest',
      limit: 25,
      offset: 0,
    });
    expect(screen.getByRole('table', { name: 'Desk queue' })).toBeVisible();

    const laptop = row('REQ-000001');
    expect(laptop).toHaveTextContent('New laptop');
    expect(laptop).toHaveTextContent('ann');
    expect(laptop).toHaveTextContent('Approved');
    expect(laptop).toHaveTextContent('—');
    expect(
      within(laptop).getByRole('button', { name: 'Take REQ-000001' }),
    ).toBeVisible();
    expect(
      within(laptop).queryByRole('button', { name: 'Complete REQ-000001' }),
    ).not.toBeInTheDocument();

    // Someone else's: it may be taken over, and finished.
    const phone = row('REQ-000002');
    expect(phone).toHaveTextContent('dana');
    expect(
      within(phone).getByRole('button', { name: 'Take REQ-000002' }),
    ).toBeVisible();
    expect(
      within(phone).getByRole('button', { name: 'Complete REQ-000002' }),
    ).toBeVisible();
    expect(
      within(phone).getByRole('button', { name: 'Fail REQ-000002' }),
    ).toBeVisible();

    // Mine already: nothing to take.
    expect(
      within(row('REQ-000003')).queryByRole('button', {
        name: 'Take REQ-000003',
      }),
    ).not.toBeInTheDocument();
  });

  it('filters by state and assignee', async () => {
    const api = queueApi();
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000001' });

    await choose(/State/, 'In progress');
    await waitFor(() =>
      expect(api.listQueue).toHaveBeenLastCalledWith(
        expect.objectContaining({ state: ['IN_PROGRESS'] }),
      ),
    );

    await choose(/Assignee/, 'Me');
    await waitFor(() =>
      expect(api.listQueue).toHaveBeenLastCalledWith(
        expect.objectContaining({ assignee: 'user:default/dan' }),
      ),
    );

    await choose(/Assignee/, 'Nobody yet');
    await waitFor(() =>
      expect(api.listQueue).toHaveBeenLastCalledWith(
        expect.objectContaining({ assignee: 'none' }),
      ),
    );
  });

  it('marks requests past their SLA, sorts by due time and shows only the breached', async () => {
    const breached = serviceRequest({
      id: 'd',
      trackingNumber: 'REQ-000004',
      offeringTitle: 'Shared mailbox',
      state: 'APPROVED',
      fulfilment: 'manual',
      slaDueAt: '2020-01-02T09:00:00Z',
      sla: {
        policyId: 'standard',
        policyTitle: 'Standard',
        resolutionDueAt: '2020-01-02T09:00:00Z',
      },
    });
    const onTime = serviceRequest({
      id: 'e',
      trackingNumber: 'REQ-000005',
      offeringTitle: 'Headset',
      state: 'APPROVED',
      fulfilment: 'manual',
      slaDueAt: '2999-01-02T09:00:00Z',
      sla: {
        policyId: 'standard',
        policyTitle: 'Standard',
        resolutionDueAt: '2999-01-02T09:00:00Z',
      },
    });
    const api = queueApi({
      listQueue: jest.fn(async () => ({
        items: [breached, onTime],
        totalCount: 2,
      })),
    });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000004' });

    expect(within(row('REQ-000004')).getByText('Breached')).toBeVisible();
    expect(row('REQ-000004')).toHaveTextContent(
      formatDateTime('2020-01-02T09:00:00Z'),
    );
    expect(within(row('REQ-000005')).queryByText('Breached')).toBeNull();
    expect(row('REQ-000005')).toHaveTextContent(
      formatDateTime('2999-01-02T09:00:00Z'),
    );

    await choose(/Show/, 'Soonest due first');
    await waitFor(() =>
      expect(api.listQueue).toHaveBeenLastCalledWith(
        expect.objectContaining({ order: 'due' }),
      ),
    );
    expect(api.listQueue).not.toHaveBeenLastCalledWith(
      expect.objectContaining({ breached: true }),
    );
    await choose(/Show/, 'Breached SLA only');
    await waitFor(() =>
      expect(api.listQueue).toHaveBeenLastCalledWith(
        expect.objectContaining({ order: 'due', breached: true }),
      ),
    );
  });

  it('filters by offering and requester', async () => {
    const api = queueApi();
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000001' });

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Offering' }),
      'new-laptop',
    );
    await waitFor(() =>
      expect(api.listQueue).toHaveBeenLastCalledWith(
        expect.objectContaining({ offering: 'offering:default/new-laptop' }),
      ),
    );

    await userEvent.click(screen.getByRole('textbox', { name: 'Requester' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Bob Builder' }),
    );
    await waitFor(() =>
      expect(api.listQueue).toHaveBeenLastCalledWith({
        state: undefined,
        offering: 'offering:default/new-laptop',
        requester: 'user:default/bob',
        assignee: undefined,
        order: 'oldest',
        limit: 25,
        offset: 0,
      }),
    );
  });

  it('pages through the whole queue, oldest first, with its true total', async () => {
    const page = (offset: number) =>
      Array.from({ length: offset === 0 ? 25 : 5 }, (_, i) =>
        serviceRequest({
          id: `r${offset + i}`,
          trackingNumber: `REQ-${String(offset + i + 1).padStart(6, '0')}`,
          state: 'APPROVED',
          fulfilment: 'manual',
        }),
      );
    const api = queueApi({
      listQueue: async query => ({
        items: page(query?.offset ?? 0),
        totalCount: 30,
      }),
    });
    await renderPage(api);

    await screen.findByRole('link', { name: 'REQ-000001' });
    expect(screen.getAllByText('1-25 of 30')[0]).toBeInTheDocument();
    await userEvent.click(
      screen.getAllByRole('button', { name: 'Next Page' })[0],
    );

    expect(
      await screen.findByRole('link', { name: 'REQ-000030' }),
    ).toBeInTheDocument();
    expect(api.listQueue).toHaveBeenLastCalledWith(
      expect.objectContaining({ limit: 25, offset: 25 }),
    );
    expect(screen.queryByRole('link', { name: 'REQ-000001' })).toBeNull();
    expect(screen.getAllByText('26-30 of 30')[0]).toBeInTheDocument();

    // Another filter is another list, which starts at its first page.
    await choose(/Assignee/, 'Nobody yet');
    await waitFor(() =>
      expect(api.listQueue).toHaveBeenLastCalledWith(
        expect.objectContaining({ assignee: 'none', limit: 25, offset: 0 }),
      ),
    );
  });

  it('takes a request and reloads', async () => {
    const api = queueApi({ assignRequest: async () => queue[1] });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000002' });

    await userEvent.click(
      screen.getByRole('button', { name: 'Take REQ-000002' }),
    );

    expect(api.assignRequest).toHaveBeenCalledWith('b', {
      expectedVersion: 5,
    });
    await waitFor(() => expect(api.listQueue).toHaveBeenCalledTimes(2));
  });

  it('completes a request with a note', async () => {
    const api = queueApi({ completeRequest: async () => queue[1] });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000002' });

    await userEvent.click(
      screen.getByRole('button', { name: 'Complete REQ-000002' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Complete REQ-000002' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Note' }),
      'Phone on the desk',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Complete' }),
    );

    expect(api.completeRequest).toHaveBeenCalledWith('b', {
      note: 'Phone on the desk',
    });
    await waitFor(() => expect(api.listQueue).toHaveBeenCalledTimes(2));
  });

  it('fails a request only with a reason', async () => {
    const api = queueApi({ failRequest: async () => queue[1] });
    await renderPage(api);
    await screen.findByRole('link', { name: 'REQ-000002' });

    await userEvent.click(
      screen.getByRole('button', { name: 'Fail REQ-000002' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Fail REQ-000002' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Fail' }));
    expect(within(dialog).getByText('Say why it failed')).toBeVisible();
    expect(api.failRequest).not.toHaveBeenCalled();

    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Reason' }),
      'Out of stock',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Fail' }));

    expect(api.failRequest).toHaveBeenCalledWith('b', {
      reason: 'Out of stock',
    });
  });

  it("shows the backend's reason when it refuses", async () => {
    const error = await responseError(409, 'REQ-000001 was taken by dana');
    await renderPage(
      queueApi({
        assignRequest: async () => {
          throw error;
        },
      }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Take REQ-000001' }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'REQ-000001 was taken by dana',
    );
  });

  it('says so when nothing waits', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listQueue: async () => ({ items: [], totalCount: 0 }),
      }),
    );

    expect(
      await screen.findByText('Nothing waits for the desk.'),
    ).toBeInTheDocument();
  });
  describe('departures', () => {
    const departures = [
      {
        id: 'd2',
        userRef: 'user:default/gina',
        detectedAt: '2025-05-02T09:30:00Z',
        reason: 'marked' as const,
        revokedGrants: [],
        cancelledRequests: [],
      },
      {
        id: 'd1',
        userRef: 'user:default/frank',
        detectedAt: '2025-05-01T08:00:00Z',
        reason: 'missing' as const,
        revokedGrants: [
          {
            grantId: 'g1',
            offeringRef: 'offering:default/vpn-access',
            offeringTitle: 'VPN access',
          },
          {
            grantId: 'g2',
            offeringRef: 'offering:it/figma-licence',
            offeringTitle: 'Figma licence',
          },
        ],
        cancelledRequests: [
          {
            requestId: 'r9',
            trackingNumber: 'REQ-000009',
            offeringTitle: 'New laptop',
          },
        ],
      },
    ];

    async function openDepartures() {
      await userEvent.click(
        await screen.findByRole('tab', { name: 'Departures' }),
      );
    }

    it('lists who left, when, why, and what was taken away', async () => {
      const api = queueApi({
        listDepartures: async () => ({ items: departures }),
      });
      await renderPage(api);

      // The queue comes first; the departures only once asked for.
      expect(
        await screen.findByRole('table', { name: 'Desk queue' }),
      ).toBeVisible();
      expect(api.listDepartures).not.toHaveBeenCalled();
      await openDepartures();

      const table = await screen.findByRole('table', { name: 'Departures' });
      expect(
        screen.queryByRole('table', { name: 'Desk queue' }),
      ).not.toBeInTheDocument();
      const [gina, frank] = within(table).getAllByRole('row').slice(1);

      expect(within(gina).getByRole('link', { name: /gina/ })).toBeVisible();
      expect(gina).toHaveTextContent(formatDateTime('2025-05-02T09:30:00Z'));
      expect(gina).toHaveTextContent('Marked as gone');
      expect(within(gina).queryByRole('list')).not.toBeInTheDocument();

      expect(within(frank).getByRole('link', { name: /frank/ })).toBeVisible();
      expect(frank).toHaveTextContent('Missing from the catalog');
      const revoked = within(frank).getByRole('list', {
        name: 'Access revoked',
      });
      expect(
        within(revoked).getByRole('link', { name: 'VPN access' }),
      ).toHaveAttribute(
        'href',
        '/service-catalogue/offerings/default/vpn-access',
      );
      expect(
        within(revoked).getByRole('link', { name: 'Figma licence' }),
      ).toHaveAttribute(
        'href',
        '/service-catalogue/offerings/it/figma-licence',
      );
      const cancelled = within(frank).getByRole('list', {
        name: 'Requests cancelled',
      });
      expect(cancelled).toHaveTextContent('REQ-000009 for New laptop');
      expect(
        within(cancelled).getByRole('link', { name: 'REQ-000009' }),
      ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000009');
    });

    it('tells others that only the desk and administrators see them', async () => {
      await renderPage(
        queueApi({
          listDepartures: async () => {
            throw await responseError(403, 'Not allowed');
          },
        }),
      );
      await openDepartures();

      expect(
        await screen.findByText(
          'Only the service desk and administrators see departures',
        ),
      ).toBeVisible();
      expect(screen.queryByText(/Not allowed/)).not.toBeInTheDocument();
    });

    it('shows other errors as they are', async () => {
      await renderPage(
        queueApi({
          listDepartures: async () => {
            throw await responseError(500, 'Database unreachable');
          },
        }),
      );
      await openDepartures();

      expect(
        (await screen.findAllByText(/Database unreachable/)).length,
      ).toBeGreaterThan(0);
      expect(
        screen.queryByText(
          'Only the service desk and administrators see departures',
        ),
      ).not.toBeInTheDocument();
    });

    it('says so when nobody has left', async () => {
      await renderPage(
        queueApi({ listDepartures: async () => ({ items: [] }) }),
      );
      await openDepartures();

      expect(await screen.findByText('Nobody has left yet.')).toBeVisible();
    });
  });
});
