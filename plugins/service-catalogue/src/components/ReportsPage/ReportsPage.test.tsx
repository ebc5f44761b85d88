import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  GetReportQuery,
  ReportName,
  ServiceCatalogueReports,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockServiceCatalogueApi, reviewCampaign } from '../../testUtils';
import { ReportsPage } from './ReportsPage';

const HOUR = 3_600_000;

// jsdom measures nothing: recharts' responsive container needs the API to
// exist, and draws no chart at zero size, so the tables carry the checks.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
Object.assign(globalThis, { ResizeObserver: NoResizeObserver });

const reports: ServiceCatalogueReports = {
  volume: {
    byCategory: [{ category: 'access', title: 'Access', count: 7 }],
    byPeriod: [
      { period: '2026-01-01', count: 4 },
      { period: '2026-02-01', count: 3 },
    ],
  },
  delivery: {
    items: [
      {
        offeringRef: 'offering:default/vpn',
        offeringTitle: 'VPN access',
        delivered: 5,
        totalMedianMs: 9 * HOUR,
        totalP90Ms: 32 * HOUR,
        approvalMedianMs: 3 * HOUR,
        approvalP90Ms: 7.6 * HOUR,
        fulfilmentMedianMs: 6 * HOUR,
        fulfilmentP90Ms: 24 * HOUR,
      },
    ],
  },
  sla: {
    items: [
      {
        offeringRef: 'offering:default/vpn',
        offeringTitle: 'VPN access',
        policyId: 'standard',
        ended: 5,
        met: 4,
        complianceRate: 0.8,
      },
    ],
  },
  'sla/breaches': {
    items: [
      {
        id: 'r5',
        trackingNumber: 'REQ-000005',
        offeringRef: 'offering:default/vpn',
        offeringTitle: 'VPN access',
        policyId: 'standard',
        state: 'DONE',
        createdAt: '2026-01-09T09:00:00.000Z',
      },
    ],
    totalCount: 1,
  },
  offerings: {
    top: [
      {
        offeringRef: 'offering:default/vpn',
        offeringTitle: 'VPN access',
        count: 7,
      },
    ],
    unused: [
      {
        offeringRef: 'offering:default/fax',
        offeringTitle: 'Fax machine',
        owner: 'group:default/it',
      },
    ],
  },
  automation: {
    items: [
      {
        offeringRef: 'offering:default/vpn',
        offeringTitle: 'VPN access',
        automatic: 2,
        manual: 3,
        automationRate: 0.4,
      },
    ],
  },
  approvals: {
    stages: [{ stage: 0, decisions: 6, medianMs: 2.5 * HOUR }],
    decided: 6,
    rejected: 1,
    rejectionRate: 1 / 6,
  },
  access: {
    items: [
      {
        offeringRef: 'offering:default/vpn',
        offeringTitle: 'VPN access',
        active: 3,
        expiringSoon: 1,
      },
    ],
    leavers: { count: 1, medianMs: 3 * HOUR },
  },
};

function api() {
  return mockServiceCatalogueApi({
    getCategories: async () => ({
      items: [
        { id: 'access', title: 'Access', order: 0 },
        { id: 'hardware', title: 'Hardware', order: 1 },
      ],
    }),
    getOfferings: async () => ({ items: [] }),
    getReport: (async (name: ReportName, _query?: GetReportQuery) =>
      reports[name]) as any,
    listReviewCampaigns: async () => ({ items: [reviewCampaign()] }),
  });
}

async function renderPage(mock = api()) {
  await renderInTestApp(
    <TestApiProvider apis={[[serviceCatalogueApiRef, mock]]}>
      <ReportsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/service-catalogue': rootRouteRef } },
  );
  return mock;
}

const table = (title: string) =>
  screen
    .getByRole('heading', { name: `${title}: the numbers` })
    .closest('[class*="MuiPaper"]') as HTMLElement;

describe('ReportsPage', () => {
  it('shows every report with its numbers in a table', async () => {
    await renderPage();
    expect(
      await screen.findByRole('heading', {
        name: 'Time to deliver: the numbers',
      }),
    ).toBeInTheDocument();

    const delivery = within(table('Time to deliver'));
    const row = delivery.getByText('VPN access').closest('tr')!;
    // Delivered, median, p90, approval median and p90, fulfilment median and p90.
    expect(
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    ).toEqual(['VPN access', '5', '9', '32', '3', '7.6', '6', '24']);

    expect(within(table('SLA compliance')).getByText('80')).toBeInTheDocument();
    expect(
      within(table('Breached requests')).getByText('REQ-000005'),
    ).toBeInTheDocument();
    expect(
      within(table('Never requested')).getByText('Fax machine'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Of 6 requests decided, 1 were rejected \(16.7%\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /1 leavers in the period lost their access a median 3 hours/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Export Time to deliver as CSV' }),
    ).toBeEnabled();
  });

  it('lists the open access review campaigns with their progress, linking to their reports', async () => {
    const mock = await renderPage();

    const campaigns = await screen.findByRole('list', {
      name: 'Open review campaigns',
    });
    expect(
      within(campaigns).getByRole('link', { name: 'VPN access review' }),
    ).toHaveAttribute(
      'href',
      '/service-catalogue/reviews/campaigns/campaign-1',
    );
    expect(within(campaigns).getByText('2 of 4 decided')).toBeInTheDocument();
    expect(
      within(campaigns).getByRole('progressbar', {
        name: 'VPN access review: 2 of 4 decided',
      }),
    ).toHaveAttribute('aria-valuenow', '50');
    expect(mock.listReviewCampaigns).toHaveBeenCalledWith(
      expect.objectContaining({ state: 'open' }),
    );
    expect(screen.getByRole('link', { name: 'All campaigns' })).toHaveAttribute(
      'href',
      '/service-catalogue/reviews/campaigns',
    );
  });

  it('says when no access review campaign is open', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        ...api(),
        listReviewCampaigns: async () => ({ items: [] }),
      }),
    );

    expect(
      await screen.findByText('No review campaign is open.'),
    ).toBeInTheDocument();
  });

  it('asks every report again for the category picked', async () => {
    const mock = await renderPage();
    await screen.findByRole('heading', { name: 'Automation: the numbers' });
    await userEvent.click(screen.getByLabelText('Category'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Hardware' }),
    );
    await waitFor(() =>
      expect(mock.getReport).toHaveBeenCalledWith(
        'delivery',
        expect.objectContaining({ category: 'hardware' }),
      ),
    );
    expect(mock.getReport).toHaveBeenCalledWith(
      'volume',
      expect.objectContaining({ category: 'hardware', bucket: 'month' }),
    );
  });

  it('exports a table as CSV', async () => {
    const created: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:report';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await renderPage();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Export Automation as CSV' }),
    );
    expect(click).toHaveBeenCalled();
    expect(await created[0].text()).toBe(
      'Offering,By a template,By hand,Automated (%)\r\nVPN access,2,3,40\r\n',
    );
    click.mockRestore();
  });
});
