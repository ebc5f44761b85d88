import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  mockServiceCatalogueApi,
  responseError,
  serviceRequest,
} from '../../testUtils';
import { OfferingPage } from './OfferingPage';

const laptop: OfferingSummary = {
  entityRef: 'offering:default/laptop',
  name: 'laptop',
  namespace: 'default',
  title: 'New laptop',
  description: 'A replacement or additional laptop',
  category: 'hardware',
  owner: 'group:default/it-support',
  requestMode: 'self-service',
  fulfilment: 'manual',
  estimatedDelay: 'P2D',
  sla: 'standard',
  tags: [],
  form: {
    title: 'Your laptop',
    required: ['reason'],
    properties: {
      reason: { title: 'Reason', type: 'string' },
    },
  },
};

function api(overrides: Partial<ServiceCatalogueApi> = {}) {
  return mockServiceCatalogueApi({
    getOffering: async () => laptop,
    getCategories: async () => ({
      items: [{ id: 'hardware', title: 'Hardware', order: 1 }],
    }),
    getRequestOptions: async () => ({ forSelf: true, forOthers: false }),
    getAnticipatedApprovers: async ({ forUser }) => ({
      requesterRef: forUser ?? 'user:default/ann',
      stages: [
        {
          index: 0,
          approverSpec: ['manager'],
          approvers: [forUser ? 'user:default/carol' : 'user:default/mike'],
          source: 'resolved',
          policy: 'any',
          required: 1,
        },
        {
          index: 1,
          approverSpec: ['owner'],
          approvers: ['user:default/ivy', 'user:default/ian'],
          source: 'resolved',
          policy: 'all',
          required: 2,
        },
      ],
    }),
    ...overrides,
  });
}

async function renderPage(serviceCatalogueApi: ServiceCatalogueApi) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [serviceCatalogueApiRef, serviceCatalogueApi],
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
          path="/service-catalogue/offerings/:namespace/:name"
          element={<OfferingPage />}
        />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: ['/service-catalogue/offerings/default/laptop'],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/service-catalogue': rootRouteRef,
      },
    },
  );
}

async function fillAndSubmit(reason: string) {
  await userEvent.type(
    await screen.findByRole('textbox', { name: /Reason/ }),
    reason,
  );
  await userEvent.click(screen.getByRole('button', { name: 'Review' }));
  await userEvent.click(
    await screen.findByRole('button', { name: 'Submit request' }),
  );
}

describe('OfferingPage', () => {
  it('describes the offering and who will approve it', async () => {
    await renderPage(api());

    expect(
      await screen.findByRole('heading', { name: 'New laptop' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('A replacement or additional laptop'),
    ).toBeInTheDocument();
    expect(screen.getByText('Hardware')).toBeInTheDocument();
    expect(screen.getByText('about 2 days')).toBeInTheDocument();
    expect(screen.getByText('standard')).toBeInTheDocument();
    expect(screen.getByText('Self-service')).toBeInTheDocument();

    const stages = await screen.findByRole('list', { name: 'Approval stages' });
    const [first, second] = within(stages).getAllByRole('listitem');
    expect(first).toHaveTextContent('Stage 1: Any one approver');
    expect(within(first).getByRole('link', { name: /mike/ })).toBeVisible();
    expect(second).toHaveTextContent('Stage 2: All approvers');
    expect(within(second).getByRole('link', { name: /ivy/ })).toBeVisible();
    // Only delegated and desk offerings can be requested for others.
    expect(
      screen.queryByRole('combobox', { name: 'Request for' }),
    ).not.toBeInTheDocument();
  });

  it('warns those who fulfil it what keeps requests from being fulfilled', async () => {
    await renderPage(
      api({
        getOffering: async () => ({
          ...laptop,
          problems: [
            'The template template:default/laptop may not run: its first step must be the service-catalogue:gate action',
          ],
        }),
      }),
    );

    const warning = await screen.findByRole('alert');
    expect(warning).toHaveTextContent(
      'Requests for this offering cannot be fulfilled',
    );
    expect(warning).toHaveTextContent(
      'its first step must be the service-catalogue:gate action',
    );
  });

  it('shows no warning when there is nothing to fix', async () => {
    await renderPage(api());
    expect(
      await screen.findByRole('heading', { name: 'New laptop' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Requests for this offering cannot be fulfilled'),
    ).not.toBeInTheDocument();
  });

  it('submits the inline form and shows the tracking number', async () => {
    const serviceCatalogueApi = api({
      submitRequest: async () =>
        serviceRequest({ trackingNumber: 'REQ-000042' }),
    });
    await renderPage(serviceCatalogueApi);

    await fillAndSubmit('Mine broke');

    expect(
      await screen.findByText('Request REQ-000042 submitted'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'the page of REQ-000042' }),
    ).toHaveAttribute('href', '/service-catalogue/requests/REQ-000042');
    expect(serviceCatalogueApi.submitRequest).toHaveBeenCalledWith({
      offeringRef: 'offering:default/laptop',
      forUser: undefined,
      formValues: { reason: 'Mine broke' },
    });
  });

  it("shows the backend's reason when the request is refused", async () => {
    const error = await responseError(
      400,
      'The form values do not match the form: reason is too short',
    );
    await renderPage(
      api({
        submitRequest: async () => {
          throw error;
        },
      }),
    );

    await fillAndSubmit('x');

    const alert = await screen.findByText(
      'The form values do not match the form: reason is too short',
    );
    expect(alert.closest('[role="alert"]')).toHaveTextContent(
      'The request was not submitted',
    );
    expect(screen.queryByText(/^Request REQ-/)).not.toBeInTheDocument();
  });

  it('requests for a colleague where the offering allows it', async () => {
    const serviceCatalogueApi = api({
      getOffering: async () => ({ ...laptop, requestMode: 'delegated' }),
      getRequestOptions: async () => ({ forSelf: true, forOthers: true }),
      submitRequest: async () => serviceRequest(),
    });
    await renderPage(serviceCatalogueApi);

    const picker = await screen.findByRole('textbox', { name: 'Request for' });
    await userEvent.click(picker);
    await userEvent.click(
      await screen.findByRole('option', { name: 'Bob Builder' }),
    );

    // The approvers follow the person the request is for.
    expect(
      await screen.findByRole('link', { name: /carol/ }),
    ).toBeInTheDocument();
    expect(
      serviceCatalogueApi.getAnticipatedApprovers,
    ).toHaveBeenLastCalledWith({
      namespace: 'default',
      name: 'laptop',
      forUser: 'user:default/bob',
    });

    await fillAndSubmit('New starter');
    await waitFor(() =>
      expect(serviceCatalogueApi.submitRequest).toHaveBeenCalledWith(
        expect.objectContaining({ forUser: 'user:default/bob' }),
      ),
    );
  });

  it('offers no picker for colleagues to someone who may only ask for themselves', async () => {
    await renderPage(
      api({
        getOffering: async () => ({ ...laptop, requestMode: 'delegated' }),
      }),
    );
    expect(
      await screen.findByRole('button', { name: 'Review' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('textbox', { name: 'Request for' }),
    ).not.toBeInTheDocument();
  });

  it('says why instead of showing a form that could not be submitted', async () => {
    const serviceCatalogueApi = api({
      getOffering: async () => ({ ...laptop, requestMode: 'desk' }),
      getRequestOptions: async () => ({
        forSelf: false,
        forOthers: false,
        explanation:
          'A laptop is requested through the service desk; ask them to raise it for you',
      }),
    });
    await renderPage(serviceCatalogueApi);

    expect(
      await screen.findByText(/requested through the service desk/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Review' }),
    ).not.toBeInTheDocument();
    expect(serviceCatalogueApi.getAnticipatedApprovers).not.toHaveBeenCalled();
  });
});
