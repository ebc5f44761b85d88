import { createApiRef } from '@backstage/core-plugin-api';
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
  ExtendGrantBody,
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
  RequestState,
  ReportName,
  ReviewCampaign,
  ReviewCampaignReport,
  RevokeGrantBody,
  ServiceCatalogueReports,
  ServiceRequest,
  StartReviewCampaignBody,
  StartSwapBody,
  SubmitRequestBody,
  Swap,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * Identifies one offering.
 *
 * @public
 */
export type GetOfferingOptions = {
  namespace: string;
  name: string;
};

/**
 * Identifies one offering, and optionally the colleague a request would be
 * for.
 *
 * @public
 */
export type GetApproversOptions = GetOfferingOptions & {
  /** Entity ref of the user the request would be for; the caller if unset. */
  forUser?: string;
};

/**
 * Identifies one catalog entity, such as the `kind`, `namespace` and `name`
 * of an entity page.
 *
 * @public
 */
export type GetEntityAccessOptions = {
  kind: string;
  namespace: string;
  name: string;
};

/**
 * Query of the desk queue, `GET /queue`.
 *
 * @public
 */
export type ListQueueQuery = {
  /** Defaults to those approved and in progress. */
  state?: RequestState[];
  /** Entity ref of one offering. */
  offering?: string;
  /** Entity ref of the person requests are for. */
  requester?: string;
  /** Entity ref of the desk member working on it, or `none`. */
  assignee?: string;
  /** Only requests past a due time of their SLA (`true`), or only the others. */
  breached?: boolean;
  /** `due`: the soonest due first, those without a due time last. */
  order?: 'oldest' | 'due';
  /** At most this many, 1 to 999; the backend's default when left out. */
  limit?: number;
  /** Skips this many of the oldest first. */
  offset?: number;
};

/**
 * Body of `POST /requests/{requestId}/assign`.
 *
 * @public
 */
export type AssignRequestBody = {
  /** Entity ref of the desk member; the caller if unset. */
  assigneeRef?: string;
  /** The version seen; the backend refuses with 409 when it changed since. */
  expectedVersion?: number;
};

/**
 * Body of `POST /requests/{requestId}/complete`.
 *
 * @public
 */
export type CompleteRequestBody = {
  note?: string;
};

/**
 * Body of `POST /requests/{requestId}/fail`.
 *
 * @public
 */
export type FailRequestBody = {
  /** Why it failed; must not be empty. */
  reason: string;
};

/**
 * Identifies the grant to ask more time on, and says why.
 *
 * @public
 */
export type ExtendGrantOptions = ExtendGrantBody & {
  grantId: string;
};

/**
 * Identifies the offering whose holders all move, and the one they move to.
 *
 * @public
 */
export type StartSwapOptions = StartSwapBody & {
  /** Entity ref of the offering every holder leaves. */
  offeringRef: string;
};

/**
 * Reads the service catalogue from the `service-catalogue` backend plugin,
 * and raises, follows and decides on requests.
 *
 * @remarks
 *
 * Every method rejects with a `ResponseError` when the backend answers with
 * an error; its message names the problem.
 *
 * @public
 */
export interface ServiceCatalogueApi {
  /** All configured categories; they form a tree through `parent`. */
  getCategories(): Promise<ListCategoriesResponse>;

  /**
   * The offerings the signed-in user may see. The backend has already applied
   * audiences and availability, so callers should not filter them again.
   */
  getOfferings(): Promise<ListOfferingsResponse>;

  /**
   * One offering. Rejects with a `ResponseError` of status 404 both when it
   * does not exist and when the signed-in user may not see it, so that the
   * two cannot be told apart.
   */
  getOffering(options: GetOfferingOptions): Promise<OfferingSummary>;

  /**
   * Whom the signed-in user may request the offering for under its request
   * mode; the form is only worth showing where submitting can succeed.
   */
  getRequestOptions(options: GetOfferingOptions): Promise<RequestOptions>;

  /** Who would be asked to approve a request for the offering, per stage. */
  getAnticipatedApprovers(
    options: GetApproversOptions,
  ): Promise<AnticipatedApprovers>;

  /** Requests the caller made or that were made for them, newest first. */
  listRequests(query?: ListRequestsQuery): Promise<ListRequestsResponse>;

  /** Submits a request; resolves with it, carrying its tracking number. */
  submitRequest(body: SubmitRequestBody): Promise<ServiceRequest>;

  /**
   * One request as the caller may see it.
   *
   * @param requestId - the request's id or its tracking number
   */
  getRequest(requestId: string): Promise<RequestDetails>;

  /**
   * The log of the request's provisioning task, for those who may read the
   * request.
   *
   * @param requestId - the request's id or its tracking number
   */
  getRequestTaskLog(requestId: string): Promise<RequestTaskLog>;

  /** Approves or rejects the request's current stage. */
  decideRequest(
    requestId: string,
    body: DecideRequestBody,
  ): Promise<ServiceRequest>;

  /**
   * Cancels the request. With `expectedVersion`, the backend refuses with 409
   * when the request changed since the caller saw it.
   */
  cancelRequest(
    requestId: string,
    options?: { expectedVersion?: number },
  ): Promise<ServiceRequest>;

  /**
   * Starts the provisioning of a failed automatic request again; for the
   * offering's owners and the service desk.
   */
  retryRequest(requestId: string): Promise<ServiceRequest>;

  /** Adds a comment to the request. */
  addComment(requestId: string, body: AddCommentBody): Promise<RequestComment>;

  /**
   * The desk queue: manual requests for the offerings the caller fulfils,
   * oldest first.
   */
  listQueue(query?: ListQueueQuery): Promise<ListRequestsResponse>;

  /**
   * Takes a manual request, or gives it to a colleague; an approved one
   * starts.
   */
  assignRequest(
    requestId: string,
    body?: AssignRequestBody,
  ): Promise<ServiceRequest>;

  /**
   * Marks a manual request in progress as done; a revocable offering records
   * its grant.
   */
  completeRequest(
    requestId: string,
    body?: CompleteRequestBody,
  ): Promise<ServiceRequest>;

  /** Marks a manual request in progress as failed, saying why. */
  failRequest(
    requestId: string,
    body: FailRequestBody,
  ): Promise<ServiceRequest>;

  /**
   * A page of the requests waiting for the caller's decision, oldest
   * first; the next with the response's `nextCursor`.
   */
  listAwaitingApproval(
    query?: ListApprovalsQuery,
  ): Promise<ListRequestsResponse>;

  /**
   * A page of the requests the caller decided on, newest first; the next
   * with the response's `nextCursor`.
   */
  listDecided(query?: ListApprovalsQuery): Promise<ListRequestsResponse>;

  /** The caller's delegations of their approvals. */
  listDelegations(): Promise<ListDelegationsResponse>;

  /** Lets a colleague decide on the caller's behalf during a period. */
  createDelegation(body: CreateDelegationBody): Promise<ApprovalDelegation>;

  /** Ends one of the caller's delegations. */
  deleteDelegation(delegationId: string): Promise<void>;

  /**
   * The access the caller holds through fulfilled requests: active grants
   * first, then ended ones, newest first.
   */
  listMyGrants(): Promise<ListGrantsResponse>;

  /**
   * Ends a grant: the holder gives it up, or the offering's owners or the
   * service desk revoke it. The grant is `revoking` until the offering's
   * revoke template has run.
   */
  revokeGrant(grantId: string, body?: RevokeGrantBody): Promise<Grant>;

  /**
   * Asks for more time on one of the caller's grants that expires. Resolves
   * with the new request: pending approval, or already done when the
   * offering needs none. Rejects with 409 when the grant has ended, never
   * expires, or already has an open request for more time.
   */
  extendGrant(options: ExtendGrantOptions): Promise<ServiceRequest>;

  /**
   * Access to one catalog entity: the offerings that give access to it, the
   * caller's grants and open requests for them, and, for their owners, who
   * holds them.
   */
  getEntityAccess(options: GetEntityAccessOptions): Promise<EntityAccess>;

  /**
   * Moves every holder of one offering to another: each gets a request for
   * the other that needs no approval, and their grant here ends. Resolves
   * with the swap once started; it runs in the background. Rejects with 403
   * unless the caller fulfils both offerings, and with 400 for the same
   * offering or one that leaves no grant.
   */
  startSwap(options: StartSwapOptions): Promise<Swap>;

  /** How far a swap got. */
  getSwap(swapId: string): Promise<Swap>;

  /**
   * What was taken away from people who left the organisation, newest
   * first. Rejects with 403 unless the caller is on the service desk or an
   * administrator.
   */
  listDepartures(): Promise<ListDeparturesResponse>;

  /**
   * A report over the requests the caller may see the figures of: owners
   * their offerings, the service desk and administrators every one.
   */
  getReport<K extends ReportName>(
    name: K,
    query?: GetReportQuery,
  ): Promise<ServiceCatalogueReports[K]>;

  /**
   * A page of the access review lines the caller may decide now, as a
   * reviewer or for a reviewer who delegated to them; the next with the
   * response's `nextCursor`.
   */
  listReviewLines(
    query?: ListReviewLinesQuery,
  ): Promise<ListReviewLinesResponse>;

  /**
   * Keeps or revokes up to 100 lines at once. Each line is decided on its
   * own: the response holds the line or the reason it was refused, in the
   * order asked. Rejects with 400 when revoking without a reason.
   */
  decideReviewLines(
    body: DecideReviewLinesBody,
  ): Promise<DecideReviewLinesResponse>;

  /**
   * A page of the campaigns of the offerings the caller owns (every one for
   * administrators and the service desk), newest first.
   */
  listReviewCampaigns(
    query?: ListReviewCampaignsQuery,
  ): Promise<ListReviewCampaignsResponse>;

  /**
   * Opens a campaign by hand for one offering or for everything a group
   * owns. Rejects with 403 unless the caller owns it or administers the
   * service catalogue.
   */
  startReviewCampaign(body: StartReviewCampaignBody): Promise<ReviewCampaign>;

  /** One campaign, with its progress. */
  getReviewCampaign(campaignId: string): Promise<ReviewCampaign>;

  /** Every line of a campaign, who decided what, when and why, and its history. */
  getReviewCampaignReport(campaignId: string): Promise<ReviewCampaignReport>;

  /**
   * The campaign's report as the backend's CSV file, fetched with the
   * caller's credentials so that it can be saved.
   */
  getReviewCampaignReportCsv(campaignId: string): Promise<Blob>;
}

/**
 * The `ApiRef` of {@link ServiceCatalogueApi}.
 *
 * @public
 */
export const serviceCatalogueApiRef = createApiRef<ServiceCatalogueApi>({
  id: 'plugin.service-catalogue.service',
});
