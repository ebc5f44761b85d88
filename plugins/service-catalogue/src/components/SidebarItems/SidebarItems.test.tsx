import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { rootRouteRef } from '../../routes';
import { mockServiceCatalogueApi, serviceRequest } from '../../testUtils';
import { serviceCatalogueApiRef } from '../../api';
import {
  ApprovalsSidebarItem,
  DeskQueueSidebarItem,
  MyAccessSidebarItem,
  MyRequestsSidebarItem,
  ReportsSidebarItem,
  ReviewsSidebarItem,
} from './SidebarItems';

describe('sidebar items', () => {
  it('links to the approvals with the number waiting', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            serviceCatalogueApiRef,
            mockServiceCatalogueApi({
              listAwaitingApproval: async () => ({
                items: [serviceRequest(), serviceRequest({ id: 'b' })],
                totalCount: 2,
              }),
            }),
          ],
        ]}
      >
        <ApprovalsSidebarItem />
        <MyRequestsSidebarItem />
        <MyAccessSidebarItem />
        <DeskQueueSidebarItem />
        <ReportsSidebarItem />
        <ReviewsSidebarItem />
      </TestApiProvider>,
      { mountedRoutes: { '/service-catalogue': rootRouteRef } },
    );

    expect(await screen.findByText('2')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Approvals/ })).toHaveAttribute(
      'href',
      '/service-catalogue/approvals',
    );
    expect(screen.getByLabelText('2 waiting')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /My requests/ })).toHaveAttribute(
      'href',
      '/service-catalogue/requests',
    );
    expect(screen.getByRole('link', { name: /My access/ })).toHaveAttribute(
      'href',
      '/service-catalogue/access',
    );
    expect(screen.getByRole('link', { name: /Desk queue/ })).toHaveAttribute(
      'href',
      '/service-catalogue/desk',
    );
    expect(screen.getByRole('link', { name: /Reports/ })).toHaveAttribute(
      'href',
      '/service-catalogue/reports',
    );
    expect(screen.getByRole('link', { name: /Reviews/ })).toHaveAttribute(
      'href',
      '/service-catalogue/reviews',
    );
  });
});
