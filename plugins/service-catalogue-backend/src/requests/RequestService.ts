import { NotAllowedError } from '@backstage/errors';
import {
  CommentVisibility,
  ListRequestsResponse,
  RequestComment,
  RequestDetails,
  ServiceRequest,
  serviceCatalogueRequestCancelPermission,
  serviceCatalogueRequestCommentPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { currentStageOf, isOwnRequest } from '../approvals/whoMayDecide';
import { auditedOnRequest } from './audit';
import { userRefOf } from './refs';
import { UseCaseDeps, UserCredentials } from './useCase';

/** What RequestService works with. */
type RequestServiceDeps = UseCaseDeps;

/**
 * The requests people are involved in: reading one, listing one's own,
 * cancelling and commenting. Raising them, deciding them and working them
 * have services of their own.
 *
 * @internal
 */
export class RequestService {
  static create(deps: RequestServiceDeps): RequestService {
    return new RequestService(deps);
  }

  private constructor(private readonly deps: RequestServiceDeps) {}

  getRequest(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<RequestDetails> {
    return this.deps.viewer.getRequest(options);
  }

  /** The caller's own requests, and those raised for them, newest first. */
  listMyRequests(options: {
    credentials: UserCredentials;
    states?: ServiceRequest['state'][];
    search?: string;
    limit?: number;
    offset?: number;
    /** The `nextCursor` of the previous page. */
    cursor?: string;
  }): Promise<ListRequestsResponse> {
    return this.deps.viewer.page(options.credentials, 'requests', {
      involvingUserRef: userRefOf(options.credentials),
      states: options.states,
      search: options.search,
      limit: options.limit,
      offset: options.offset,
      cursor: options.cursor,
    });
  }

  async cancel(options: {
    idOrTrackingNumber: string;
    expectedVersion?: number;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    return auditedOnRequest(
      this.deps.auditor,
      'request-cancel',
      options,
      async userRef => {
        const request = await this.deps.viewer.readable(options);
        await this.deps.access.requireOn(
          serviceCatalogueRequestCancelPermission,
          request,
          options.credentials,
        );
        if (!isOwnRequest(request, userRef)) {
          throw new NotAllowedError(
            `Only the requester can cancel ${request.trackingNumber}`,
          );
        }
        const { request: cancelled } = await this.deps.lifecycle.transition({
          requestId: request.id,
          action: 'cancel',
          actor: 'requester',
          actorRef: userRef,
          expectedVersion: options.expectedVersion,
        });
        const pending = currentStageOf(request)?.approvers ?? [];
        await this.deps.notifier.tell(cancelled, {
          to: [cancelled.requesterRef, cancelled.submittedByRef, ...pending],
          title: `${cancelled.trackingNumber} cancelled: ${cancelled.offeringTitle}`,
          description: `Cancelled by ${userRef}.`,
        });
        return cancelled;
      },
    );
  }

  async comment(options: {
    idOrTrackingNumber: string;
    body: string;
    visibility: CommentVisibility;
    credentials: UserCredentials;
  }): Promise<RequestComment> {
    return auditedOnRequest(
      this.deps.auditor,
      'request-comment',
      options,
      async userRef => {
        const request = await this.deps.viewer.readable(options);
        await this.deps.access.requireOn(
          serviceCatalogueRequestCommentPermission,
          request,
          options.credentials,
        );
        if (
          options.visibility === 'internal' &&
          !(await this.deps.viewer.seesInternal(request, options.credentials))
        ) {
          throw new NotAllowedError(
            isOwnRequest(request, userRef)
              ? `${request.trackingNumber} is your own request; its internal comments are not for you`
              : 'Only approvers, owners and the service desk write internal comments',
          );
        }
        const comment = await this.deps.store.addComment({
          requestId: request.id,
          authorRef: userRef,
          body: options.body,
          visibility: options.visibility,
        });
        // The requester is not told that an internal comment exists.
        await this.deps.notifier.publish(request, {
          exclude:
            options.visibility === 'internal'
              ? [request.requesterRef, request.submittedByRef]
              : [],
        });
        return comment;
      },
      { visibility: options.visibility },
    );
  }
}
