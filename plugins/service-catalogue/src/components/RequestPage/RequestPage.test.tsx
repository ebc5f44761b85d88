import { AlertApiForwarder } from '@backstage/core-app-api';
import { alertApiRef } from '@backstage/core-plugin-api';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { AlertDisplay } from '@backstage/core-components';
import {
  catalogApiRef,
  entityPresentationApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { JsonObject } from '@backstage/types';
import {
  RequestDetails,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../../api';
import { rootRouteRef, scaffolderTaskRouteRef } from '../../routes';
import {
  mockServiceCatalogueApi,
  responseError,
  serviceRequest,
} from '../../testUtils';
import { formatDateTime } from '../shared';
import { RequestPage } from './RequestPage';

const request: ServiceRequest = serviceRequest({
  requesterRef: 'user:default/ann',
  submittedByRef: 'user:default/desk-dan',
  stages: [
    {
      index: 0,
      approverSpec: ['manager'],
      approvers: ['user:default/mike'],
      source: 'resolved',
      policy: 'any',
      required: 1,
      status: 'approved',
      decisions: [
        {
          stageIndex: 0,
          approverRef: 'user:default/mike',
          decidedByRef: 'user:default/deputy',
          decision: 'approve',
          comment: 'Fine while Mike is away',
          decidedAt: '2025-03-01T11:00:00Z',
        },
      ],
    },
    {
      index: 1,
      approverSpec: ['owner'],
      approvers: ['user:default/ivy', 'user:default/ian'],
      source: 'resolved',
      policy: 'all',
      required: 2,
      status: 'active',
      decisions: [],
    },
  ],
});

function details(overrides: Partial<RequestDetails> = {}): RequestDetails {
  return {
    request,
    comments: [
      {
        id: 'c1',
        authorRef: 'user:default/ann',
        body: 'Needed for the on-call rota',
        visibility: 'external',
        createdAt: '2025-03-01T09:30:00Z',
      },
    ],
    events: [
      {
        id: 'e1',
        type: 'submit',
        actorRef: 'user:default/desk-dan',
        toState: 'NEW',
        createdAt: '2025-03-01T09:00:00Z',
      },
      {
        id: 'e2',
        type: 'route',
        actorRef: 'user:default/system',
        fromState: 'NEW',
        toState: 'PENDING_APPROVAL',
        createdAt: '2025-03-01T09:00:01Z',
      },
    ],
    actions: ['comment'],
    seesInternal: false,
    ...overrides,
  };
}

async function renderPage(
  api: ServiceCatalogueApi,
  options: {
    scaffolderBound?: boolean;
    /** People's names as the app's entity presentation gives them. */
    names?: Record<string, string>;
  } = {},
) {
  const { scaffolderBound = true, names } = options;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [serviceCatalogueApiRef, api],
        // Its own, as the app's replays the alerts of earlier tests.
        [alertApiRef, new AlertApiForwarder()],
        ...(names
          ? [
              [
                entityPresentationApiRef,
                {
                  forEntity: (entityRef: string) => {
                    const snapshot = {
                      entityRef,
                      primaryTitle: names[entityRef] ?? entityRef,
                    };
                    return { snapshot, promise: Promise.resolve(snapshot) };
                  },
                },
              ] as const,
            ]
          : []),
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
          path="/service-catalogue/requests/:requestId"
          element={<RequestPage />}
        />
      </Routes>
      <AlertDisplay />
    </TestApiProvider>,
    {
      routeEntries: ['/service-catalogue/requests/REQ-000001'],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/service-catalogue': rootRouteRef,
        ...(scaffolderBound && {
          '/create/tasks/:taskId': scaffolderTaskRouteRef,
        }),
      },
    },
  );
}

describe('RequestPage', () => {
  it('shows who the request is for, who submitted it, and its stages', async () => {
    const api = mockServiceCatalogueApi({ getRequest: async () => details() });
    await renderPage(api);

    expect(
      await screen.findByRole('heading', { name: 'REQ-000001' }),
    ).toBeInTheDocument();
    expect(api.getRequest).toHaveBeenCalledWith('REQ-000001');
    expect(screen.getByText('Pending approval')).toBeInTheDocument();
    expect(screen.getByText('For').nextElementSibling).toHaveTextContent('ann');
    expect(
      screen.getByText('Submitted by').nextElementSibling,
    ).toHaveTextContent('desk-dan');

    const stages = screen.getByRole('list', { name: 'Approval stages' });
    expect(within(stages).getByText('Stage 1')).toBeInTheDocument();
    expect(within(stages).getByText('Any one approver')).toBeInTheDocument();
    expect(within(stages).getByText('All approvers')).toBeInTheDocument();
    expect(within(stages).getByText('Waiting for decisions')).toBeVisible();

    const decision = within(
      screen.getByRole('list', { name: 'Decisions of stage 1' }),
    ).getByRole('listitem');
    expect(decision).toHaveTextContent(/Approved by deputy on behalf of mike/);
    expect(decision).toHaveTextContent('Fine while Mike is away');

    const timeline = screen.getByRole('list', { name: 'Timeline' });
    expect(timeline).toHaveTextContent('Submitted by desk-dan');
    expect(timeline).toHaveTextContent('Sent for approval');
  });

  it('shows the due time of an SLA, a clear breached mark, the stage deadline and the escalation in the history', async () => {
    const breached: ServiceRequest = {
      ...request,
      slaDueAt: '2025-03-03T17:00:00Z',
      sla: {
        policyId: 'standard',
        policyTitle: 'Standard',
        responseDueAt: '2025-03-01T13:00:00Z',
        resolutionDueAt: '2025-03-03T17:00:00Z',
        respondedAt: '2025-03-01T11:00:00Z',
      },
      stages: [
        request.stages[0],
        {
          ...request.stages[1],
          timeout: 'P2D',
          onTimeout: 'escalate',
          openedAt: '2025-03-01T11:00:00Z',
          deadlineAt: '2025-03-03T11:00:00Z',
          timedOutAt: '2025-03-03T11:00:00Z',
        },
      ],
    };
    const api = mockServiceCatalogueApi({
      getRequest: async () =>
        details({
          request: breached,
          events: [
            ...details().events,
            {
              id: 'e3',
              type: 'stage-escalate',
              actorRef: 'plugin:service-catalogue',
              data: { stageIndex: 1, added: ['user:default/carol'] },
              createdAt: '2025-03-03T11:00:00Z',
            },
          ],
        }),
    });
    await renderPage(api);
    await screen.findByRole('heading', { name: 'REQ-000001' });

    expect(screen.getByText('SLA').nextElementSibling).toHaveTextContent(
      'Standard',
    );
    const due = screen.getByText('Due').nextElementSibling!;
    expect(within(due as HTMLElement).getByText('Breached')).toBeVisible();
    expect(due).toHaveTextContent(formatDateTime('2025-03-03T17:00:00Z'));
    expect(
      screen.getByRole('list', { name: 'Approval stages' }),
    ).toHaveTextContent(
      `Timed out ${formatDateTime('2025-03-03T11:00:00Z')}: escalated`,
    );
    expect(screen.getByRole('list', { name: 'Timeline' })).toHaveTextContent(
      'Stage escalated',
    );
  });

  it('shows the time left on an SLA and, once ended, whether it was met', async () => {
    const dueAt = new Date(Date.now() + 3 * 3600_000).toISOString();
    const open: ServiceRequest = {
      ...request,
      slaDueAt: dueAt,
      sla: {
        policyId: 'standard',
        policyTitle: 'Standard',
        resolutionDueAt: dueAt,
      },
    };
    const api = mockServiceCatalogueApi({
      getRequest: async () => details({ request: open }),
    });
    const { unmount } = await renderPage(api);
    await screen.findByRole('heading', { name: 'REQ-000001' });
    const due = screen.getByText('Due').nextElementSibling!;
    expect(due).toHaveTextContent(/in (2|3) hours/);
    expect(within(due as HTMLElement).queryByText('Breached')).toBeNull();
    unmount();

    const ended: ServiceRequest = {
      ...open,
      state: 'DONE',
      sla: {
        ...open.sla!,
        endedAt: '2025-03-01T12:00:00Z',
        met: true,
        businessMinutes: 95,
      },
    };
    await renderPage(
      mockServiceCatalogueApi({
        getRequest: async () => details({ request: ended }),
      }),
    );
    await screen.findByRole('heading', { name: 'REQ-000001' });
    expect(screen.getByText('SLA').nextElementSibling).toHaveTextContent(
      'Standard: met, in 1 h 35 min of business time',
    );
  });

  it("shows the form's values by its field titles and option names", async () => {
    await renderPage(
      mockServiceCatalogueApi({
        getRequest: async () =>
          details({
            request: {
              ...request,
              formValues: {
                forUser: 'user:default/bob',
                size: 'l',
                reason: 'on call',
              },
            },
          }),
        getOffering: async () => ({
          entityRef: 'offering:default/vpn-access',
          name: 'vpn-access',
          namespace: 'default',
          title: 'VPN access',
          category: 'access',
          owner: 'group:default/network-team',
          requestMode: 'delegated',
          fulfilment: 'manual',
          tags: [],
          form: {
            properties: {
              forUser: {
                title: 'Requested for',
                type: 'string',
                'ui:field': 'EntityPicker',
              },
              size: {
                title: 'Size',
                type: 'string',
                enum: ['s', 'l'],
                enumNames: ['Small', 'Large'],
              },
            },
          },
        }),
      }),
      { names: { 'user:default/bob': 'Bob Builder' } },
    );

    const form = await screen.findByText('Requested for');
    const facts = form.closest('dl')!;
    await waitFor(() => expect(facts).toHaveTextContent('Bob Builder'));
    expect(facts).toHaveTextContent('SizeLarge');
    // A value the form does not know stays under its key.
    expect(facts).toHaveTextContent('reasonon call');
    expect(facts).not.toHaveTextContent('forUser');
  });

  it('offers to cancel only when the backend allows it', async () => {
    const api = mockServiceCatalogueApi({
      getRequest: async () => details({ actions: ['comment', 'cancel'] }),
      cancelRequest: async () => ({ ...request, state: 'CANCELLED' }),
    });
    await renderPage(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Cancel request' }),
    );
    expect(api.cancelRequest).toHaveBeenCalledWith('id-1', {
      expectedVersion: 2,
    });
    // Reloaded to show the request as it is now.
    await waitFor(() => expect(api.getRequest).toHaveBeenCalledTimes(2));
  });

  it('hides cancel, approve and reject when they are not allowed', async () => {
    await renderPage(
      mockServiceCatalogueApi({ getRequest: async () => details() }),
    );

    await screen.findByRole('heading', { name: 'REQ-000001' });
    expect(
      screen.queryByRole('button', { name: 'Cancel request' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Reject' }),
    ).not.toBeInTheDocument();
  });

  it('shows why provisioning failed, links the task, and lets a fulfiller retry', async () => {
    const failed = {
      ...request,
      state: 'FAILED' as const,
      fulfilment: 'automatic' as const,
      scaffolderTaskId: 'task-7',
      failure: { stepId: 'provision', message: 'the VPN refused the profile' },
    };
    const api = mockServiceCatalogueApi({
      getRequest: async () =>
        details({ request: failed, actions: ['comment', 'retry'] }),
      getRequestTaskLog: async () => ({
        taskId: 'task-7',
        lines: [
          {
            at: '2026-11-21T10:00:00.000Z',
            stepId: 'gate',
            status: 'completed',
            message: 'Finished step Check the approval',
          },
          {
            at: '2026-11-21T10:00:01.000Z',
            stepId: 'provision',
            status: 'failed',
            message: 'Error: the VPN refused the profile',
          },
        ],
      }),
      retryRequest: async () => ({ ...failed, state: 'IN_PROGRESS' }),
    });
    await renderPage(api);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Provisioning failedStep provision: the VPN refused the profile',
    );
    // The log comes through the service catalogue, which the requester may
    // read; the scaffolder's own page is only a link.
    const log = await screen.findByRole('list', { name: 'Task log' });
    expect(log).toHaveTextContent('gate · completed');
    expect(log).toHaveTextContent('provision · failed');
    expect(log).toHaveTextContent('Error: the VPN refused the profile');
    expect(api.getRequestTaskLog).toHaveBeenCalledWith('id-1');
    expect(
      screen.getByRole('link', { name: 'Open in the scaffolder' }),
    ).toHaveAttribute('href', '/create/tasks/task-7');
    await userEvent.click(
      screen.getByRole('button', { name: 'Retry provisioning' }),
    );
    expect(api.retryRequest).toHaveBeenCalledWith('id-1');
    await waitFor(() => expect(api.getRequest).toHaveBeenCalledTimes(2));
  });

  it('shows no task link when the app binds no scaffolder task page', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        getRequestTaskLog: async () => ({ taskId: 'task-7', lines: [] }),
        getRequest: async () =>
          details({
            request: {
              ...request,
              state: 'DONE',
              fulfilment: 'automatic',
              scaffolderTaskId: 'task-7',
            },
          }),
      }),
      { scaffolderBound: false },
    );

    expect(
      await screen.findByRole('heading', { name: 'REQ-000001' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Done')).toBeInTheDocument();
    expect(screen.queryByText('Provisioning task')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'Open in the scaffolder' }),
    ).not.toBeInTheDocument();
    expect(await screen.findByText('Nothing logged yet.')).toBeInTheDocument();
  });

  it('says when a request asks for more time on access already held', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        getRequest: async () =>
          details({
            request: {
              ...request,
              fulfilment: 'manual',
              extendsGrantId: 'grant-1',
            },
            actions: ['comment', 'approve', 'reject'],
          }),
      }),
    );

    const note = await screen.findByRole('note');
    expect(note).toHaveTextContent('More time for access already held');
    expect(note).toHaveTextContent(
      'ann holds VPN access and asks to keep it longer',
    );
    expect(screen.getByText('Fulfilment').nextElementSibling).toHaveTextContent(
      'Moves the end of the access already held',
    );
    expect(screen.getByRole('button', { name: 'Approve' })).toBeVisible();
  });

  it('says nothing of more time for a request for new access', async () => {
    await renderPage(
      mockServiceCatalogueApi({ getRequest: async () => details() }),
    );

    await screen.findByRole('heading', { name: 'REQ-000001' });
    expect(screen.queryByRole('note')).not.toBeInTheDocument();
    expect(screen.queryByText(/More time/)).not.toBeInTheDocument();
  });

  it('offers no retry to those who may not', async () => {
    await renderPage(
      mockServiceCatalogueApi({
        getRequest: async () =>
          details({
            request: {
              ...request,
              state: 'FAILED',
              failure: { message: 'no template' },
            },
          }),
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('no template');
    expect(
      screen.queryByRole('button', { name: 'Retry provisioning' }),
    ).not.toBeInTheDocument();
  });

  it('approves with a comment', async () => {
    const api = mockServiceCatalogueApi({
      getRequest: async () =>
        details({ actions: ['comment', 'approve', 'reject'] }),
      decideRequest: async () => request,
    });
    await renderPage(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Approve REQ-000001' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Comment' }),
      'Go ahead',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    expect(api.decideRequest).toHaveBeenCalledWith('id-1', {
      decision: 'approve',
      comment: 'Go ahead',
    });
  });

  it('shows why a decision was refused', async () => {
    const error = await responseError(409, 'The request was already decided');
    await renderPage(
      mockServiceCatalogueApi({
        getRequest: async () => details({ actions: ['reject'] }),
        decideRequest: async () => {
          throw error;
        },
      }),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject' }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Reject',
      }),
    );

    expect(
      await screen.findByText('The request was already decided'),
    ).toBeInTheDocument();
  });

  it('adds an external comment, without an internal option for the requester', async () => {
    const api = mockServiceCatalogueApi({
      getRequest: async () => details(),
      addComment: async () => ({
        id: 'c2',
        authorRef: 'user:default/ann',
        body: 'Any news?',
        visibility: 'external',
        createdAt: '2025-03-02T09:00:00Z',
      }),
    });
    await renderPage(api);

    expect(
      await screen.findByText('Needed for the on-call rota'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('checkbox', { name: /Internal/ }),
    ).not.toBeInTheDocument();

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Comment' }),
      'Any news?',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Add comment' }));

    expect(api.addComment).toHaveBeenCalledWith('id-1', {
      body: 'Any news?',
      visibility: 'external',
    });
  });

  it('shows and writes internal comments for those who see them', async () => {
    const api = mockServiceCatalogueApi({
      getRequest: async () =>
        details({
          seesInternal: true,
          comments: [
            {
              id: 'c3',
              authorRef: 'user:default/ivy',
              body: 'Check the licence count first',
              visibility: 'internal',
              createdAt: '2025-03-01T12:00:00Z',
            },
          ],
        }),
      addComment: async () => ({
        id: 'c4',
        authorRef: 'user:default/ivy',
        body: 'Done',
        visibility: 'internal',
        createdAt: '2025-03-02T09:00:00Z',
      }),
    });
    await renderPage(api);

    const comments = await screen.findByRole('list', { name: 'Comments' });
    const [comment] = within(comments).getAllByRole('listitem');
    expect(comment).toHaveTextContent('Check the licence count first');
    expect(within(comment).getByText('Internal')).toBeInTheDocument();

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Comment' }),
      'Done',
    );
    await userEvent.click(screen.getByRole('checkbox', { name: /Internal/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Add comment' }));

    expect(api.addComment).toHaveBeenCalledWith('id-1', {
      body: 'Done',
      visibility: 'internal',
    });
  });

  describe('for the desk', () => {
    const manual: ServiceRequest = {
      ...request,
      state: 'IN_PROGRESS',
      fulfilment: 'manual',
      stages: [],
    };
    const deskDetails = (actions: RequestDetails['actions']) =>
      details({ request: manual, actions });

    it('offers to take, assign, complete and fail only when allowed', async () => {
      await renderPage(
        mockServiceCatalogueApi({
          getRequest: async () => deskDetails(['comment']),
        }),
      );
      await screen.findByRole('heading', { name: 'REQ-000001' });
      for (const name of ['Take', 'Assign to…', 'Complete', 'Fail']) {
        expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
      }
    });

    it('takes the request and reloads', async () => {
      const api = mockServiceCatalogueApi({
        getRequest: async () => deskDetails(['comment', 'assign']),
        assignRequest: async () => manual,
      });
      await renderPage(api);

      await userEvent.click(
        await screen.findByRole('button', { name: 'Take' }),
      );

      expect(api.assignRequest).toHaveBeenCalledWith('id-1', {
        expectedVersion: 2,
      });
      await waitFor(() => expect(api.getRequest).toHaveBeenCalledTimes(2));
    });

    it('assigns the request to a colleague', async () => {
      const api = mockServiceCatalogueApi({
        getRequest: async () => deskDetails(['comment', 'assign']),
        assignRequest: async () => manual,
      });
      await renderPage(api);

      await userEvent.click(
        await screen.findByRole('button', { name: 'Assign to…' }),
      );
      const dialog = screen.getByRole('dialog', { name: 'Assign REQ-000001' });
      const assign = within(dialog).getByRole('button', { name: 'Assign' });
      expect(assign).toBeDisabled();
      await userEvent.click(
        within(dialog).getByRole('textbox', { name: 'Assignee' }),
      );
      await userEvent.click(
        await screen.findByRole('option', { name: 'Bob Builder' }),
      );
      await userEvent.click(assign);

      expect(api.assignRequest).toHaveBeenCalledWith('id-1', {
        assigneeRef: 'user:default/bob',
        expectedVersion: 2,
      });
    });

    it('completes the request with a note', async () => {
      const api = mockServiceCatalogueApi({
        getRequest: async () => deskDetails(['comment', 'complete', 'fail']),
        completeRequest: async () => ({ ...manual, state: 'DONE' }),
      });
      await renderPage(api);

      await userEvent.click(
        await screen.findByRole('button', { name: 'Complete' }),
      );
      const dialog = screen.getByRole('dialog', {
        name: 'Complete REQ-000001',
      });
      await userEvent.type(
        within(dialog).getByRole('textbox', { name: 'Note' }),
        'Profile installed',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Complete' }),
      );

      expect(api.completeRequest).toHaveBeenCalledWith('id-1', {
        note: 'Profile installed',
      });
      await waitFor(() => expect(api.getRequest).toHaveBeenCalledTimes(2));
    });

    it('fails the request only with a reason, and shows a refusal', async () => {
      const error = await responseError(409, 'The request is already done');
      const api = mockServiceCatalogueApi({
        getRequest: async () => deskDetails(['comment', 'complete', 'fail']),
        failRequest: async () => {
          throw error;
        },
      });
      await renderPage(api);

      await userEvent.click(
        await screen.findByRole('button', { name: 'Fail' }),
      );
      const dialog = screen.getByRole('dialog', { name: 'Fail REQ-000001' });
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Fail' }),
      );
      expect(within(dialog).getByText('Say why it failed')).toBeVisible();
      expect(api.failRequest).not.toHaveBeenCalled();

      await userEvent.type(
        within(dialog).getByRole('textbox', { name: 'Reason' }),
        'No licence left',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Fail' }),
      );

      expect(api.failRequest).toHaveBeenCalledWith('id-1', {
        reason: 'No licence left',
      });
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'The request is already done',
      );
    });
  });

  it('refreshes when the backend signals a change to this request', async () => {
    const subscribers: Array<(message: JsonObject) => void> = [];
    const signalApi: SignalApi = {
      subscribe: <TMessage extends JsonObject>(
        _channel: string,
        onMessage: (message: TMessage) => void,
      ) => {
        subscribers.push(message => onMessage(message as TMessage));
        return { unsubscribe: () => {} };
      },
    };
    const api = mockServiceCatalogueApi({ getRequest: async () => details() });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [serviceCatalogueApiRef, api],
          [signalApiRef, signalApi],
        ]}
      >
        <Routes>
          <Route
            path="/service-catalogue/requests/:requestId"
            element={<RequestPage />}
          />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/service-catalogue/requests/REQ-000001'],
        mountedRoutes: {
          '/catalog/:namespace/:kind/:name': entityRouteRef,
          '/service-catalogue': rootRouteRef,
        },
      },
    );
    await screen.findByRole('heading', { name: 'REQ-000001' });

    act(() =>
      subscribers.forEach(notify =>
        notify({ requestId: 'other', trackingNumber: 'REQ-000009' }),
      ),
    );
    act(() =>
      subscribers.forEach(notify =>
        notify({ requestId: 'id-1', trackingNumber: 'REQ-000001' }),
      ),
    );

    await waitFor(() => expect(api.getRequest).toHaveBeenCalledTimes(2));
  });
});
