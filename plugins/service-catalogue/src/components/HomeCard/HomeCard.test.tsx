import { screen, within } from '@testing-library/react';
import { DateTime } from 'luxon';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { ServiceCatalogueHomeCard } from '../../plugin';
import { rootRouteRef } from '../../routes';
import {
  grant,
  mockServiceCatalogueApi,
  responseError,
  reviewLine,
  serviceRequest,
} from '../../testUtils';
import { HomeCardContent } from './HomeCard';

// Whole days plus an hour, so that the relative text does not round down.
const inDays = (days: number) =>
  DateTime.now().plus({ days, hours: 1 }).toISO()!;

const waiting = ['REQ-000011', 'REQ-000012', 'REQ-000013', 'REQ-000014'].map(
  (trackingNumber, i) =>
    serviceRequest({
      id: `w${i}`,
      trackingNumber,
      offeringTitle: `Offering ${i + 1}`,
      requesterRef: 'user:default/grace',
    }),
);

function render(api: ServiceCatalogueApi, card = <HomeCardContent />) {
  return renderInTestApp(
    <TestApiProvider apis={[[serviceCatalogueApiRef, api]]}>
      {card}
    </TestApiProvider>,
    { mountedRoutes: { '/service-catalogue': rootRouteRef } },
  );
}

function section(name: RegExp) {
  return screen.getByRole('heading', { name }).closest('section')!;
}

describe('the home page card', () => {
  it('shows how many wait for my decision and the first few, my open requests, and my access expiring within 30 days, each linking to its page', async () => {
    const api = mockServiceCatalogueApi({
      listAwaitingApproval: async () => ({ items: waiting, totalCount: 4 }),
      listRequests: async () => ({
        items: [
          serviceRequest({
            id: 'mine',
            trackingNumber: 'REQ-000020',
            offeringTitle: 'New laptop',
            state: 'IN_PROGRESS',
          }),
        ],
        totalCount: 1,
      }),
      listMyGrants: async () => ({
        items: [
          grant({
            id: 'later',
            offeringTitle: 'Figma licence',
            expiresAt: inDays(20),
          }),
          grant({
            id: 'soon',
            offeringTitle: 'VPN access',
            expiresAt: inDays(5),
            pendingExtension: { requestId: 'x', trackingNumber: 'REQ-000030' },
          }),
          grant({ id: 'far', offeringTitle: 'Jira', expiresAt: inDays(45) }),
          grant({ id: 'never', offeringTitle: 'Slack' }),
          grant({
            id: 'ended',
            offeringTitle: 'Orders database',
            state: 'ended',
            expiresAt: inDays(2),
          }),
        ],
      }),
    });
    await render(api);

    const decisions = section(/Waiting for your decision/);
    expect(
      await within(decisions).findByRole('link', {
        name: 'REQ-000011 Offering 1',
      }),
    ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000011');
    expect(decisions).toHaveTextContent('Waiting for your decision (4)');
    // The first three, and the way to the rest.
    const items = within(decisions).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent(/For grace, /);
    expect(
      within(decisions).getByRole('link', {
        name: 'All requests waiting for your decision',
      }),
    ).toHaveAttribute('href', '/service-catalogue/approvals');

    const mine = section(/Your open requests/);
    expect(
      await within(mine).findByRole('link', { name: 'REQ-000020 New laptop' }),
    ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000020');
    expect(within(mine).getByText(/^In progress, updated/)).toBeVisible();
    expect(
      within(mine).getByRole('link', { name: 'All your requests' }),
    ).toHaveAttribute('href', '/service-catalogue/requests');
    // Only the open ones, and no more than the card shows.
    expect(api.listRequests).toHaveBeenCalledWith({
      state: ['NEW', 'PENDING_APPROVAL', 'APPROVED', 'IN_PROGRESS', 'FAILED'],
      limit: 3,
      offset: 0,
    });

    const access = section(/Your access expiring within 30 days/);
    await within(access).findByRole('link', { name: 'VPN access' });
    expect(access).toHaveTextContent('(2)');
    const expiring = within(access).getAllByRole('listitem');
    // The soonest first; an ended grant, one without an end and one past
    // the 30 days are not listed.
    expect(expiring.map(item => item.querySelector('a')!.textContent)).toEqual([
      'VPN access',
      'Figma licence',
    ]);
    expect(expiring[0]).toHaveTextContent('Expires in 5 days');
    expect(expiring[0]).toHaveTextContent('more time asked');
    expect(
      within(expiring[0]).getByRole('link', { name: 'VPN access' }),
    ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000030');
    expect(
      within(expiring[1]).getByRole('link', { name: 'Figma licence' }),
    ).toHaveAttribute('href', '/service-catalogue/access');
    expect(
      within(access).getByRole('link', { name: 'All your access' }),
    ).toHaveAttribute('href', '/service-catalogue/access');
  });

  it('says when nothing waits, and shows what failed to load without hiding the rest', async () => {
    await render(
      mockServiceCatalogueApi({
        listAwaitingApproval: async () => ({ items: [], totalCount: 0 }),
        listRequests: async () => {
          throw await responseError(500, 'The database is unavailable');
        },
        listMyGrants: async () => ({ items: [] }),
      }),
    );

    expect(
      await screen.findByText('Nothing waits for your decision.'),
    ).toBeVisible();
    expect(
      await screen.findByText('None of your access expires within 30 days.'),
    ).toBeVisible();
    const mine = section(/Your open requests/);
    expect(await within(mine).findByRole('alert')).toHaveTextContent(
      'Could not load: The database is unavailable',
    );
    expect(mine).not.toHaveTextContent('(');
  });

  it('shows as a titled card on a legacy home page, with as many of each as asked', async () => {
    await render(
      mockServiceCatalogueApi({
        listAwaitingApproval: async () => ({ items: waiting, totalCount: 4 }),
        listRequests: async () => ({ items: [], totalCount: 0 }),
        listMyGrants: async () => ({ items: [] }),
      }),
      <ServiceCatalogueHomeCard maxItems={2} />,
    );

    expect(await screen.findByText('Service catalogue')).toBeVisible();
    const decisions = section(/Waiting for your decision/);
    await within(decisions).findByRole('link', {
      name: 'REQ-000012 Offering 2',
    });
    expect(within(decisions).getAllByRole('listitem')).toHaveLength(2);
  });

  it('shows the access waiting for my review, when some does', async () => {
    await render(
      mockServiceCatalogueApi({
        listAwaitingApproval: async () => ({ items: [], totalCount: 0 }),
        listReviewLines: async () => ({
          items: ['ann', 'bob', 'cid', 'dan'].map(holder =>
            reviewLine({ id: holder, holderRef: `user:default/${holder}` }),
          ),
          nextCursor: 'more',
        }),
        listRequests: async () => ({ items: [], totalCount: 0 }),
        listMyGrants: async () => ({ items: [] }),
      }),
    );

    const review = (
      await screen.findByRole('heading', { name: /Waiting for your review/ })
    ).closest('section')!;
    expect(review).toHaveTextContent('(4+)');
    expect(within(review).getAllByRole('listitem')).toHaveLength(3);
    expect(
      within(review).getByRole('link', { name: 'ann, VPN access' }),
    ).toHaveAttribute('href', '/service-catalogue/reviews');
    expect(
      within(review).getByRole('link', {
        name: 'All access waiting for your review',
      }),
    ).toHaveAttribute('href', '/service-catalogue/reviews');
  });

  it('shows no review section to those with nothing to review', async () => {
    const api = mockServiceCatalogueApi({
      listAwaitingApproval: async () => ({ items: [], totalCount: 0 }),
      listReviewLines: async () => ({ items: [] }),
      listRequests: async () => ({ items: [], totalCount: 0 }),
      listMyGrants: async () => ({ items: [] }),
    });
    await render(api);

    await screen.findByText('Nothing waits for your decision.');
    expect(api.listReviewLines).toHaveBeenCalled();
    expect(
      screen.queryByRole('heading', { name: /Waiting for your review/ }),
    ).toBeNull();
  });
});
