import { AlertApiForwarder } from '@backstage/core-app-api';
import { alertApiRef } from '@backstage/core-plugin-api';
import { AlertDisplay } from '@backstage/core-components';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
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
  reviewLine,
  serviceRequest,
  swap,
} from '../../testUtils';
import { formatDate } from '../shared';
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
    <TestApiProvider
      apis={[
        [serviceCatalogueApiRef, api],
        // Its own, as the app's replays the alerts of earlier tests.
        [alertApiRef, new AlertApiForwarder()],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityAccessContent />
      </EntityProvider>
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
  it('says which group gives a birthright, to its holder and to the owners', async () => {
    const birthright = {
      birthrightGroupRef: 'group:default/network-team',
    };
    await renderContent(
      mockServiceCatalogueApi({
        getEntityAccess: async () => ({
          ...access,
          myGrants: [grant({ id: 'mine', ...birthright })],
          holders: [
            grant({ id: 'held-by-bob', holderRef: 'user:default/bob' }),
            grant({
              id: 'held-by-dan',
              holderRef: 'user:default/dan',
              ...birthright,
            }),
          ],
        }),
      }),
    );

    await screen.findByRole('heading', { name: 'Holders' });
    const [mine] = rowsOf('Your grants');
    expect(mine).toHaveTextContent('Birthright of network-team');
    expect(
      within(mine).getByRole('link', { name: /network-team/ }),
    ).toHaveAttribute('href', '/catalog/default/group/network-team');
    // Still one's own to give up.
    expect(
      within(mine).getByRole('button', { name: 'Give up VPN access' }),
    ).toBeVisible();

    const [bob, dan] = rowsOf('Holders');
    expect(bob).not.toHaveTextContent('Birthright');
    expect(dan).toHaveTextContent('Birthright of network-team');
    expect(
      within(dan).getByRole('button', { name: 'Revoke dan from VPN access' }),
    ).toBeVisible();
  });

  it('flags the holders the owners should look at, and since when', async () => {
    await renderContent(
      mockServiceCatalogueApi({
        getEntityAccess: async () => ({
          ...access,
          holders: [
            grant({ id: 'held-by-bob', holderRef: 'user:default/bob' }),
            grant({
              id: 'held-by-eve',
              holderRef: 'user:default/eve',
              review: {
                reason: 'The holder is no longer in the offering’s audience',
                flaggedAt: '2025-05-06T07:00:00Z',
              },
            }),
          ],
        }),
      }),
    );

    await screen.findByRole('heading', { name: 'Holders' });
    const [bob, eve] = rowsOf('Holders');
    expect(bob).not.toHaveTextContent('Review');
    expect(
      within(eve).getByText(
        'Review: The holder is no longer in the offering’s audience',
      ),
    ).toBeVisible();
    expect(eve).toHaveTextContent(
      `Flagged ${formatDate('2025-05-06T07:00:00Z')}`,
    );
    // Flagged, not ended: it may still be revoked.
    expect(
      within(eve).getByRole('button', { name: 'Revoke eve from VPN access' }),
    ).toBeVisible();
  });

  describe('moving all holders', () => {
    const vpnPro: OfferingSummary = {
      ...vpnOffering,
      entityRef: 'offering:default/vpn-pro',
      name: 'vpn-pro',
      title: 'VPN pro',
    };
    const oneOff: OfferingSummary = {
      ...vpnOffering,
      entityRef: 'offering:default/vpn-token',
      name: 'vpn-token',
      title: 'Hardware VPN token',
      grant: undefined,
    };

    function moveApi(overrides: Partial<ServiceCatalogueApi> = {}) {
      return mockServiceCatalogueApi({
        getEntityAccess: async () => access,
        getOfferings: async () => ({
          items: [vpnOffering, vpnPro, oneOff],
        }),
        ...overrides,
      });
    }

    async function chooseTarget(dialog: HTMLElement, title: string) {
      await userEvent.click(
        within(dialog).getByRole('button', { name: /Move to/ }),
      );
      await userEvent.click(
        within(screen.getByRole('listbox')).getByRole('option', {
          name: title,
        }),
      );
    }

    afterEach(() => {
      // Unmounted while the fake timers still run, so that a failed test
      // leaves no interval behind for the next.
      cleanup();
      jest.useRealTimers();
    });

    it('is offered to the owners per offering with active holders', async () => {
      await renderContent(
        moveApi({
          getEntityAccess: async () => ({
            ...access,
            holders: [
              ...access.holders,
              grant({
                id: 'admin',
                holderRef: 'user:default/dan',
                offeringRef: 'offering:default/vpn-admin',
                offeringTitle: 'VPN administration',
              }),
              grant({
                id: 'leaving-pro',
                holderRef: 'user:default/dan',
                offeringRef: 'offering:default/vpn-pro',
                offeringTitle: 'VPN pro',
                state: 'revoking',
              }),
            ],
          }),
        }),
      );

      await screen.findByRole('heading', { name: 'Holders' });
      expect(
        screen
          .getAllByRole('button', { name: /^Move all holders of / })
          .map(button => button.getAttribute('aria-label')),
      ).toEqual([
        'Move all holders of VPN access',
        'Move all holders of VPN administration',
      ]);
    });

    it('is not offered to those who may not revoke', async () => {
      await renderContent(
        moveApi({
          getEntityAccess: async () => ({ ...access, canRevoke: false }),
        }),
      );

      await screen.findByRole('heading', { name: 'Holders' });
      expect(
        screen.queryByRole('button', { name: /Move all holders/ }),
      ).not.toBeInTheDocument();
    });

    it('moves them to an offering that leaves a grant, follows the progress, and reloads the holders', async () => {
      jest.useFakeTimers();
      const user = userEvent.setup({
        advanceTimers: jest.advanceTimersByTime,
      });
      const api = moveApi({
        startSwap: async () => swap({ total: 3, moved: 1 }),
        getSwap: jest
          .fn()
          .mockResolvedValueOnce(swap({ total: 3, moved: 2 }))
          .mockResolvedValueOnce(
            swap({
              total: 3,
              moved: 2,
              failed: 1,
              state: 'done',
              finishedAt: '2025-03-01T10:01:00Z',
            }),
          ),
      });
      await renderContent(api);

      await user.click(
        await screen.findByRole('button', {
          name: 'Move all holders of VPN access',
        }),
      );
      const dialog = screen.getByRole('dialog', {
        name: 'Move all holders of VPN access',
      });
      expect(
        within(dialog).getByRole('button', { name: 'Move holders' }),
      ).toBeDisabled();
      await user.click(
        await within(dialog).findByRole('button', { name: /Move to/ }),
      );
      // Neither the same offering nor one that leaves no grant.
      expect(
        within(screen.getByRole('listbox'))
          .getAllByRole('option')
          .map(option => option.textContent),
      ).toEqual(['VPN pro']);
      await user.click(screen.getByRole('option', { name: 'VPN pro' }));
      await user.click(
        within(dialog).getByRole('button', { name: 'Move holders' }),
      );

      expect(api.startSwap).toHaveBeenCalledWith({
        offeringRef: 'offering:default/vpn-access',
        toOfferingRef: 'offering:default/vpn-pro',
      });
      expect(await within(dialog).findByRole('status')).toHaveTextContent(
        'Moved 1 of 3, 0 failed',
      );
      expect(api.getSwap).not.toHaveBeenCalled();
      expect(api.getEntityAccess).toHaveBeenCalledTimes(1);

      await act(async () => {
        jest.advanceTimersByTime(2000);
      });
      expect(api.getSwap).toHaveBeenCalledWith('swap-1');
      expect(within(dialog).getByRole('status')).toHaveTextContent(
        'Moved 2 of 3, 0 failed',
      );
      expect(api.getEntityAccess).toHaveBeenCalledTimes(1);

      await act(async () => {
        jest.advanceTimersByTime(2000);
      });
      expect(within(dialog).getByRole('status')).toHaveTextContent(
        'Moved 2 of 3, 1 failed',
      );
      expect(api.getEntityAccess).toHaveBeenCalledTimes(2);

      // Done: no more asking.
      await act(async () => {
        jest.advanceTimersByTime(10000);
      });
      expect(api.getSwap).toHaveBeenCalledTimes(2);
      await user.click(within(dialog).getByRole('button', { name: 'Close' }));
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      expect(api.getEntityAccess).toHaveBeenCalledTimes(2);
    });

    it('shows in the dialog why the backend refused', async () => {
      const api = moveApi({
        startSwap: async () => {
          throw await responseError(
            403,
            'You do not fulfil offering:default/vpn-pro',
          );
        },
      });
      await renderContent(api);

      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Move all holders of VPN access',
        }),
      );
      const dialog = screen.getByRole('dialog', {
        name: 'Move all holders of VPN access',
      });
      await within(dialog).findByRole('button', { name: /Move to/ });
      await chooseTarget(dialog, 'VPN pro');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Move holders' }),
      );

      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'The holders were not moved: You do not fulfil offering:default/vpn-pro',
      );
      expect(within(dialog).queryByRole('status')).not.toBeInTheDocument();
      expect(api.getEntityAccess).toHaveBeenCalledTimes(1);

      // Closed and opened again, the dialog starts afresh.
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Cancel' }),
      );
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      await userEvent.click(
        screen.getByRole('button', { name: 'Move all holders of VPN access' }),
      );
      const again = screen.getByRole('dialog');
      expect(within(again).queryByRole('alert')).not.toBeInTheDocument();
      expect(
        within(again).getByRole('button', { name: 'Move holders' }),
      ).toBeDisabled();
    });

    it('says so when no other offering can take the holders', async () => {
      await renderContent(
        moveApi({
          getOfferings: async () => ({ items: [vpnOffering, oneOff] }),
        }),
      );

      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Move all holders of VPN access',
        }),
      );
      const dialog = screen.getByRole('dialog');
      expect(
        await within(dialog).findByText(
          'No other offering you can see leaves a grant to move the holders to.',
        ),
      ).toBeVisible();
      expect(
        within(dialog).getByRole('button', { name: 'Move holders' }),
      ).toBeDisabled();
    });
  });

  it('lists the review lines for the entity that wait for the viewer, to revoke as on the Reviews page', async () => {
    const lines = [
      reviewLine({ id: 'l-bob', holderRef: 'user:default/bob' }),
      reviewLine({ id: 'l-carol', holderRef: 'user:default/carol' }),
    ];
    const api = mockServiceCatalogueApi({
      getEntityAccess: async () => ({ ...access, holders: [] }),
      listReviewLines: jest
        .fn()
        .mockResolvedValueOnce({ items: lines })
        .mockResolvedValue({ items: [] }),
      decideReviewLines: async () => ({
        results: [
          {
            lineId: 'l-bob',
            line: { ...lines[0], decision: 'revoke', grantState: 'ended' },
          },
        ],
      }),
    });
    await renderContent(api);

    expect(
      await screen.findByRole('heading', { name: 'Reviews' }),
    ).toBeInTheDocument();
    expect(api.listReviewLines).toHaveBeenCalledWith(
      expect.objectContaining({ targetRef: 'resource:default/corp-vpn' }),
    );
    const table = screen.getByRole('table', { name: 'Lines to review' });
    // The entity is what every line gives access to.
    expect(
      within(table).queryByRole('columnheader', { name: 'Target' }),
    ).toBeNull();
    await userEvent.click(
      within(table).getByRole('checkbox', { name: 'Select bob, VPN access' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke 1 line' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'Moved team',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Revoked 1 line',
    );
    expect(api.decideReviewLines).toHaveBeenCalledWith({
      lineIds: ['l-bob'],
      decision: 'revoke',
      reason: 'Moved team',
    });
    // The card stays with the outcome once nothing is left to review.
    expect(
      await screen.findByText('Nothing left to review'),
    ).toBeInTheDocument();
  });

  it('shows no Reviews card when the lines cannot be listed, and the rest of the tab still', async () => {
    const api = mockServiceCatalogueApi({
      getEntityAccess: async () => ({ ...access, holders: [] }),
      listReviewLines: async () => {
        throw new Error('The review store is down');
      },
    });
    await renderContent(api);

    // Reviews are for the few who review: a failure there must not stand
    // in the way of the access everyone comes for.
    expect(
      await screen.findByRole('heading', { name: 'Offerings' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.listReviewLines).toHaveBeenCalled());
    expect(screen.queryByRole('heading', { name: 'Reviews' })).toBeNull();
    expect(screen.queryByText(/The review store is down/)).toBeNull();
  });

  it('shows no Reviews card to a viewer with nothing to review', async () => {
    const api = mockServiceCatalogueApi({
      getEntityAccess: async () => ({ ...access, holders: [] }),
      listReviewLines: async () => ({ items: [] }),
    });
    await renderContent(api);

    await screen.findByRole('heading', { name: 'Offerings' });
    await waitFor(() => expect(api.listReviewLines).toHaveBeenCalled());
    expect(screen.queryByRole('heading', { name: 'Reviews' })).toBeNull();
    expect(screen.queryByRole('table', { name: 'Lines to review' })).toBeNull();
  });
});
