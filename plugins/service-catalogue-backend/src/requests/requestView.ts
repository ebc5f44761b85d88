import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ListRequestsResponse,
  RequestDetails,
  ServiceRequest,
  availableRequestActions,
  fulfillerRequestActions,
  serviceCatalogueRequestFulfilPermission,
  serviceCatalogueRequestReadPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import {
  approverToDecideFor,
  currentStageOf,
  isOwnRequest,
} from '../approvals/whoMayDecide';
import { DelegationStore } from '../database/DelegationStore';
import { ListRequestsQuery, RequestStore } from '../database/RequestStore';
import { RequestAccess } from './access';
import { decodeCursor, withNextCursor } from './cursor';
import { Fulfillers } from './Fulfillers';
import { userRefOf } from './refs';
import { UserCredentials } from './useCase';

/** What RequestViewer works with. */
type RequestViewerDeps = {
  store: RequestStore;
  delegations: DelegationStore;
  access: RequestAccess;
  fulfillers: Fulfillers;
};

/**
 * What a caller sees of requests: one request with its history, comments
 * and the actions they may take now, and pages of those they may read. The
 * use-case services find the request they act on here, so that nobody acts
 * on a request they could not open.
 *
 * @internal
 */
export class RequestViewer {
  static create(deps: RequestViewerDeps): RequestViewer {
    return new RequestViewer(deps);
  }

  private constructor(private readonly deps: RequestViewerDeps) {}

  async getRequest(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<RequestDetails> {
    return this.view(await this.readable(options), options.credentials);
  }

  /**
   * The request, when the caller may open it. Requests hold personal data:
   * only the people involved see one, and the permission policy may narrow
   * that further. Others are told it does not exist rather than that it is
   * forbidden.
   */
  async readable(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const request = await this.deps.store.getRequest(
      options.idOrTrackingNumber,
    );
    if (
      !request ||
      !(await this.isInvolved(request, options.credentials)) ||
      !(await this.deps.access.allowed(
        serviceCatalogueRequestReadPermission,
        request,
        options.credentials,
      ))
    ) {
      throw new NotFoundError(`No request ${options.idOrTrackingNumber}`);
    }
    return request;
  }

  /** A page of requests, of those the permission policy lets the caller read. */
  async list(
    credentials: UserCredentials,
    query: ListRequestsQuery,
  ): Promise<{ items: ServiceRequest[]; totalCount: number }> {
    const readable = await this.deps.access.readable(credentials);
    if (readable.result === 'none') {
      return { items: [], totalCount: 0 };
    }
    const { items, totalCount } = await this.deps.store.listRequests({
      ...query,
      readable: readable.result === 'some' ? readable.filter : undefined,
    });
    return { items, totalCount };
  }

  /**
   * A keyset page of requests the permission policy lets the caller read,
   * with the cursor of the next page when one follows.
   */
  async page(
    credentials: UserCredentials,
    list: string,
    query: Omit<ListRequestsQuery, 'fromSequence'> & { cursor?: string },
  ): Promise<ListRequestsResponse> {
    const { cursor, ...rest } = query;
    if (cursor !== undefined && rest.offset !== undefined) {
      throw new InputError('Page with a cursor or an offset, not both');
    }
    const from = decodeCursor(list, cursor);
    const readable = await this.deps.access.readable(credentials);
    if (readable.result === 'none') {
      return { items: [], totalCount: 0 };
    }
    return withNextCursor(
      list,
      await this.deps.store.listRequests({
        ...rest,
        fromSequence: from?.sequence,
        readable: readable.result === 'some' ? readable.filter : undefined,
      }),
    );
  }

  /**
   * The request, when the caller fulfils it: the offering's owners, the
   * desk and administrators, as far as the permission policy allows.
   */
  async forFulfiller(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
    /** Only a request the desk works by hand. */
    manual?: boolean;
  }): Promise<ServiceRequest> {
    const request = await this.readable(options);
    await this.deps.access.requireOn(
      serviceCatalogueRequestFulfilPermission,
      request,
      options.credentials,
    );
    if (!(await this.isFulfiller(request, options.credentials))) {
      throw new NotAllowedError(
        `Only the owners of ${request.offeringTitle} and the service desk work on ${request.trackingNumber}`,
      );
    }
    if (options.manual && request.fulfilment !== 'manual') {
      throw new ConflictError(
        `${request.trackingNumber} is provisioned by its template, not by hand`,
      );
    }
    return request;
  }

  /**
   * Approvers, the offering's owners, the desk and administrators see
   * internal comments. The person a request is for and whoever submitted
   * it never do, whatever else they are: the notes are about them.
   */
  async seesInternal(
    request: ServiceRequest,
    credentials: UserCredentials,
  ): Promise<boolean> {
    const userRef = userRefOf(credentials);
    if (isOwnRequest(request, userRef)) {
      return false;
    }
    if (request.stages.some(stage => stage.approvers.includes(userRef))) {
      return true;
    }
    return this.isFulfiller(request, credentials);
  }

  private async view(
    request: ServiceRequest,
    credentials: UserCredentials,
  ): Promise<RequestDetails> {
    const userRef = userRefOf(credentials);
    const seesInternal = await this.seesInternal(request, credentials);
    const [comments, events] = await Promise.all([
      this.deps.store.listComments(request.id, {
        includeInternal: seesInternal,
      }),
      this.deps.store.listEvents(request.id),
    ]);
    const actions: RequestDetails['actions'] = ['comment'];
    if (isOwnRequest(request, userRef)) {
      actions.push(
        ...availableRequestActions({
          state: request.state,
          actor: 'requester',
          request,
        }),
      );
    }
    const delegators = currentStageOf(request)
      ? await this.deps.delegations.listDelegatorsOf({
          delegateRef: userRef,
          at: new Date(),
        })
      : [];
    if (approverToDecideFor({ request, userRef, delegators })) {
      actions.push(
        ...availableRequestActions({
          state: request.state,
          actor: 'approver',
          request,
        }),
      );
    }
    const fulfillerActions = fulfillerRequestActions(request);
    if (
      fulfillerActions.length > 0 &&
      (await this.isFulfiller(request, credentials))
    ) {
      actions.push(...fulfillerActions);
    }
    return {
      request,
      // Internal comments also leave traces in the history; keep them out.
      events: seesInternal
        ? events
        : events.filter(
            e => !(e.type === 'comment' && e.data?.visibility === 'internal'),
          ),
      comments,
      actions: [...new Set(actions)],
      seesInternal,
    };
  }

  /**
   * The requester and submitter, and everyone who sees internal comments;
   * the delegates of the request's approvers too.
   */
  private async isInvolved(
    request: ServiceRequest,
    credentials: UserCredentials,
  ): Promise<boolean> {
    const userRef = userRefOf(credentials);
    if (isOwnRequest(request, userRef)) {
      return true;
    }
    if (await this.seesInternal(request, credentials)) {
      return true;
    }
    const delegators = await this.deps.delegations.listDelegatorsOf({
      delegateRef: userRef,
      at: new Date(),
    });
    return request.stages.some(stage =>
      stage.approvers.some(approver => delegators.includes(approver)),
    );
  }

  /** The offering's owners, the desk and administrators fulfil requests. */
  private isFulfiller(
    request: ServiceRequest,
    credentials: UserCredentials,
  ): Promise<boolean> {
    return this.deps.fulfillers.include(request.offeringOwnerRef, credentials);
  }
}
