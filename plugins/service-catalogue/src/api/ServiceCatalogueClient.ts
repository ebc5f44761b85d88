import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  AddCommentBody,
  AnticipatedApprovers,
  RequestOptions,
  ApprovalDelegation,
  CreateDelegationBody,
  DecideRequestBody,
  DecideReviewLinesBody,
  DecideReviewLinesResponse,
  EntityAccess,
  GetReportQuery,
  Grant,
  ListCategoriesResponse,
  ListDelegationsResponse,
  ListDeparturesResponse,
  ListGrantsResponse,
  ListOfferingsResponse,
  ListApprovalsQuery,
  ListRequestsQuery,
  ListRequestsResponse,
  ListReviewCampaignsQuery,
  ListReviewCampaignsResponse,
  ListReviewLinesQuery,
  ListReviewLinesResponse,
  OfferingSummary,
  RequestComment,
  RequestDetails,
  RequestTaskLog,
  ReportName,
  ReviewCampaign,
  ReviewCampaignReport,
  RevokeGrantBody,
  ServiceCatalogueReports,
  ServiceRequest,
  StartReviewCampaignBody,
  SubmitRequestBody,
  Swap,
} from '@service-catalogue/plugin-service-catalogue-common';
import {
  AssignRequestBody,
  CompleteRequestBody,
  ExtendGrantOptions,
  FailRequestBody,
  GetApproversOptions,
  GetEntityAccessOptions,
  GetOfferingOptions,
  ListQueueQuery,
  ServiceCatalogueApi,
  StartSwapOptions,
} from './ServiceCatalogueApi';

/**
 * The default {@link ServiceCatalogueApi}, talking to the backend over HTTP.
 *
 * @public
 */
export class ServiceCatalogueClient implements ServiceCatalogueApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getCategories(): Promise<ListCategoriesResponse> {
    return this.request<ListCategoriesResponse>('/categories');
  }

  async getOfferings(): Promise<ListOfferingsResponse> {
    return this.request<ListOfferingsResponse>('/offerings');
  }

  async getOffering(options: GetOfferingOptions): Promise<OfferingSummary> {
    return this.request<OfferingSummary>(offeringPath(options));
  }

  async getRequestOptions(
    options: GetOfferingOptions,
  ): Promise<RequestOptions> {
    return this.request<RequestOptions>(
      `${offeringPath(options)}/request-options`,
    );
  }

  async getAnticipatedApprovers(
    options: GetApproversOptions,
  ): Promise<AnticipatedApprovers> {
    const query = new URLSearchParams();
    if (options.forUser) {
      query.set('forUser', options.forUser);
    }
    return this.request<AnticipatedApprovers>(
      `${offeringPath(options)}/approvers${queryString(query)}`,
    );
  }

  async listRequests(
    query: ListRequestsQuery = {},
  ): Promise<ListRequestsResponse> {
    const params = new URLSearchParams();
    // Repeated, not comma-joined: the spec declares `state` as an exploded
    // form array.
    for (const state of query.state ?? []) {
      params.append('state', state);
    }
    if (query.search) {
      params.set('search', query.search);
    }
    setPage(params, query);
    if (query.cursor) {
      params.set('cursor', query.cursor);
    }
    return this.request<ListRequestsResponse>(
      `/requests${queryString(params)}`,
    );
  }

  async submitRequest(body: SubmitRequestBody): Promise<ServiceRequest> {
    return this.request<ServiceRequest>('/requests', {
      method: 'POST',
      body,
    });
  }

  async getRequest(requestId: string): Promise<RequestDetails> {
    return this.request<RequestDetails>(requestPath(requestId));
  }

  async getRequestTaskLog(requestId: string): Promise<RequestTaskLog> {
    return this.request<RequestTaskLog>(`${requestPath(requestId)}/task-log`);
  }

  async decideRequest(
    requestId: string,
    body: DecideRequestBody,
  ): Promise<ServiceRequest> {
    return this.request<ServiceRequest>(`${requestPath(requestId)}/decisions`, {
      method: 'POST',
      body,
    });
  }

  async cancelRequest(
    requestId: string,
    options: { expectedVersion?: number } = {},
  ): Promise<ServiceRequest> {
    return this.request<ServiceRequest>(`${requestPath(requestId)}/cancel`, {
      method: 'POST',
      body: options,
    });
  }

  async retryRequest(requestId: string): Promise<ServiceRequest> {
    return this.request<ServiceRequest>(`${requestPath(requestId)}/retry`, {
      method: 'POST',
    });
  }

  async addComment(
    requestId: string,
    body: AddCommentBody,
  ): Promise<RequestComment> {
    return this.request<RequestComment>(`${requestPath(requestId)}/comments`, {
      method: 'POST',
      body,
    });
  }

  async listQueue(query: ListQueueQuery = {}): Promise<ListRequestsResponse> {
    const params = new URLSearchParams();
    for (const state of query.state ?? []) {
      params.append('state', state);
    }
    for (const key of ['offering', 'requester', 'assignee', 'order'] as const) {
      const value = query[key];
      if (value) {
        params.set(key, value);
      }
    }
    if (query.breached !== undefined) {
      params.set('breached', String(query.breached));
    }
    setPage(params, query);
    return this.request<ListRequestsResponse>(`/queue${queryString(params)}`);
  }

  async assignRequest(
    requestId: string,
    body: AssignRequestBody = {},
  ): Promise<ServiceRequest> {
    return this.request<ServiceRequest>(`${requestPath(requestId)}/assign`, {
      method: 'POST',
      body,
    });
  }

  async completeRequest(
    requestId: string,
    body: CompleteRequestBody = {},
  ): Promise<ServiceRequest> {
    return this.request<ServiceRequest>(`${requestPath(requestId)}/complete`, {
      method: 'POST',
      body,
    });
  }

  async failRequest(
    requestId: string,
    body: FailRequestBody,
  ): Promise<ServiceRequest> {
    return this.request<ServiceRequest>(`${requestPath(requestId)}/fail`, {
      method: 'POST',
      body,
    });
  }

  async listAwaitingApproval(
    query: ListApprovalsQuery = {},
  ): Promise<ListRequestsResponse> {
    return this.request<ListRequestsResponse>(
      `/approvals${cursorQuery(query)}`,
    );
  }

  async listDecided(
    query: ListApprovalsQuery = {},
  ): Promise<ListRequestsResponse> {
    return this.request<ListRequestsResponse>(
      `/approvals/history${cursorQuery(query)}`,
    );
  }

  async listDelegations(): Promise<ListDelegationsResponse> {
    return this.request<ListDelegationsResponse>('/delegations');
  }

  async createDelegation(
    body: CreateDelegationBody,
  ): Promise<ApprovalDelegation> {
    return this.request<ApprovalDelegation>('/delegations', {
      method: 'POST',
      body,
    });
  }

  async deleteDelegation(delegationId: string): Promise<void> {
    await this.request<void>(
      `/delegations/${encodeURIComponent(delegationId)}`,
      { method: 'DELETE' },
    );
  }

  async listMyGrants(): Promise<ListGrantsResponse> {
    return this.request<ListGrantsResponse>('/grants');
  }

  async revokeGrant(
    grantId: string,
    body: RevokeGrantBody = {},
  ): Promise<Grant> {
    return this.request<Grant>(
      `/grants/${encodeURIComponent(grantId)}/revoke`,
      { method: 'POST', body },
    );
  }

  async extendGrant(options: ExtendGrantOptions): Promise<ServiceRequest> {
    const { grantId, ...body } = options;
    return this.request<ServiceRequest>(
      `/grants/${encodeURIComponent(grantId)}/extend`,
      { method: 'POST', body },
    );
  }

  async getEntityAccess(
    options: GetEntityAccessOptions,
  ): Promise<EntityAccess> {
    const kind = encodeURIComponent(options.kind);
    const namespace = encodeURIComponent(options.namespace);
    const name = encodeURIComponent(options.name);
    return this.request<EntityAccess>(`/access/${kind}/${namespace}/${name}`);
  }

  async startSwap(options: StartSwapOptions): Promise<Swap> {
    const { offeringRef, ...body } = options;
    const { namespace, name } = parseEntityRef(offeringRef, {
      defaultKind: 'offering',
      defaultNamespace: 'default',
    });
    return this.request<Swap>(`${offeringPath({ namespace, name })}/swap`, {
      method: 'POST',
      body,
    });
  }

  async getSwap(swapId: string): Promise<Swap> {
    return this.request<Swap>(`/swaps/${encodeURIComponent(swapId)}`);
  }

  async listDepartures(): Promise<ListDeparturesResponse> {
    return this.request<ListDeparturesResponse>('/departures');
  }

  async getReport<K extends ReportName>(
    name: K,
    query: GetReportQuery = {},
  ): Promise<ServiceCatalogueReports[K]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') {
        params.set(key, String(value));
      }
    }
    const search = params.size ? `?${params}` : '';
    return this.request<ServiceCatalogueReports[K]>(
      `/reports/${name}${search}`,
    );
  }

  async listReviewLines(
    query: ListReviewLinesQuery = {},
  ): Promise<ListReviewLinesResponse> {
    const params = new URLSearchParams();
    for (const key of [
      'campaignId',
      'offeringRef',
      'targetRef',
      'holder',
      'cursor',
    ] as const) {
      const value = query[key];
      if (value) {
        params.set(key, value);
      }
    }
    if (query.limit !== undefined) {
      params.set('limit', String(query.limit));
    }
    return this.request<ListReviewLinesResponse>(
      `/reviews/lines${queryString(params)}`,
    );
  }

  async decideReviewLines(
    body: DecideReviewLinesBody,
  ): Promise<DecideReviewLinesResponse> {
    return this.request<DecideReviewLinesResponse>('/reviews/decisions', {
      method: 'POST',
      body,
    });
  }

  async listReviewCampaigns(
    query: ListReviewCampaignsQuery = {},
  ): Promise<ListReviewCampaignsResponse> {
    const params = new URLSearchParams();
    if (query.state) {
      params.set('state', query.state);
    }
    if (query.cursor) {
      params.set('cursor', query.cursor);
    }
    if (query.limit !== undefined) {
      params.set('limit', String(query.limit));
    }
    return this.request<ListReviewCampaignsResponse>(
      `/reviews/campaigns${queryString(params)}`,
    );
  }

  async startReviewCampaign(
    body: StartReviewCampaignBody,
  ): Promise<ReviewCampaign> {
    return this.request<ReviewCampaign>('/reviews/campaigns', {
      method: 'POST',
      body,
    });
  }

  async getReviewCampaign(campaignId: string): Promise<ReviewCampaign> {
    return this.request<ReviewCampaign>(campaignPath(campaignId));
  }

  async getReviewCampaignReport(
    campaignId: string,
  ): Promise<ReviewCampaignReport> {
    return this.request<ReviewCampaignReport>(
      `${campaignPath(campaignId)}/report`,
    );
  }

  async getReviewCampaignReportCsv(campaignId: string): Promise<Blob> {
    const response = await this.fetch(
      `${campaignPath(campaignId)}/report?format=csv`,
    );
    return response.blob();
  }

  private async request<T>(
    path: string,
    init: { method?: string; body?: object } = {},
  ): Promise<T> {
    const response = await this.fetch(path, init);
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }

  private async fetch(
    path: string,
    init: { method?: string; body?: object } = {},
  ): Promise<Response> {
    // Resolved on every call rather than cached: discovery may move the
    // backend between calls, and the implementation caches where it can.
    const baseUrl = await this.discoveryApi.getBaseUrl('service-catalogue');
    const url = `${baseUrl}${path}`;
    // fetchApi, not the global fetch, so that the user's token is attached.
    const response = init.method
      ? await this.fetchApi.fetch(url, {
          method: init.method,
          ...(init.body && {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(init.body),
          }),
        })
      : await this.fetchApi.fetch(url);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}

function offeringPath(options: GetOfferingOptions): string {
  // Names are entity names and safe in practice, but encoding keeps a
  // malformed value from reaching another route of the backend.
  const namespace = encodeURIComponent(options.namespace);
  const name = encodeURIComponent(options.name);
  return `/offerings/${namespace}/${name}`;
}

function campaignPath(campaignId: string): string {
  return `/reviews/campaigns/${encodeURIComponent(campaignId)}`;
}

function requestPath(requestId: string): string {
  return `/requests/${encodeURIComponent(requestId)}`;
}

// The lists that page on the server share the shape of their page.
function setPage(
  params: URLSearchParams,
  page: { limit?: number; offset?: number },
): void {
  if (page.limit !== undefined) {
    params.set('limit', String(page.limit));
  }
  if (page.offset !== undefined) {
    params.set('offset', String(page.offset));
  }
}

function cursorQuery(query: ListApprovalsQuery): string {
  const params = new URLSearchParams();
  if (query.cursor) {
    params.set('cursor', query.cursor);
  }
  if (query.limit !== undefined) {
    params.set('limit', String(query.limit));
  }
  return queryString(params);
}

function queryString(params: URLSearchParams): string {
  const text = params.toString();
  return text ? `?${text}` : '';
}
