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
import { SWRConfig } from 'swr';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  OfferingSummary,
  serviceCatalogueAdministerPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  mockServiceCatalogueApi,
  responseError,
  reviewCampaign,
  reviewLine,
} from '../../testUtils';
import { ReviewCampaignPage } from './ReviewCampaignPage';
import { ReviewsPage } from './ReviewsPage';

const lines = [
  reviewLine({
    id: 'l-ann',
    holderRef: 'user:default/ann',
    trackingNumber: 'REQ-000001',
  }),
  reviewLine({
    id: 'l-bob',
    holderRef: 'user:default/bob',
    trackingNumber: 'REQ-000002',
    origin: 'birthright',
  }),
  reviewLine({
    id: 'l-cid',
    holderRef: 'user:default/cid',
    trackingNumber: 'REQ-000003',
    origin: 'desk',
  }),
];

// Lines leo decides for others: as ann's delegate, and as an administrator
// of a line nobody could be found to review.
const othersLines = [
  reviewLine({
    id: 'l-dan',
    holderRef: 'user:default/dan',
    reviewerRefs: ['user:default/ann'],
  }),
  reviewLine({ id: 'l-eve', holderRef: 'user:default/eve', reviewerRefs: [] }),
];

const vpnOffering: OfferingSummary = {
  entityRef: 'offering:default/vpn-access',
  name: 'vpn-access',
  namespace: 'default',
  title: 'VPN access',
  category: 'access/network',
  owner: 'group:default/network-team',
  requestMode: 'self-service',
  fulfilment: 'automatic',
  grant: { duration: 'P90D' },
  tags: [],
};

const offerings: OfferingSummary[] = [
  vpnOffering,
  // Owned, but leaves no grant to review.
  {
    ...vpnOffering,
    entityRef: 'offering:default/vpn-howto',
    name: 'vpn-howto',
    title: 'VPN how-to',
    grant: undefined,
  },
  // Leaves grants, but someone else's.
  {
    ...vpnOffering,
    entityRef: 'offering:default/new-laptop',
    name: 'new-laptop',
    title: 'New laptop',
    owner: 'group:default/it-desk',
  },
];

async function renderPage(
  api: ServiceCatalogueApi,
  path = '/service-catalogue/reviews',
  options: { administer?: boolean; ownershipEntityRefs?: string[] } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [serviceCatalogueApiRef, api],
        // Its own, as the app's replays the alerts of earlier tests.
        [alertApiRef, new AlertApiForwarder()],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/leo',
            ownershipEntityRefs: options.ownershipEntityRefs ?? [
              'user:default/leo',
              'group:default/network-team',
            ],
          }),
        ],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: request =>
              options.administer &&
              request.permission.name ===
                serviceCatalogueAdministerPermission.name
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      {/* usePermission caches its answers; each test its own. */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <Routes>
          <Route
            path="/service-catalogue/reviews/campaigns/:campaignId"
            element={<ReviewCampaignPage />}
          />
          <Route
            path="/service-catalogue/reviews/*"
            element={<ReviewsPage />}
          />
        </Routes>
      </SWRConfig>
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

function linesTable() {
  return screen.getByRole('table', { name: 'Lines to review' });
}

function row(holder: string): HTMLElement {
  return within(linesTable())
    .getByRole('checkbox', { name: `Select ${holder}, VPN access` })
    .closest('tr')!;
}

describe('ReviewsPage', () => {
  it('lists the lines waiting for me: holder, offering, since, why, request and campaign', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listReviewLines: async () => ({ items: lines }),
        getOfferings: async () => ({ items: offerings }),
      }),
    );

    expect(
      await screen.findByRole('table', { name: 'Lines to review' }),
    ).toBeInTheDocument();
    const ann = row('ann');
    expect(ann).toHaveTextContent('VPN access');
    expect(ann).toHaveTextContent('corp-vpn');
    expect(ann).toHaveTextContent('Requested');
    expect(ann).toHaveTextContent('VPN access review');
    expect(ann).toHaveTextContent('revoked if undecided');
    // Not a link: the reviewer may not be allowed to read the request.
    expect(ann).toHaveTextContent('REQ-000001');
    expect(within(ann).queryByRole('link', { name: 'REQ-000001' })).toBeNull();
    expect(row('bob')).toHaveTextContent('Birthright');
    expect(row('cid')).toHaveTextContent('Recorded by the desk');
    expect(screen.getByRole('button', { name: 'Revoke' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Keep' })).toBeDisabled();
  });

  it("says whose line it is when leo decides for a reviewer who delegated, or for nobody's", async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listReviewLines: async () => ({ items: [lines[0], ...othersLines] }),
        getOfferings: async () => ({ items: offerings }),
      }),
    );
    await screen.findByRole('table', { name: 'Lines to review' });

    expect(await within(row('dan')).findByText('for ann')).toBeInTheDocument();
    expect(
      within(row('eve')).getByText('No reviewer found'),
    ).toBeInTheDocument();
    expect(within(row('ann')).getByText('You')).toBeInTheDocument();
  });

  it('revokes two selected lines with one reason, in one call, and says what became of each', async () => {
    const api = mockServiceCatalogueApi({
      listReviewLines: jest
        .fn()
        .mockResolvedValueOnce({ items: lines })
        .mockResolvedValue({ items: [lines[2]] }),
      getOfferings: async () => ({ items: offerings }),
      // ann's grant ended at once; bob's revoke step is still running.
      decideReviewLines: async ({ lineIds }) => ({
        results: lineIds.map(id => ({
          lineId: id,
          line: {
            ...lines.find(l => l.id === id)!,
            decision: 'revoke',
            grantState: id === 'l-ann' ? 'ended' : 'revoking',
          },
        })),
      }),
    });
    await renderPage(api);
    await screen.findByRole('table', { name: 'Lines to review' });

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select ann, VPN access' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select bob, VPN access' }),
    );
    expect(
      screen.getByText('2 of 3 lines on this page selected'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke 2 lines' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'Left the project',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );

    const outcome = await screen.findByRole('status');
    expect(outcome).toHaveTextContent('Revocation started for 2 lines');
    expect(
      within(outcome).getByText('ann, VPN access: revoked'),
    ).toBeInTheDocument();
    expect(
      within(outcome).getByText('bob, VPN access: revocation started'),
    ).toBeInTheDocument();
    expect(api.decideReviewLines).toHaveBeenCalledTimes(1);
    expect(api.decideReviewLines).toHaveBeenCalledWith({
      lineIds: ['l-ann', 'l-bob'],
      decision: 'revoke',
      reason: 'Left the project',
    });
    // The decided lines leave the list.
    await waitFor(() =>
      expect(
        screen.queryByRole('checkbox', { name: 'Select ann, VPN access' }),
      ).toBeNull(),
    );
    expect(row('cid')).toBeInTheDocument();
  });

  it('does not revoke without a reason', async () => {
    const api = mockServiceCatalogueApi({
      listReviewLines: async () => ({ items: lines }),
      getOfferings: async () => ({ items: offerings }),
    });
    await renderPage(api);
    await screen.findByRole('table', { name: 'Lines to review' });

    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all' }));
    await userEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke 3 lines' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      '   ',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );

    expect(
      within(dialog).getByText('Say why the access is revoked.'),
    ).toBeInTheDocument();
    expect(dialog).toBeVisible();
    expect(api.decideReviewLines).not.toHaveBeenCalled();
  });

  it('keeps without a reason', async () => {
    const api = mockServiceCatalogueApi({
      listReviewLines: async () => ({ items: lines }),
      getOfferings: async () => ({ items: offerings }),
      decideReviewLines: async () => ({
        results: [{ lineId: 'l-cid', line: { ...lines[2], decision: 'keep' } }],
      }),
    });
    await renderPage(api);
    await screen.findByRole('table', { name: 'Lines to review' });

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select cid, VPN access' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Keep' }));
    const dialog = screen.getByRole('dialog', { name: 'Keep 1 line' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Kept 1 line');
    expect(api.decideReviewLines).toHaveBeenCalledWith({
      lineIds: ['l-cid'],
      decision: 'keep',
      reason: undefined,
    });
  });

  it("shows each refused line's reason beside the others' success, and keeps it selected", async () => {
    const api = mockServiceCatalogueApi({
      listReviewLines: async () => ({ items: lines }),
      getOfferings: async () => ({ items: offerings }),
      decideReviewLines: async () => ({
        results: [
          { lineId: 'l-ann', line: { ...lines[0], decision: 'keep' } },
          {
            lineId: 'l-bob',
            error: {
              name: 'NotAllowedError',
              message: 'You may not review your own access',
            },
          },
        ],
      }),
    });
    await renderPage(api);
    await screen.findByRole('table', { name: 'Lines to review' });

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select ann, VPN access' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select bob, VPN access' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Keep' }));
    await userEvent.click(
      within(screen.getByRole('dialog', { name: 'Keep 2 lines' })).getByRole(
        'button',
        { name: 'Keep' },
      ),
    );

    const outcome = await screen.findByRole('alert');
    expect(outcome).toHaveTextContent('Kept 1 line; 1 failed');
    expect(
      within(outcome).getByText('ann, VPN access: kept'),
    ).toBeInTheDocument();
    expect(
      within(outcome).getByText(
        'bob, VPN access: You may not review your own access',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('checkbox', { name: 'Select bob, VPN access' }),
    ).toBeChecked();
    expect(
      screen.getByRole('checkbox', { name: 'Select ann, VPN access' }),
    ).not.toBeChecked();
  });

  it('keeps the dialog open with the reason when the backend refuses the whole decision', async () => {
    const api = mockServiceCatalogueApi({
      listReviewLines: async () => ({ items: lines }),
      getOfferings: async () => ({ items: offerings }),
      decideReviewLines: jest.fn(async () => {
        throw await responseError(400, 'A reason is required to revoke');
      }),
    });
    await renderPage(api);
    await screen.findByRole('table', { name: 'Lines to review' });

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select ann, VPN access' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke 1 line' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'x',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );

    expect(
      await within(dialog).findByText('A reason is required to revoke'),
    ).toBeInTheDocument();
    // Behind the dialog, so hidden from assistive technology.
    expect(
      screen.getByRole('checkbox', {
        name: 'Select ann, VPN access',
        hidden: true,
      }),
    ).toBeChecked();
  });

  it('asks the backend for the lines of the offering and holder filtered', async () => {
    const api = mockServiceCatalogueApi({
      listReviewLines: async () => ({ items: lines }),
      getOfferings: async () => ({ items: offerings }),
    });
    await renderPage(api);
    await screen.findByRole('table', { name: 'Lines to review' });

    await userEvent.click(screen.getByRole('button', { name: /Offering/ }));
    // Only offerings that leave grants can have lines.
    expect(screen.queryByRole('option', { name: 'VPN how-to' })).toBeNull();
    await userEvent.click(screen.getByRole('option', { name: 'VPN access' }));
    const holder = screen.getByRole('searchbox', { name: 'Holder' });
    // The backend matches the holder's entity ref, not their display name.
    expect(holder).toHaveAccessibleDescription(
      'Part of the user name, such as ann',
    );
    await userEvent.type(holder, 'bo');

    await waitFor(() =>
      expect(api.listReviewLines).toHaveBeenLastCalledWith({
        offeringRef: 'offering:default/vpn-access',
        holder: 'bo',
        campaignId: undefined,
        targetRef: undefined,
        limit: 25,
        cursor: undefined,
      }),
    );

    await userEvent.click(screen.getByRole('button', { name: /Campaign/ }));
    await userEvent.click(
      screen.getByRole('option', { name: 'VPN access review' }),
    );
    await waitFor(() =>
      expect(api.listReviewLines).toHaveBeenLastCalledWith(
        expect.objectContaining({ campaignId: 'campaign-1' }),
      ),
    );
  });

  it('preselects the campaign a link names, before and after its lines arrive', async () => {
    const api = mockServiceCatalogueApi({
      listReviewLines: async ({ campaignId } = {}) => ({
        items: campaignId === 'campaign-1' ? lines : [],
      }),
      getOfferings: async () => ({ items: offerings }),
    });
    await renderPage(api, '/service-catalogue/reviews?campaignId=campaign-1');

    await screen.findByRole('table', { name: 'Lines to review' });
    expect(api.listReviewLines).toHaveBeenCalledWith(
      expect.objectContaining({ campaignId: 'campaign-1' }),
    );
    expect(api.listReviewLines).not.toHaveBeenCalledWith(
      expect.objectContaining({ campaignId: undefined }),
    );
    expect(
      await screen.findByRole('button', { name: /VPN access review/ }),
    ).toBeInTheDocument();
  });

  it('names a linked campaign by its id while none of its lines are seen', async () => {
    const api = mockServiceCatalogueApi({
      listReviewLines: async () => ({ items: [] }),
      getOfferings: async () => ({ items: offerings }),
    });
    await renderPage(api, '/service-catalogue/reviews?campaignId=campaign-9');

    expect(await screen.findByText('No lines match')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /campaign-9/ }),
    ).toBeInTheDocument();
    expect(api.listReviewLines).toHaveBeenCalledWith(
      expect.objectContaining({ campaignId: 'campaign-9' }),
    );
  });

  it('pages through the lines with the cursor the backend gave', async () => {
    // A full page, as the backend gives before a cursor.
    const first = Array.from({ length: 25 }, (_, i) =>
      reviewLine({ id: `l-${i}`, holderRef: `user:default/ann${i}` }),
    );
    const later = reviewLine({ id: 'l-dan', holderRef: 'user:default/dan' });
    const api = mockServiceCatalogueApi({
      listReviewLines: jest.fn(async ({ cursor } = {}) =>
        cursor === 'after-cid'
          ? { items: [later] }
          : { items: first, nextCursor: 'after-cid' },
      ),
      getOfferings: async () => ({ items: offerings }),
    });
    await renderPage(api);
    await screen.findByRole('table', { name: 'Lines to review' });

    fireEvent.click(screen.getAllByRole('button', { name: 'Next Page' })[0]);
    expect(
      await screen.findByRole('checkbox', { name: 'Select dan, VPN access' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('checkbox', { name: 'Select ann0, VPN access' }),
    ).toBeNull();
    expect(api.listReviewLines).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'after-cid', limit: 25 }),
    );

    fireEvent.click(
      screen.getAllByRole('button', { name: 'Previous Page' })[0],
    );
    expect(
      await screen.findByRole('checkbox', { name: 'Select ann0, VPN access' }),
    ).toBeInTheDocument();
    expect(api.listReviewLines).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: undefined }),
    );
  });

  it('says why the lines cannot be listed', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listReviewLines: async () => {
          throw await responseError(500, 'The review store is down');
        },
        getOfferings: async () => ({ items: offerings }),
      }),
    );

    expect(
      (await screen.findAllByText(/The review store is down/))[0],
    ).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Lines to review' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Keep' })).toBeNull();
  });

  it('says when nothing waits', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listReviewLines: async () => ({ items: [] }),
        getOfferings: async () => ({ items: offerings }),
      }),
    );

    expect(
      await screen.findByText('Nothing waits for your review'),
    ).toBeInTheDocument();
  });
});

describe('ReviewsPage campaigns', () => {
  it('lists the open campaigns with their progress, linking to each report', async () => {
    const api = mockServiceCatalogueApi({
      listReviewCampaigns: async ({ state } = {}) => ({
        items:
          state === 'closed'
            ? [reviewCampaign({ id: 'old', title: 'Last quarter', state })]
            : [reviewCampaign()],
      }),
    });
    await renderPage(api, '/service-catalogue/reviews/campaigns');

    const table = await screen.findByRole('table', { name: 'Open campaigns' });
    expect(
      within(table).getByRole('link', { name: 'VPN access review' }),
    ).toHaveAttribute(
      'href',
      '/service-catalogue/reviews/campaigns/campaign-1',
    );
    expect(within(table).getByText('2 of 4 decided')).toBeInTheDocument();
    expect(
      within(table).getByText('1 kept · 1 revoked · 2 undecided'),
    ).toBeInTheDocument();
    expect(
      within(table).getByRole('progressbar', {
        name: 'VPN access review: 2 of 4 decided',
      }),
    ).toHaveAttribute('aria-valuenow', '50');
    expect(within(table).getByText('By leo')).toBeInTheDocument();
    expect(api.listReviewCampaigns).toHaveBeenCalledWith({
      state: 'open',
      limit: 25,
      cursor: undefined,
    });

    await userEvent.click(screen.getByRole('button', { name: /Campaigns/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Closed' }));
    expect(
      await screen.findByRole('link', { name: 'Last quarter' }),
    ).toBeInTheDocument();
  });

  it('shows no campaign to those who own none', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        listReviewCampaigns: async () => ({ items: [] }),
      }),
      '/service-catalogue/reviews/campaigns',
    );

    expect(await screen.findByText('No open campaigns')).toBeInTheDocument();
  });

  it('offers administrators every offering that leaves grants and every group owning one', async () => {
    const api = mockServiceCatalogueApi({
      listReviewCampaigns: async () => ({ items: [] }),
      getOfferings: async () => ({ items: offerings }),
    });
    await renderPage(api, '/service-catalogue/reviews/campaigns', {
      administer: true,
      ownershipEntityRefs: ['user:default/leo'],
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Start a review' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Start a review' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Offering/ }),
    );
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'VPN access',
      'New laptop',
    ]);
    await userEvent.keyboard('{Escape}');
    await userEvent.click(
      within(dialog).getByRole('radio', { name: 'Everything a group owns' }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Group/ }),
    );
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'it-desk',
      'network-team',
    ]);
  });

  it('offers no review to those who own nothing and do not administer', async () => {
    const api = mockServiceCatalogueApi({
      listReviewCampaigns: async () => ({ items: [] }),
      getOfferings: async () => ({ items: offerings }),
    });
    await renderPage(api, '/service-catalogue/reviews/campaigns', {
      ownershipEntityRefs: ['user:default/leo', 'group:default/sales'],
    });

    await screen.findByText('No open campaigns');
    await waitFor(() => expect(api.getOfferings).toHaveBeenCalled());
    expect(
      screen.queryByRole('button', { name: 'Start a review' }),
    ).not.toBeInTheDocument();
  });

  it('starts a review of an offering the user owns, with a deadline', async () => {
    const api = mockServiceCatalogueApi({
      listReviewCampaigns: async () => ({ items: [] }),
      getOfferings: async () => ({ items: offerings }),
      startReviewCampaign: async body =>
        reviewCampaign({
          title: 'VPN access review',
          scope: body.scope,
          progress: { total: 1, undecided: 1, kept: 0, revoked: 0 },
        }),
    });
    await renderPage(api, '/service-catalogue/reviews/campaigns');
    await screen.findByText('No open campaigns');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Start a review' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Start a review' });
    expect(
      within(dialog).getByRole('button', { name: 'Start' }),
    ).toBeDisabled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Offering/ }),
    );
    // Only what the user owns and that leaves grants.
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'VPN access',
    ]);
    await userEvent.click(screen.getByRole('option', { name: 'VPN access' }));
    await userEvent.type(
      within(dialog).getByRole('spinbutton', { name: 'Days to review' }),
      '7',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Start' }),
    );

    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.startReviewCampaign).toHaveBeenCalledWith({
      scope: { kind: 'offering', offeringRef: 'offering:default/vpn-access' },
      deadline: 'P7D',
      title: undefined,
    });
    expect(
      await screen.findByText(
        'VPN access review started with 1 line to review',
      ),
    ).toBeInTheDocument();
    // The list is asked again, to show the new campaign.
    expect(api.listReviewCampaigns).toHaveBeenCalledTimes(2);
  });

  it("starts a review of everything one of the user's groups owns", async () => {
    const api = mockServiceCatalogueApi({
      listReviewCampaigns: async () => ({ items: [] }),
      getOfferings: async () => ({ items: offerings }),
      startReviewCampaign: jest.fn(async () => {
        throw await responseError(
          403,
          'You do not own group:default/network-team',
        );
      }),
    });
    await renderPage(api, '/service-catalogue/reviews/campaigns');
    await screen.findByText('No open campaigns');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Start a review' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Start a review' });
    await userEvent.click(
      within(dialog).getByRole('radio', { name: 'Everything a group owns' }),
    );
    expect(
      within(dialog).getByRole('spinbutton', { name: 'Days to review' }),
    ).toHaveAccessibleDescription(
      "14 days when left empty, unless the group owns exactly one reviewed offering: then that offering's deadline.",
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Group/ }),
    );
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'network-team',
    ]);
    await userEvent.click(screen.getByRole('option', { name: 'network-team' }));
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Title' }),
      'Q3 network review',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Start' }),
    );

    expect(
      await within(dialog).findByText(
        'You do not own group:default/network-team',
      ),
    ).toBeInTheDocument();
    expect(api.startReviewCampaign).toHaveBeenCalledWith({
      scope: { kind: 'owner', ownerRef: 'group:default/network-team' },
      deadline: undefined,
      title: 'Q3 network review',
    });
  });
});

describe('ReviewCampaignPage', () => {
  const report = {
    campaign: reviewCampaign({
      state: 'closed',
      closedAt: '2025-04-15T00:00:00Z',
    }),
    lines: [
      reviewLine({
        id: 'l-ann',
        decision: 'revoke' as const,
        decidedByRef: 'user:default/peggy',
        decidedForRef: 'user:default/leo',
        decidedAt: '2025-04-02T10:00:00Z',
        reason: 'Left the project',
        grantState: 'ended' as const,
      }),
      reviewLine({
        id: 'l-bob',
        holderRef: 'user:default/bob',
        decision: 'keep' as const,
        decidedByRef: 'plugin:service-catalogue',
        decidedAt: '2025-04-15T00:00:00Z',
        automatic: true,
      }),
    ],
    events: [
      {
        type: 'opened' as const,
        at: '2025-04-01T09:00:00Z',
        actorRef: 'user:default/leo',
        message: 'Opened with 2 lines',
      },
      {
        type: 'deadline' as const,
        at: '2025-04-15T00:00:00Z',
        actorRef: 'plugin:service-catalogue',
        message: 'Kept 1 undecided line',
      },
    ],
  };

  it('shows who decided what, when and why, and the history', async () => {
    const api = mockServiceCatalogueApi({
      getReviewCampaignReport: async () => report,
    });
    await renderPage(api, '/service-catalogue/reviews/campaigns/campaign-1');

    expect(
      await screen.findByRole('heading', { name: 'VPN access review' }),
    ).toBeInTheDocument();
    expect(api.getReviewCampaignReport).toHaveBeenCalledWith('campaign-1');
    const table = screen.getByRole('table', { name: 'Lines' });
    const ann = within(table).getByRole('row', { name: /ann/ });
    expect(ann).toHaveTextContent('Revoked');
    expect(ann).toHaveTextContent('peggy for leo');
    expect(ann).toHaveTextContent('Left the project');
    expect(ann).toHaveTextContent('Ended');
    expect(ann).toHaveTextContent('corp-vpn');
    expect(ann).toHaveTextContent('REQ-000001');
    expect(
      within(table).getByRole('columnheader', { name: 'Since' }),
    ).toBeInTheDocument();
    const bob = within(table).getByRole('row', { name: /bob/ });
    expect(bob).toHaveTextContent('Kept');
    // Decided by the deadline's rule, not by a person to link to.
    expect(bob).toHaveTextContent('At the deadline');
    expect(
      within(bob)
        .getAllByRole('link')
        .map(l => l.textContent),
    ).toEqual(['bob', 'corp-vpn']);
    const history = screen.getByRole('table', { name: 'History' });
    const opened = within(history).getByRole('row', { name: /Opened with/ });
    expect(
      within(opened).getByRole('link', { name: 'leo' }),
    ).toBeInTheDocument();
    const deadline = within(history).getByRole('row', { name: /undecided/ });
    expect(deadline).toHaveTextContent('Service catalogue');
    expect(within(deadline).queryByRole('link')).toBeNull();
  });

  it('downloads the CSV the backend made', async () => {
    const blob = new Blob(['holder\r\n'], { type: 'text/csv' });
    const api = mockServiceCatalogueApi({
      getReviewCampaignReport: async () => report,
      getReviewCampaignReportCsv: async () => blob,
    });
    const createObjectURL = jest.fn(() => 'blob:report');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await renderPage(api, '/service-catalogue/reviews/campaigns/campaign-1');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Download CSV' }),
    );

    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(api.getReviewCampaignReportCsv).toHaveBeenCalledWith('campaign-1');
    expect(createObjectURL).toHaveBeenCalledWith(blob);
    const link = click.mock.instances[0] as unknown as HTMLAnchorElement;
    expect(link.download).toBe('review-campaign-1.csv');
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:report');
    click.mockRestore();
  });

  it('says why the report cannot be shown', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        getReviewCampaignReport: async () => {
          throw await responseError(404, 'No such campaign');
        },
      }),
      '/service-catalogue/reviews/campaigns/nope',
    );

    expect(
      (await screen.findAllByText(/No such campaign/))[0],
    ).toBeInTheDocument();
  });
});
