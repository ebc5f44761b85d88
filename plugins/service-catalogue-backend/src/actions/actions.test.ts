import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { NotAllowedError } from '@backstage/errors';
import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';
import { ApprovalService } from '../approvals/ApprovalService';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { GrantService } from '../grants/GrantService';
import { RequestService } from '../requests/RequestService';
import { SubmissionService } from '../requests/SubmissionService';
import { ReviewService } from '../reviews/ReviewService';
import { registerServiceCatalogueActions } from '.';

const alice = mockCredentials.user('user:default/alice');

function offering(
  name: string,
  extra: Partial<OfferingSummary> = {},
): OfferingSummary {
  return {
    entityRef: `offering:default/${name}`,
    name,
    namespace: 'default',
    title: name,
    category: 'access',
    owner: 'group:default/team',
    requestMode: 'self-service',
    fulfilment: 'manual',
    tags: [],
    ...extra,
  };
}

const request = {
  id: 'r1',
  trackingNumber: 'REQ-000001',
  offeringRef: 'offering:default/vpn',
  offeringTitle: 'VPN',
  offeringOwnerRef: 'group:default/team',
  requesterRef: 'user:default/alice',
  submittedByRef: 'user:default/alice',
  state: 'PENDING_APPROVAL',
  version: 1,
  formValues: {},
  stages: [],
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
};

const reviewLine = {
  id: 'l1',
  campaignId: 'c1',
  campaignTitle: 'VPN access review',
  deadlineAt: '2026-12-17T00:00:00Z',
  grantId: 'g1',
  holderRef: 'user:default/bob',
  offeringRef: 'offering:default/vpn',
  offeringTitle: 'VPN',
  offeringOwnerRef: 'group:default/team',
  grantedAt: '2026-06-01T00:00:00Z',
  origin: 'request',
  trackingNumber: 'REQ-000001',
  reviewerRefs: ['user:default/alice'],
  onUndecided: 'revoke',
};

const form = [
  {
    title: 'Why',
    required: ['reason', 'forUser'],
    properties: {
      reason: { type: 'string', 'ui:widget': 'textarea' },
      forUser: { type: 'string', 'ui:field': 'OwnerPicker' },
    },
  },
  { properties: { until: { type: 'string', format: 'date' } } },
];

function setup() {
  const offerings = {
    listOfferings: jest.fn(async () => [
      offering('vpn-access', {
        title: 'VPN access',
        category: 'access/network',
      }),
      offering('orders-db-read', {
        title: 'Orders database, read',
        description: 'Read access to the orders database',
        category: 'access/data',
        tags: ['postgres'],
      }),
      offering('laptop', { title: 'Laptop', category: 'hardware' }),
    ]),
    getOffering: jest.fn(async () =>
      offering('vpn-access', {
        sla: 'standard',
        estimatedDelay: 'PT4H',
        form: form as any,
      }),
    ),
  };
  const submissions = {
    form: jest.fn(async () => form),
    submit: jest.fn(async () => request),
    requestOptions: jest.fn(async () => ({ forSelf: true, forOthers: false })),
    anticipateApprovers: jest.fn(async () => ({
      requesterRef: 'user:default/alice',
      stages: [
        {
          index: 0,
          approverSpec: ['manager'],
          approvers: ['user:default/bob'],
          source: 'manager',
          policy: 'any',
          required: 1,
        },
      ],
    })),
  };
  const requests = {
    getRequest: jest.fn(async () => ({
      request,
      comments: [],
      events: [],
      actions: ['cancel'],
      seesInternal: false,
    })),
    listMyRequests: jest.fn(async () => ({ items: [request], totalCount: 1 })),
    cancel: jest.fn(async () => ({ ...request, state: 'CANCELLED' })),
  };
  const approvals = {
    listAwaitingDecision: jest.fn(async () => ({
      items: [request],
      totalCount: 1,
    })),
    decide: jest.fn(async () => ({ ...request, state: 'APPROVED' })),
  };
  const grants = {
    list: jest.fn(async () => []),
    extend: jest.fn(async () => request),
  };
  const reviews = {
    listLines: jest.fn(async () => ({ items: [reviewLine] })),
    decide: jest.fn(async () => ({
      results: [{ lineId: 'l1', line: { ...reviewLine, decision: 'keep' } }],
    })),
  };
  const actionsRegistry = actionsRegistryServiceMock();
  registerServiceCatalogueActions({
    actionsRegistry,
    auth: mockServices.auth(),
    offerings: offerings as unknown as OfferingCatalogue,
    submissions: submissions as unknown as SubmissionService,
    requests: requests as unknown as RequestService,
    approvals: approvals as unknown as ApprovalService,
    grants: grants as unknown as GrantService,
    reviews: reviews as unknown as ReviewService,
  });
  return {
    actionsRegistry,
    offerings,
    submissions,
    requests,
    approvals,
    grants,
    reviews,
    invoke: (
      name: string,
      input: object,
      credentials: BackstageCredentials = alice,
    ) =>
      actionsRegistry.invoke({
        id: `test:${name}`,
        input: input as any,
        credentials,
      }),
  };
}

describe('the service catalogue actions', () => {
  it('registers each action once, with attributes that say what it does', async () => {
    const { actionsRegistry } = setup();
    const { actions } = await actionsRegistry.list();
    expect(
      Object.fromEntries(actions.map(a => [a.name, a.attributes])),
    ).toEqual({
      'find-offerings': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
      'describe-offering': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
      'submit-request': {
        readOnly: false,
        destructive: false,
        idempotent: false,
      },
      'get-request': { readOnly: true, destructive: false, idempotent: true },
      'list-my-requests': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
      'cancel-request': {
        readOnly: false,
        destructive: true,
        idempotent: true,
      },
      'list-requests-awaiting-my-decision': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
      'decide-request': {
        readOnly: false,
        destructive: true,
        idempotent: false,
      },
      'list-my-access': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
      'request-grant-extension': {
        readOnly: false,
        destructive: false,
        idempotent: false,
      },
      'list-review-lines': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
      'decide-review-lines': {
        readOnly: false,
        destructive: true,
        idempotent: false,
      },
    });
  });

  const personal: Array<[string, object]> = [
    ['describe-offering', { offeringRef: 'vpn-access' }],
    ['submit-request', { offeringRef: 'vpn-access', formValues: {} }],
    ['get-request', { request: 'REQ-000001' }],
    ['list-my-requests', {}],
    ['cancel-request', { request: 'REQ-000001' }],
    ['list-requests-awaiting-my-decision', {}],
    ['decide-request', { request: 'REQ-000001', decision: 'approve' }],
    ['list-my-access', {}],
    ['request-grant-extension', { grantId: 'g1' }],
    ['list-review-lines', {}],
    ['decide-review-lines', { lineIds: ['l1'], decision: 'keep' }],
  ];

  it.each(personal)(
    '%s refuses a service, which has no person to act for, before any service is asked',
    async (name, input) => {
      const mocks = setup();
      await expect(
        mocks.invoke(name, input, mockCredentials.service('external:robot')),
      ).rejects.toThrow(NotAllowedError);
      for (const service of [
        mocks.submissions,
        mocks.requests,
        mocks.approvals,
        mocks.grants,
        mocks.reviews,
      ]) {
        for (const fn of Object.values(service)) {
          expect(fn).not.toHaveBeenCalled();
        }
      }
    },
  );

  it('finds offerings by every word of the text and by category with its subcategories', async () => {
    const { invoke } = setup();
    const names = async (input: object) =>
      ((await invoke('find-offerings', input)).output as any).offerings.map(
        (o: OfferingSummary) => o.entityRef.replace('offering:default/', ''),
      );
    expect(await names({})).toEqual(['vpn-access', 'orders-db-read', 'laptop']);
    expect(await names({ text: 'orders DATABASE' })).toEqual([
      'orders-db-read',
    ]);
    expect(await names({ text: 'postgres read' })).toEqual(['orders-db-read']);
    expect(await names({ text: 'orders laptop' })).toEqual([]);
    expect(await names({ category: 'access' })).toEqual([
      'vpn-access',
      'orders-db-read',
    ]);
    expect(await names({ category: 'access/data' })).toEqual([
      'orders-db-read',
    ]);
    expect(await names({ category: 'acc' })).toEqual([]);
  });

  it('describes an offering with its form as JSON Schema, without layout hints or the field the backend fills', async () => {
    const { invoke, submissions } = setup();
    const { output } = await invoke('describe-offering', {
      offeringRef: 'vpn-access',
    });
    expect(submissions.anticipateApprovers).toHaveBeenCalledWith({
      offeringRef: 'offering:default/vpn-access',
      credentials: alice,
    });
    expect(submissions.form).toHaveBeenCalledWith({
      offeringRef: 'offering:default/vpn-access',
      credentials: alice,
    });
    expect(output).toMatchObject({
      form: {
        type: 'object',
        allOf: [
          {
            title: 'Why',
            required: ['reason'],
            properties: { reason: { type: 'string' } },
          },
          { properties: { until: { type: 'string', format: 'date' } } },
        ],
      },
      mayRequest: { forSelf: true, forOthers: false },
      approvalStages: [{ approvers: ['user:default/bob'], policy: 'any' }],
      sla: 'standard',
      estimatedDelay: 'PT4H',
    });
    expect(JSON.stringify(output)).not.toMatch(/ui:|forUser/);
  });

  it('names no approvers to someone who may not request the offering', async () => {
    const { invoke, submissions } = setup();
    submissions.requestOptions.mockResolvedValue({
      forSelf: false,
      forOthers: false,
      explanation: 'ask the desk',
    } as any);
    const { output } = await invoke('describe-offering', {
      offeringRef: 'vpn-access',
    });
    expect(output).toMatchObject({ approvalStages: [] });
    expect(submissions.anticipateApprovers).not.toHaveBeenCalled();
  });

  it('hands the caller, and only the caller, to the services', async () => {
    const { invoke, submissions, approvals, grants } = setup();
    await invoke('submit-request', {
      offeringRef: 'vpn-access',
      formValues: { reason: 'on call' },
    });
    expect(submissions.submit).toHaveBeenCalledWith({
      offeringRef: 'offering:default/vpn-access',
      forUserRef: undefined,
      formValues: { reason: 'on call' },
      credentials: alice,
    });
    await invoke('decide-request', {
      request: 'REQ-000001',
      decision: 'reject',
      comment: 'no',
    });
    expect(approvals.decide).toHaveBeenCalledWith(
      expect.objectContaining({
        idOrTrackingNumber: 'REQ-000001',
        decision: 'reject',
        credentials: alice,
      }),
    );
    await invoke('list-my-access', { holderRef: 'user:default/bob' });
    expect(grants.list).toHaveBeenCalledWith({
      credentials: alice,
      states: undefined,
    });
  });

  it('lists and decides review lines as the caller, with what the assistant needs to show them', async () => {
    const { invoke, reviews } = setup();
    const listed = await invoke('list-review-lines', { holder: 'bob' });
    expect(reviews.listLines).toHaveBeenCalledWith({
      offeringRef: undefined,
      holder: 'bob',
      cursor: undefined,
      credentials: alice,
    });
    expect(listed.output).toEqual({
      items: [expect.objectContaining({ id: 'l1', onUndecided: 'revoke' })],
    });
    const decided = await invoke('decide-review-lines', {
      lineIds: ['l1'],
      decision: 'revoke',
      reason: 'left the project',
    });
    expect(reviews.decide).toHaveBeenCalledWith({
      lineIds: ['l1'],
      decision: 'revoke',
      reason: 'left the project',
      credentials: alice,
    });
    expect(decided.output).toEqual({
      results: [
        { lineId: 'l1', line: expect.objectContaining({ decision: 'keep' }) },
      ],
    });
    await expect(
      invoke('decide-review-lines', { lineIds: [], decision: 'keep' }),
    ).rejects.toThrow(/lineIds/);
    expect(reviews.decide).toHaveBeenCalledTimes(1);
  });

  it('refuses input outside the schema before calling a service', async () => {
    const { invoke, approvals, grants } = setup();
    await expect(
      invoke('decide-request', { request: 'REQ-000001', decision: 'maybe' }),
    ).rejects.toThrow(/decision/);
    // The REST API's length limits hold here too.
    await expect(
      invoke('decide-request', {
        request: 'REQ-000001',
        decision: 'approve',
        comment: 'x'.repeat(4001),
      }),
    ).rejects.toThrow(/comment/);
    expect(approvals.decide).not.toHaveBeenCalled();
    await expect(
      invoke('request-grant-extension', {
        grantId: 'g-1',
        reason: 'x'.repeat(1001),
      }),
    ).rejects.toThrow(/reason/);
    expect(grants.extend).not.toHaveBeenCalled();
  });
});
