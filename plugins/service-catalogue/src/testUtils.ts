import { ResponseError } from '@backstage/errors';
import {
  Grant,
  ReviewCampaign,
  ReviewLine,
  ServiceRequest,
  Swap,
} from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueApi } from './api';

/**
 * A {@link ServiceCatalogueApi} of jest mocks for component tests; a method
 * a test does not override rejects, so that an unexpected call shows up as
 * an error on the page rather than as a silent empty answer.
 *
 * @internal
 */
export function mockServiceCatalogueApi(
  overrides: Partial<ServiceCatalogueApi> = {},
): jest.Mocked<ServiceCatalogueApi> {
  const unexpected = (method: string) =>
    jest.fn(async () => {
      throw new Error(`Unexpected call to ${method}`);
    });
  const api: ServiceCatalogueApi = {
    getCategories: unexpected('getCategories'),
    getOfferings: unexpected('getOfferings'),
    getOffering: unexpected('getOffering'),
    getAnticipatedApprovers: unexpected('getAnticipatedApprovers'),
    getRequestOptions: unexpected('getRequestOptions'),
    listRequests: unexpected('listRequests'),
    submitRequest: unexpected('submitRequest'),
    getRequest: unexpected('getRequest'),
    getRequestTaskLog: unexpected('getRequestTaskLog'),
    decideRequest: unexpected('decideRequest'),
    cancelRequest: unexpected('cancelRequest'),
    retryRequest: unexpected('retryRequest'),
    addComment: unexpected('addComment'),
    listQueue: unexpected('listQueue'),
    assignRequest: unexpected('assignRequest'),
    completeRequest: unexpected('completeRequest'),
    failRequest: unexpected('failRequest'),
    listAwaitingApproval: unexpected('listAwaitingApproval'),
    listDecided: unexpected('listDecided'),
    listDelegations: unexpected('listDelegations'),
    createDelegation: unexpected('createDelegation'),
    deleteDelegation: unexpected('deleteDelegation'),
    listMyGrants: unexpected('listMyGrants'),
    revokeGrant: unexpected('revokeGrant'),
    extendGrant: unexpected('extendGrant'),
    getEntityAccess: unexpected('getEntityAccess'),
    startSwap: unexpected('startSwap'),
    getSwap: unexpected('getSwap'),
    listDepartures: unexpected('listDepartures'),
    getReport: unexpected('getReport'),
    listReviewLines: unexpected('listReviewLines'),
    decideReviewLines: unexpected('decideReviewLines'),
    listReviewCampaigns: unexpected('listReviewCampaigns'),
    startReviewCampaign: unexpected('startReviewCampaign'),
    getReviewCampaign: unexpected('getReviewCampaign'),
    getReviewCampaignReport: unexpected('getReviewCampaignReport'),
    getReviewCampaignReportCsv: unexpected('getReviewCampaignReportCsv'),
  };
  for (const [key, value] of Object.entries(overrides)) {
    Object.assign(api, {
      [key]: jest.isMockFunction(value)
        ? value
        : jest.fn(value as (...args: unknown[]) => unknown),
    });
  }
  return api as jest.Mocked<ServiceCatalogueApi>;
}

/**
 * A request as the backend returns it, with the fields a test cares about
 * overridden.
 *
 * @internal
 */
export function serviceRequest(
  overrides: Partial<ServiceRequest> = {},
): ServiceRequest {
  return {
    id: 'id-1',
    trackingNumber: 'REQ-000001',
    offeringRef: 'offering:default/vpn-access',
    offeringTitle: 'VPN access',
    offeringOwnerRef: 'group:default/network-team',
    requesterRef: 'user:default/ann',
    submittedByRef: 'user:default/ann',
    state: 'PENDING_APPROVAL',
    version: 2,
    formValues: { reason: 'on call' },
    stages: [],
    createdAt: '2025-03-01T09:00:00Z',
    updatedAt: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}

/**
 * A grant as the backend returns it, with the fields a test cares about
 * overridden.
 *
 * @internal
 */
export function grant(overrides: Partial<Grant> = {}): Grant {
  return {
    id: 'grant-1',
    holderRef: 'user:default/ann',
    offeringRef: 'offering:default/vpn-access',
    offeringTitle: 'VPN access',
    offeringOwnerRef: 'group:default/network-team',
    targetRef: 'resource:default/corp-vpn',
    requestId: 'id-1',
    trackingNumber: 'REQ-000001',
    state: 'active',
    grantedAt: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}

/**
 * A swap as the backend returns it, with the fields a test cares about
 * overridden.
 *
 * @internal
 */
export function swap(overrides: Partial<Swap> = {}): Swap {
  return {
    id: 'swap-1',
    fromOfferingRef: 'offering:default/vpn-access',
    toOfferingRef: 'offering:default/vpn-admin',
    actorRef: 'user:default/leo',
    state: 'running',
    total: 3,
    moved: 0,
    failed: 0,
    createdAt: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}

/**
 * A line of an access review as the backend returns it, with the fields a
 * test cares about overridden.
 *
 * @internal
 */
export function reviewLine(overrides: Partial<ReviewLine> = {}): ReviewLine {
  return {
    id: 'line-1',
    campaignId: 'campaign-1',
    campaignTitle: 'VPN access review',
    deadlineAt: '2025-04-15T00:00:00Z',
    grantId: 'grant-1',
    holderRef: 'user:default/ann',
    offeringRef: 'offering:default/vpn-access',
    offeringTitle: 'VPN access',
    offeringOwnerRef: 'group:default/network-team',
    targetRef: 'resource:default/corp-vpn',
    grantedAt: '2025-01-10T10:00:00Z',
    origin: 'request',
    trackingNumber: 'REQ-000001',
    reviewerRefs: ['user:default/leo'],
    onUndecided: 'revoke',
    grantState: 'active',
    ...overrides,
  };
}

/**
 * An access review campaign as the backend returns it, with the fields a
 * test cares about overridden.
 *
 * @internal
 */
export function reviewCampaign(
  overrides: Partial<ReviewCampaign> = {},
): ReviewCampaign {
  return {
    id: 'campaign-1',
    title: 'VPN access review',
    scope: { kind: 'offering', offeringRef: 'offering:default/vpn-access' },
    trigger: 'manual',
    openedByRef: 'user:default/leo',
    openedAt: '2025-04-01T09:00:00Z',
    deadlineAt: '2025-04-15T00:00:00Z',
    state: 'open',
    ownerRefs: ['group:default/network-team'],
    progress: { total: 4, kept: 1, revoked: 1, undecided: 2 },
    ...overrides,
  };
}

/**
 * A `ResponseError` as the client throws it for an error answer of the
 * backend.
 *
 * @internal
 */
export async function responseError(
  status: number,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'InputError', message },
        request: { method: 'POST', url: '/requests' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}
