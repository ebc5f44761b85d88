import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  AnticipatedApprovers,
  CommentVisibility,
  Grant,
  OfferingEntityV1alpha1,
  RequestComment,
  RequestDetails,
  RequestOptions,
  ServiceRequest,
  FULFILMENT_REQUEST_STATES,
  availableRequestActions,
  fulfillerRequestActions,
  serviceCatalogueRequestCancelPermission,
  serviceCatalogueRequestCommentPermission,
  serviceCatalogueRequestCreatePermission,
  serviceCatalogueRequestDecidePermission,
  serviceCatalogueRequestFulfilPermission,
  serviceCatalogueRequestReadPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { DateTime, Duration } from 'luxon';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import {
  Delegation,
  NewRequestStage,
  RequestStore,
} from '../database/RequestStore';
import { FOR_USER_FIELD, FormValidator } from './FormValidator';
import { normalizeClaims, normalizeRef, userRefOf } from './refs';
import { RequestNotifier } from './RequestNotifier';
import { Fulfillers } from './Fulfillers';
import { managerRefOf } from '../routing/ApproverResolver';
import { fulfilmentOf, grantOf, offeringTitle, ownerOf } from './offeringSpec';

/** Resolves an offering's approval stages for a requester. */
export interface StageResolver {
  resolveStages(options: {
    offering: OfferingEntityV1alpha1;
    requesterRef: string;
    submitterRef?: string;
  }): Promise<NewRequestStage[]>;
}

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

const MANAGER_ANNOTATION = 'service-catalogue.io/manager';

/**
 * Requests and approvals: submitting, reading, deciding, cancelling and
 * commenting. Identity comes from the caller's credentials, ownership and
 * membership from the catalog, and every change goes through the store's
 * compare-and-set transactions before anyone is told about it.
 *
 * @internal
 */
export class RequestService {
  static fromConfig(
    config: Config,
    options: {
      store: RequestStore;
      offerings: OfferingCatalogue;
      stages: StageResolver;
      catalog: CatalogService;
      auth: AuthService;
      userInfo: UserInfoService;
      permissions: PermissionsService;
      notifier: RequestNotifier;
      fulfillers: Fulfillers;
      auditor: AuditorService;
      logger: LoggerService;
    },
  ): RequestService {
    const refs = (key: string, defaultKind: string) =>
      new Set(
        (config.getOptionalStringArray(key) ?? []).map(ref =>
          normalizeRef(ref, { field: key, defaultKind }),
        ),
      );
    return new RequestService(
      options,
      refs('serviceCatalogue.delegation.keyUsers', 'user'),
      config.getOptionalString(
        'serviceCatalogue.approvals.managerAnnotation',
      ) ?? MANAGER_ANNOTATION,
    );
  }

  private readonly forms = new FormValidator();

  private constructor(
    private readonly deps: {
      store: RequestStore;
      offerings: OfferingCatalogue;
      stages: StageResolver;
      catalog: CatalogService;
      auth: AuthService;
      userInfo: UserInfoService;
      permissions: PermissionsService;
      notifier: RequestNotifier;
      fulfillers: Fulfillers;
      auditor: AuditorService;
      logger: LoggerService;
    },
    private readonly keyUsers: Set<string>,
    private readonly managerAnnotation: string,
  ) {}

  /** The approvers a request would go to, before submitting it. */
  async anticipateApprovers(options: {
    offeringRef: string;
    forUserRef?: string;
    credentials: UserCredentials;
  }): Promise<AnticipatedApprovers> {
    const offering = await this.deps.offerings.getOfferingEntity({
      entityRef: offeringRefOf(options.offeringRef),
      credentials: options.credentials,
    });
    const requesterRef = await this.checkWhoFor(
      offering,
      options.forUserRef,
      options.credentials,
    );
    return {
      requesterRef,
      stages: await this.deps.stages.resolveStages({
        offering,
        requesterRef,
        submitterRef: userRefOf(options.credentials),
      }),
    };
  }

  /**
   * Whom the caller may request an offering for: what `submit` would
   * accept, so that the form is only offered where it can succeed.
   */
  async requestOptions(options: {
    offeringRef: string;
    credentials: UserCredentials;
  }): Promise<RequestOptions> {
    const offering = await this.deps.offerings.getOfferingEntity({
      entityRef: offeringRefOf(options.offeringRef),
      credentials: options.credentials,
    });
    const mode = offering.spec.requestMode ?? 'self-service';
    if (mode === 'desk') {
      const desk = await this.isMemberOfAny(
        options.credentials,
        this.deps.fulfillers.deskGroups,
      );
      return desk
        ? { forSelf: true, forOthers: true }
        : {
            forSelf: false,
            forOthers: false,
            explanation: `${offeringTitle(
              offering,
            )} is requested through the service desk; ask them to raise it for you`,
          };
    }
    if (mode === 'self-service') {
      return { forSelf: true, forOthers: false };
    }
    const forOthers =
      (await this.isMemberOfAny(options.credentials, this.keyUsers)) ||
      (await this.managesSomeone(userRefOf(options.credentials)));
    return { forSelf: true, forOthers };
  }

  async submit(options: {
    offeringRef: string;
    forUserRef?: string;
    formValues: JsonObject;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const submittedByRef = userRefOf(options.credentials);
    return this.audited(
      'request-submit',
      { offeringRef: options.offeringRef, actorRef: submittedByRef },
      async () => {
        await this.require(
          serviceCatalogueRequestCreatePermission,
          options.credentials,
        );
        const offering = await this.deps.offerings.getOfferingEntity({
          entityRef: offeringRefOf(options.offeringRef),
          credentials: options.credentials,
        });
        if (offering.spec.available === false) {
          throw new InputError(
            `${offeringTitle(offering)} is not available for requests`,
          );
        }
        const requesterRef = await this.checkWhoFor(
          offering,
          options.forUserRef,
          options.credentials,
        );

        const formValues: JsonObject = {
          ...options.formValues,
          [FOR_USER_FIELD]: requesterRef,
        };
        this.forms.validate(
          await this.formOf(offering, options.credentials),
          formValues,
        );

        const stages = await this.deps.stages.resolveStages({
          offering,
          requesterRef,
          submitterRef: submittedByRef,
        });
        const { request } = await this.deps.store.createRequest({
          offeringRef: stringifyEntityRef(offering).toLocaleLowerCase('en-US'),
          offeringTitle: offeringTitle(offering),
          offeringOwnerRef: ownerOf(offering),
          requesterRef,
          submittedByRef,
          formValues,
          stages,
          slaDueAt: dueAfter(offering.spec.estimatedDelay),
          ...fulfilmentOf(offering),
          ...grantOf(offering),
        });

        await this.deps.notifier.tell(request, {
          to: [request.requesterRef, request.submittedByRef],
          title: `${request.trackingNumber} submitted: ${request.offeringTitle}`,
          description:
            request.state === 'PENDING_APPROVAL'
              ? 'Your request waits for approval.'
              : 'Your request needs no approval and is being fulfilled.',
        });
        await this.askCurrentApprovers(request);
        return request;
      },
    );
  }

  /**
   * The holder asks for more time on a grant: a request for the same
   * offering, routed like any other, that moves the grant's end by the
   * offering's duration once approved and provisions nothing. The caller
   * has checked that the grant is the caller's.
   */
  async requestExtension(options: {
    grant: Grant;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const userRef = userRefOf(options.credentials);
    return this.audited(
      'grant-extend',
      { grantId: options.grant.id, actorRef: userRef },
      async () => {
        await this.require(
          serviceCatalogueRequestCreatePermission,
          options.credentials,
        );
        // Someone no longer in the offering's audience cannot see it, and
        // asks in vain.
        const offering = await this.deps.offerings.getOfferingEntity({
          entityRef: options.grant.offeringRef,
          credentials: options.credentials,
        });
        const { grant, targetRef } = grantOf(offering);
        if (!grant?.duration) {
          throw new ConflictError(
            `${offeringTitle(
              offering,
            )} no longer ends on its own; there is nothing to extend`,
          );
        }
        const reason = options.reason?.trim();
        const { request } = await this.deps.store.createRequest({
          offeringRef: options.grant.offeringRef,
          offeringTitle: offeringTitle(offering),
          offeringOwnerRef: ownerOf(offering),
          requesterRef: userRef,
          submittedByRef: userRef,
          formValues: {
            [FOR_USER_FIELD]: userRef,
            ...(reason ? { reason } : {}),
          },
          stages: await this.deps.stages.resolveStages({
            offering,
            requesterRef: userRef,
            submitterRef: userRef,
          }),
          slaDueAt: dueAfter(offering.spec.estimatedDelay),
          // Nothing to provision: approval itself moves the grant's end.
          fulfilment: 'manual',
          targetRef,
          grant,
          extendsGrantId: options.grant.id,
        });

        await this.deps.notifier.tell(request, {
          to: [request.requesterRef],
          title: `${request.trackingNumber} submitted: more time for ${request.offeringTitle}`,
          description:
            request.state === 'PENDING_APPROVAL'
              ? 'Your request for more time waits for approval.'
              : 'Your access lasts longer now.',
        });
        await this.askCurrentApprovers(request);
        return request;
      },
    );
  }

  /**
   * Records access that a template or the desk gave outside a request's
   * own fulfilment, for the offering's fulfillers: a request that is DONE at
   * once, with its grant. Recording access someone already holds changes
   * nothing and returns their grant.
   */
  async recordGrant(options: {
    offeringRef: string;
    holderRef: string;
    expiresAt?: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<{ request: ServiceRequest; grantId: string; created: boolean }> {
    const userRef = userRefOf(options.credentials);
    return this.audited(
      'grant-record',
      {
        offeringRef: options.offeringRef,
        holderRef: options.holderRef,
        actorRef: userRef,
      },
      async () => {
        const offering = await this.deps.offerings.getOfferingEntity({
          entityRef: offeringRefOf(options.offeringRef),
          credentials: options.credentials,
          asFulfiller: true,
        });
        const ownerRef = ownerOf(offering);
        if (
          !(await this.deps.fulfillers.include(ownerRef, options.credentials))
        ) {
          throw new NotAllowedError(
            `Only those who fulfil ${offeringTitle(
              offering,
            )} record access to it`,
          );
        }
        const holderRef = normalizeRef(options.holderRef, {
          field: 'holderRef',
          defaultKind: 'user',
        });
        await this.knownUser(holderRef, 'holderRef');
        const { grant, targetRef } = grantOf(offering);
        if (!grant) {
          throw new InputError(
            `${offeringTitle(
              offering,
            )} is a one-off service and leaves no grant`,
          );
        }
        let expiresAt: string | undefined;
        if (options.expiresAt !== undefined) {
          const end = DateTime.fromISO(options.expiresAt);
          if (!end.isValid) {
            throw new InputError(
              `expiresAt: ${options.expiresAt} is not an ISO 8601 date and time`,
            );
          }
          if (end.toMillis() <= Date.now()) {
            throw new InputError(`expiresAt: ${options.expiresAt} has passed`);
          }
          expiresAt = end.toUTC().toISO()!;
        }
        const reason = options.reason?.trim();
        const recorded = await this.deps.store.recordFulfilled({
          offeringRef: stringifyEntityRef(offering).toLocaleLowerCase('en-US'),
          offeringTitle: offeringTitle(offering),
          offeringOwnerRef: ownerRef,
          requesterRef: holderRef,
          submittedByRef: userRef,
          formValues: {
            [FOR_USER_FIELD]: holderRef,
            ...(reason ? { reason } : {}),
          },
          stages: [],
          fulfilment: 'manual',
          targetRef,
          grant,
          expiresAt,
          data: { recorded: true, ...(reason ? { reason } : {}) },
        });
        if (recorded.created) {
          await this.deps.notifier.tell(recorded.request, {
            to: [holderRef],
            title: `${recorded.request.trackingNumber}: ${recorded.request.offeringTitle} is yours`,
            description: `Given by ${userRef}${
              reason ? `: ${reason}` : ''
            }. My access shows it.`,
          });
        }
        return recorded;
      },
    );
  }

  async getRequest(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<RequestDetails> {
    const request = await this.deps.store.getRequest(
      options.idOrTrackingNumber,
    );
    // Requests hold personal data: only the people involved see one, and
    // the permission policy may narrow that further. Others are told it
    // does not exist rather than that it is forbidden.
    if (
      !request ||
      !(await this.isInvolved(request, options.credentials)) ||
      !(await this.allowed(
        serviceCatalogueRequestReadPermission,
        request,
        options.credentials,
      ))
    ) {
      throw new NotFoundError(`No request ${options.idOrTrackingNumber}`);
    }
    return this.view(request, options.credentials);
  }

  async listMyRequests(options: {
    credentials: UserCredentials;
    states?: ServiceRequest['state'][];
    search?: string;
    limit?: number;
    offset?: number;
  }): Promise<{ items: ServiceRequest[]; totalCount: number }> {
    const page = await this.deps.store.listRequests({
      involvingUserRef: userRefOf(options.credentials),
      states: options.states,
      search: options.search,
      limit: options.limit,
      offset: options.offset,
    });
    const items = await this.readableOnly(page.items, options.credentials);
    return {
      items,
      totalCount: page.totalCount - (page.items.length - items.length),
    };
  }

  /** Requests waiting for the caller's decision, also as a delegate. */
  async listAwaitingDecision(options: {
    credentials: UserCredentials;
  }): Promise<ServiceRequest[]> {
    const userRef = userRefOf(options.credentials);
    const delegators = await this.deps.store.listDelegatorsOf({
      delegateRef: userRef,
      at: new Date(),
    });
    const requests = await this.deps.store.listAwaitingDecision({
      approverRefs: [userRef, ...delegators],
    });
    const waiting = requests.filter(request => {
      const stage = request.stages[request.currentStage ?? 0];
      if (!stage || stage.decisions.some(d => d.decidedByRef === userRef)) {
        return false;
      }
      // As someone's delegate, never on one's own request; as an approver,
      // routing already decided whether self-approval is allowed.
      return (
        stage.approvers.includes(userRef) ||
        (request.requesterRef !== userRef && request.submittedByRef !== userRef)
      );
    });
    return this.readableOnly(waiting, options.credentials);
  }

  async listMyDecisions(options: {
    credentials: UserCredentials;
  }): Promise<ServiceRequest[]> {
    return this.readableOnly(
      await this.deps.store.listDecidedBy({
        userRef: userRefOf(options.credentials),
      }),
      options.credentials,
    );
  }

  async decide(options: {
    idOrTrackingNumber: string;
    decision: 'approve' | 'reject';
    comment?: string;
    /** The stage the caller saw; a decision never lands on a later one. */
    stageIndex?: number;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const userRef = userRefOf(options.credentials);
    return this.audited(
      'request-decide',
      {
        request: options.idOrTrackingNumber,
        decision: options.decision,
        actorRef: userRef,
      },
      async () => {
        const request = await this.readable(options);
        await this.requireOn(
          serviceCatalogueRequestDecidePermission,
          request,
          options.credentials,
        );
        const approverRef = await this.actingApprover(
          request,
          userRef,
          options.stageIndex,
        );
        const { request: decided, outcome } = await this.deps.store.decide({
          requestId: request.id,
          approverRef,
          decidedByRef: userRef,
          decision: options.decision,
          comment: options.comment?.trim() || undefined,
          expectedStage: options.stageIndex,
        });

        const by =
          approverRef === userRef
            ? userRef
            : `${userRef} on behalf of ${approverRef}`;
        const headline: Record<typeof outcome, string> = {
          recorded: `approved by ${by}; more approvals are needed`,
          'stage-approved': `stage ${
            (request.currentStage ?? 0) + 1
          } approved by ${by}`,
          approved: `approved by ${by}`,
          rejected: `rejected by ${by}`,
        };
        let extended: string | undefined;
        if (decided.extendsGrantId && decided.state === 'DONE') {
          extended =
            'Your access lasts longer now; My access shows its new end.';
        } else if (decided.extendsGrantId && decided.state === 'FAILED') {
          extended = decided.failure?.message;
        }
        await this.deps.notifier.tell(decided, {
          to: [decided.requesterRef, decided.submittedByRef],
          title: `${decided.trackingNumber} ${headline[outcome]}`,
          description:
            [options.comment?.trim(), extended].filter(Boolean).join(' ') ||
            undefined,
          severity: outcome === 'rejected' ? 'high' : 'normal',
        });
        if (outcome === 'stage-approved') {
          await this.askCurrentApprovers(decided);
        }
        return decided;
      },
    );
  }

  async cancel(options: {
    idOrTrackingNumber: string;
    expectedVersion?: number;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const userRef = userRefOf(options.credentials);
    return this.audited(
      'request-cancel',
      { request: options.idOrTrackingNumber, actorRef: userRef },
      async () => {
        const request = await this.readable(options);
        await this.requireOn(
          serviceCatalogueRequestCancelPermission,
          request,
          options.credentials,
        );
        if (
          request.requesterRef !== userRef &&
          request.submittedByRef !== userRef
        ) {
          throw new NotAllowedError(
            `Only the requester can cancel ${request.trackingNumber}`,
          );
        }
        const { request: cancelled } = await this.deps.store.transition({
          requestId: request.id,
          action: 'cancel',
          actor: 'requester',
          actorRef: userRef,
          expectedVersion: options.expectedVersion,
        });
        const pending =
          request.currentStage !== undefined
            ? request.stages[request.currentStage]?.approvers ?? []
            : [];
        await this.deps.notifier.tell(cancelled, {
          to: [cancelled.requesterRef, cancelled.submittedByRef, ...pending],
          title: `${cancelled.trackingNumber} cancelled: ${cancelled.offeringTitle}`,
          description: `Cancelled by ${userRef}.`,
        });
        return cancelled;
      },
    );
  }

  /**
   * Owners and the desk take a failed request up again: an automatic one
   * gets a new task, a manual one goes back to the desk queue.
   */
  async retry(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const userRef = userRefOf(options.credentials);
    return this.audited(
      'request-retry',
      { request: options.idOrTrackingNumber, actorRef: userRef },
      async () => {
        const request = await this.forFulfiller(options);
        if (request.extendsGrantId) {
          throw new ConflictError(
            `${request.trackingNumber} asked for more time on access that has ended; there is nothing to retry`,
          );
        }
        const { request: retried } = await this.deps.store.transition({
          requestId: request.id,
          action: 'retry',
          actor: 'fulfiller',
          actorRef: userRef,
        });
        await this.deps.notifier.tell(retried, {
          to: [retried.requesterRef, retried.submittedByRef],
          title: `${retried.trackingNumber} is being provisioned again: ${retried.offeringTitle}`,
          description: `Retried by ${userRef}.`,
        });
        return retried;
      },
    );
  }

  /**
   * The desk queue: manual requests for the offerings the caller fulfils
   * (all of them for the desk and administrators), oldest first.
   */
  async listQueue(options: {
    credentials: UserCredentials;
    states?: ServiceRequest['state'][];
    offeringRef?: string;
    requesterRef?: string;
    /** A user ref, or `none` for requests nobody took. */
    assignee?: string;
  }): Promise<{ items: ServiceRequest[]; totalCount: number }> {
    const everyone = await this.deps.fulfillers.forEveryone(
      options.credentials,
    );
    const claims = await this.deps.fulfillers.claimsOf(options.credentials);
    const ref = (value: string | undefined, field: string, kind: string) =>
      value ? normalizeRef(value, { field, defaultKind: kind }) : undefined;
    const page = await this.deps.store.listRequests({
      fulfilment: 'manual',
      states: options.states?.length
        ? options.states
        : [...FULFILMENT_REQUEST_STATES],
      offeringOwnerRefs: everyone ? undefined : [...claims],
      offeringRef: ref(options.offeringRef, 'offering', 'offering'),
      requesterRef: ref(options.requesterRef, 'requester', 'user'),
      assigneeRef:
        options.assignee === 'none'
          ? null
          : ref(options.assignee, 'assignee', 'user'),
      limit: 200,
    });
    const items = (
      await this.readableOnly(page.items, options.credentials)
    ).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return { items, totalCount: items.length };
  }

  /** A desk member takes a manual request, or gives it to a colleague. */
  async assign(options: {
    idOrTrackingNumber: string;
    assigneeRef?: string;
    expectedVersion?: number;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const userRef = userRefOf(options.credentials);
    return this.audited(
      'request-assign',
      { request: options.idOrTrackingNumber, actorRef: userRef },
      async () => {
        const request = await this.manualForFulfiller(options);
        const assigneeRef = options.assigneeRef
          ? normalizeRef(options.assigneeRef, {
              field: 'assigneeRef',
              defaultKind: 'user',
            })
          : userRef;
        if (assigneeRef !== userRef) {
          await this.knownUser(assigneeRef, 'assigneeRef');
        }
        const assigned = await this.deps.store.assign({
          requestId: request.id,
          assigneeRef,
          actorRef: userRef,
          expectedVersion: options.expectedVersion,
        });
        await this.deps.notifier.tell(assigned, {
          to: [assigned.requesterRef, assigned.submittedByRef, assigneeRef],
          title: `${assigned.trackingNumber} picked up: ${assigned.offeringTitle}`,
          description: `${assigneeRef} works on it.`,
        });
        return assigned;
      },
    );
  }

  /** The desk finishes a manual request: done (with its grant), or failed. */
  async finish(options: {
    idOrTrackingNumber: string;
    outcome: 'complete' | 'fail';
    message?: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const userRef = userRefOf(options.credentials);
    return this.audited(
      `request-${options.outcome}`,
      { request: options.idOrTrackingNumber, actorRef: userRef },
      async () => {
        const request = await this.manualForFulfiller(options);
        const message = options.message?.trim();
        if (options.outcome === 'fail' && !message) {
          throw new InputError('reason: say why the request failed');
        }
        const { request: finished } = await this.deps.store.transition({
          requestId: request.id,
          action: options.outcome,
          actor: 'fulfiller',
          actorRef: userRef,
          data:
            options.outcome === 'fail'
              ? { failure: { message: message! } }
              : { ...(message ? { note: message } : {}) },
        });
        await this.deps.notifier.tell(finished, {
          to: [finished.requesterRef, finished.submittedByRef],
          title:
            options.outcome === 'complete'
              ? `${finished.trackingNumber} done: ${finished.offeringTitle}`
              : `${finished.trackingNumber} failed: ${finished.offeringTitle}`,
          description: message,
          severity: options.outcome === 'fail' ? 'high' : 'normal',
        });
        return finished;
      },
    );
  }

  /**
   * The request, when the caller fulfils it: the offering's owners, the
   * desk and administrators, as far as the permission policy allows.
   */
  private async forFulfiller(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const request = await this.readable(options);
    await this.requireOn(
      serviceCatalogueRequestFulfilPermission,
      request,
      options.credentials,
    );
    if (!(await this.isFulfiller(request, options.credentials))) {
      throw new NotAllowedError(
        `Only the owners of ${request.offeringTitle} and the service desk work on ${request.trackingNumber}`,
      );
    }
    return request;
  }

  private async manualForFulfiller(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const request = await this.forFulfiller(options);
    if (request.fulfilment !== 'manual') {
      throw new ConflictError(
        `${request.trackingNumber} is provisioned by its template, not by hand`,
      );
    }
    return request;
  }

  async comment(options: {
    idOrTrackingNumber: string;
    body: string;
    visibility: CommentVisibility;
    credentials: UserCredentials;
  }): Promise<RequestComment> {
    const userRef = userRefOf(options.credentials);
    return this.audited(
      'request-comment',
      {
        request: options.idOrTrackingNumber,
        visibility: options.visibility,
        actorRef: userRef,
      },
      async () => {
        const request = await this.readable(options);
        await this.requireOn(
          serviceCatalogueRequestCommentPermission,
          request,
          options.credentials,
        );
        if (
          options.visibility === 'internal' &&
          !(await this.seesInternal(request, options.credentials))
        ) {
          throw new NotAllowedError(
            request.requesterRef === userRef ||
            request.submittedByRef === userRef
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
    );
  }

  async addDelegation(options: {
    delegateRef: string;
    startsAt: string;
    endsAt: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<Delegation> {
    const delegateRef = normalizeRef(options.delegateRef, {
      field: 'delegateRef',
      defaultKind: 'user',
    });
    const delegate = await this.deps.catalog.getEntityByRef(delegateRef, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    if (!delegate || delegate.kind.toLocaleLowerCase('en-US') !== 'user') {
      throw new InputError(`delegateRef: ${delegateRef} is not a known user`);
    }
    return this.deps.store.addDelegation({
      approverRef: userRefOf(options.credentials),
      delegateRef,
      startsAt: options.startsAt,
      endsAt: options.endsAt,
      reason: options.reason,
    });
  }

  listDelegations(options: { credentials: UserCredentials }) {
    return this.deps.store.listDelegations({
      approverRef: userRefOf(options.credentials),
    });
  }

  removeDelegation(options: { id: string; credentials: UserCredentials }) {
    return this.deps.store.removeDelegation({
      id: options.id,
      approverRef: userRefOf(options.credentials),
    });
  }

  /**
   * Who the request is for, after checking the offering's request mode and
   * audience: `self-service` only for oneself; `delegated` also for the
   * people one manages, or for anyone by a key user; `desk` only by the
   * service desk, for anyone.
   */
  private async checkWhoFor(
    offering: OfferingEntityV1alpha1,
    forUserRef: string | undefined,
    credentials: UserCredentials,
  ): Promise<string> {
    const submitterRef = userRefOf(credentials);
    const requesterRef = forUserRef
      ? normalizeRef(forUserRef, { field: 'forUser', defaultKind: 'user' })
      : submitterRef;
    const forSelf = requesterRef === submitterRef;
    const requester = forSelf ? undefined : await this.knownUser(requesterRef);
    const mode = offering.spec.requestMode ?? 'self-service';
    const title = offeringTitle(offering);

    if (mode === 'desk') {
      if (
        !(await this.isMemberOfAny(
          credentials,
          this.deps.fulfillers.deskGroups,
        ))
      ) {
        throw new NotAllowedError(
          `${title} is requested through the service desk; ask them to raise it for you`,
        );
      }
    } else if (!forSelf) {
      if (mode === 'self-service') {
        throw new NotAllowedError(
          `${title} can only be requested by the person who needs it (forUser)`,
        );
      }
      const manager = requester
        ? managerRefOf(requester, this.managerAnnotation)
        : undefined;
      const manages =
        manager !== undefined &&
        stringifyEntityRef(manager).toLocaleLowerCase('en-US') === submitterRef;
      if (!manages && !(await this.isMemberOfAny(credentials, this.keyUsers))) {
        throw new NotAllowedError(
          `Only ${requesterRef}'s manager or a key user can request ${title} for them (forUser)`,
        );
      }
    }

    if (!(await this.deps.offerings.isInAudience(offering, requesterRef))) {
      throw new NotAllowedError(
        `${title} is not offered to ${forSelf ? 'you' : requesterRef}`,
      );
    }
    return requesterRef;
  }

  /** A colleague named in a request must be a user the catalog knows. */
  private async knownUser(
    userRef: string,
    field: string = 'forUser',
  ): Promise<Entity> {
    const user = userRef.startsWith('user:')
      ? await this.deps.catalog.getEntityByRef(userRef, {
          credentials: await this.deps.auth.getOwnServiceCredentials(),
        })
      : undefined;
    if (!user) {
      throw new InputError(`${field}: ${userRef} is not a known user`);
    }
    return user;
  }

  private async managesSomeone(userRef: string): Promise<boolean> {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: {
          kind: 'User',
          [`metadata.annotations.${this.managerAnnotation}`]: userRef,
        },
        fields: ['metadata.name'],
        limit: 1,
      },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    return items.length > 0;
  }

  private async isMemberOfAny(
    credentials: UserCredentials,
    refs: Set<string>,
  ): Promise<boolean> {
    if (refs.size === 0) {
      return false;
    }
    const { ownershipEntityRefs } = await this.deps.userInfo.getUserInfo(
      credentials,
    );
    return [...normalizeClaims(ownershipEntityRefs)].some(ref => refs.has(ref));
  }

  /** The template's parameters, or the offering's inline form. */
  private async formOf(
    offering: OfferingEntityV1alpha1,
    credentials: UserCredentials,
  ) {
    if (!offering.spec.template) {
      return offering.spec.form;
    }
    const template = await this.deps.catalog.getEntityByRef(
      parseEntityRef(offering.spec.template, {
        defaultKind: 'template',
        defaultNamespace: offering.metadata.namespace,
      }),
      { credentials },
    );
    if (!template) {
      throw new NotFoundError(
        `The form of ${offeringTitle(offering)} is missing: no template ${
          offering.spec.template
        }`,
      );
    }
    return template.spec?.parameters;
  }

  /**
   * The approver a user decides for: themselves, or someone who delegated to
   * them. Someone who could decide a stage the request has left is told
   * where it is now (ConflictError); someone who never could, is refused.
   */
  private async actingApprover(
    request: ServiceRequest,
    userRef: string,
    stageIndex: number | undefined,
  ): Promise<string> {
    const stage =
      request.currentStage !== undefined
        ? request.stages[request.currentStage]
        : undefined;
    if (!stage) {
      // The store explains why nobody can decide any more.
      return userRef;
    }
    if (stage.approvers.includes(userRef)) {
      return userRef;
    }
    // Nobody stands in for an approver on their own request.
    const ownRequest =
      request.requesterRef === userRef || request.submittedByRef === userRef;
    const delegators = ownRequest
      ? []
      : await this.deps.store.listDelegatorsOf({
          delegateRef: userRef,
          at: new Date(),
        });
    const undecided = stage.approvers.filter(
      approver =>
        delegators.includes(approver) &&
        !stage.decisions.some(d => d.approverRef === approver),
    );
    if (undecided.length > 0) {
      return undecided[0];
    }
    const left = request.stages
      .filter(
        earlier =>
          earlier.index < stage.index &&
          (stageIndex === undefined || earlier.index === stageIndex) &&
          earlier.approvers.some(
            approver => approver === userRef || delegators.includes(approver),
          ),
      )
      .pop();
    if (left) {
      throw new ConflictError(
        `Stage ${left.index + 1} of ${
          request.trackingNumber
        } takes no more decisions; it is at stage ${stage.index + 1} now`,
      );
    }
    if (request.requesterRef === userRef) {
      throw new NotAllowedError(
        `You cannot approve your own request ${request.trackingNumber}`,
      );
    }
    if (request.submittedByRef === userRef) {
      throw new NotAllowedError(
        `You submitted ${request.trackingNumber} and cannot approve it`,
      );
    }
    throw new NotAllowedError(
      `You are not an approver of stage ${stage.index + 1} of ${
        request.trackingNumber
      }`,
    );
  }

  /** The requests the permission policy lets the caller read, in one call. */
  private async readableOnly(
    requests: ServiceRequest[],
    credentials: UserCredentials,
  ): Promise<ServiceRequest[]> {
    if (requests.length === 0) {
      return [];
    }
    const decisions = await this.deps.permissions.authorize(
      requests.map(request => ({
        permission: serviceCatalogueRequestReadPermission,
        resourceRef: request.id,
      })),
      { credentials },
    );
    return requests.filter(
      (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
  }

  private async readable(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    return (await this.getRequest(options)).request;
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
    if (
      request.requesterRef === userRef ||
      request.submittedByRef === userRef
    ) {
      actions.push(
        ...availableRequestActions({
          state: request.state,
          actor: 'requester',
          request,
        }),
      );
    }
    const stage =
      request.currentStage !== undefined
        ? request.stages[request.currentStage]
        : undefined;
    const delegators = stage
      ? await this.deps.store.listDelegatorsOf({
          delegateRef: userRef,
          at: new Date(),
        })
      : [];
    const ownRequest =
      request.requesterRef === userRef || request.submittedByRef === userRef;
    const canDecide =
      stage !== undefined &&
      !stage.decisions.some(d => d.decidedByRef === userRef) &&
      stage.approvers.some(
        approver =>
          (approver === userRef ||
            (delegators.includes(approver) && !ownRequest)) &&
          !stage.decisions.some(d => d.approverRef === approver),
      );
    if (canDecide) {
      actions.push(
        ...availableRequestActions({
          state: request.state,
          actor: 'approver',
          request,
        }),
      );
    }
    if (
      fulfillerRequestActions(request).length > 0 &&
      (await this.isFulfiller(request, credentials))
    ) {
      actions.push(...fulfillerRequestActions(request));
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
    if (
      request.requesterRef === userRef ||
      request.submittedByRef === userRef
    ) {
      return true;
    }
    if (await this.seesInternal(request, credentials)) {
      return true;
    }
    const delegators = await this.deps.store.listDelegatorsOf({
      delegateRef: userRef,
      at: new Date(),
    });
    return request.stages.some(stage =>
      stage.approvers.some(approver => delegators.includes(approver)),
    );
  }

  /**
   * Approvers, the offering's owners, the desk and administrators see
   * internal comments. The person a request is for and whoever submitted
   * it never do, whatever else they are: the notes are about them.
   */
  private async seesInternal(
    request: ServiceRequest,
    credentials: UserCredentials,
  ): Promise<boolean> {
    const userRef = userRefOf(credentials);
    if (
      request.requesterRef === userRef ||
      request.submittedByRef === userRef
    ) {
      return false;
    }
    if (request.stages.some(stage => stage.approvers.includes(userRef))) {
      return true;
    }
    return this.isFulfiller(request, credentials);
  }

  /** The offering's owners, the desk and administrators fulfil requests. */
  private isFulfiller(
    request: ServiceRequest,
    credentials: UserCredentials,
  ): Promise<boolean> {
    return this.deps.fulfillers.include(request.offeringOwnerRef, credentials);
  }

  private async require(
    permission: BasicPermission,
    credentials: UserCredentials,
  ): Promise<void> {
    const [decision] = await this.deps.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You may not ${permission.name}`);
    }
  }

  private async requireOn(
    permission: ResourcePermission,
    request: ServiceRequest,
    credentials: UserCredentials,
  ): Promise<void> {
    if (!(await this.allowed(permission, request, credentials))) {
      // service-catalogue.request.cancel → "cancel"
      const verb = permission.name.split('.').pop();
      throw new NotAllowedError(
        `You may not ${verb} ${request.trackingNumber} (${permission.name})`,
      );
    }
  }

  private async allowed(
    permission: ResourcePermission | BasicPermission,
    request: ServiceRequest | undefined,
    credentials: UserCredentials,
  ): Promise<boolean> {
    const [decision] = await this.deps.permissions.authorize(
      [
        permission.type === 'resource' && request
          ? { permission, resourceRef: request.id }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  private async askCurrentApprovers(request: ServiceRequest): Promise<void> {
    if (request.state !== 'PENDING_APPROVAL') {
      return;
    }
    const stage = request.stages[request.currentStage ?? 0];
    await this.deps.notifier.tell(request, {
      to: stage?.approvers ?? [],
      title: `Approval needed: ${request.trackingNumber} ${request.offeringTitle}`,
      description: `Requested for ${request.requesterRef}.`,
      link: '/service-catalogue/approvals',
      topic: 'service-catalogue-approval',
    });
  }

  private async audited<T>(
    eventId: string,
    meta: JsonObject,
    action: () => Promise<T>,
  ): Promise<T> {
    const event = await this.deps.auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      meta,
    });
    try {
      const result = await action();
      const request = result as Partial<ServiceRequest>;
      await event.success({
        meta: request?.trackingNumber
          ? { trackingNumber: request.trackingNumber, state: request.state! }
          : {},
      });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}

function offeringRefOf(ref: string): string {
  return normalizeRef(ref, { field: 'offeringRef', defaultKind: 'offering' });
}

/** The SLA due time from the offering's estimated delay, when it has one. */
function dueAfter(isoDuration: string | undefined): string | undefined {
  if (!isoDuration) {
    return undefined;
  }
  const duration = Duration.fromISO(isoDuration);
  return duration.isValid
    ? new Date(Date.now() + duration.toMillis()).toISOString()
    : undefined;
}
