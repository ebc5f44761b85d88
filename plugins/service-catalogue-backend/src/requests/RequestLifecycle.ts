import { ConflictError, InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  FULFILMENT_REQUEST_STATES,
  RequestAction,
  RequestActor,
  RequestEvent,
  RequestFailure,
  ServiceRequest,
  findRequestTransition,
} from '@service-catalogue/plugin-service-catalogue-common';
import {
  DecisionInput,
  DecisionOutcome,
  recordDecision,
} from '../approvals/decisions';
import { GrantStore } from '../database/GrantStore';
import {
  LockedRequest,
  NewRequest,
  RequestChanges,
  RequestStore,
  SlaMark,
  StoreTransaction,
} from '../database/RequestStore';
import { lockKey } from '../database/transactions';
import { checkExtendable, settleExtension } from '../grants/extensions';
import { grantFor } from '../grants/grantTerms';
import { recordTimeout, TimeoutOutcome } from '../approvals/timeouts';
import { RequestMetrics } from '../metrics/RequestMetrics';
import { SYSTEM_ACTOR_REF } from '../systemActor';
import {
  SlaTerms,
  endOfSla,
  stageDeadline,
  startSlaClock,
} from '../time/requestClock';

/**
 * A request's life as the state machine in `-common` allows it: every move
 * is decided here and written through the stores in one transaction, with
 * what it brings along (the grant of a fulfilled request, the new end of an
 * extended one, the stages a finished request skips) and its history.
 * Concurrent moves produce one outcome; a crash leaves none half-made.
 *
 * @internal
 */
export class RequestLifecycle {
  static create(options: {
    requests: RequestStore;
    grants: GrantStore;
    /** What time it is; the system clock unless a test says. */
    clock?: () => Date;
    /** Counts the moves for adopters' dashboards; nothing is counted without. */
    metrics?: RequestMetrics;
  }): RequestLifecycle {
    return new RequestLifecycle(
      { requests: options.requests, grants: options.grants },
      options.clock ?? (() => new Date()),
      options.metrics,
    );
  }

  private constructor(
    private readonly stores: { requests: RequestStore; grants: GrantStore },
    private readonly clock: () => Date,
    private readonly metrics?: RequestMetrics,
  ) {}

  /**
   * Stores a new request and moves it out of NEW: to PENDING_APPROVAL when
   * it has stages, to IN_PROGRESS when nothing needs approval. An extension
   * is refused (ConflictError) when its grant cannot be extended or already
   * has an open extension request, and settled at once when it needs no
   * approval.
   */
  async createRequest(
    input: NewRequest,
  ): Promise<{ request: ServiceRequest; events: RequestEvent[] }> {
    const { requests } = this.stores;
    const needsApproval = input.stages.length > 0;
    const routed = findRequestTransition({
      from: 'NEW',
      action: needsApproval ? 'route' : 'start',
      actor: 'system',
    })!;
    const { id, eventIds } = await requests.transaction(async tx => {
      const now = this.clock();
      if (input.extendsGrantId) {
        await checkExtendable(tx, this.stores, {
          grantId: input.extendsGrantId,
          holderRef: input.requesterRef,
        });
      }
      const requestId = await requests.insertRequest(tx, {
        request: {
          ...input,
          stages: input.stages.map(stage =>
            stage.index === 0
              ? {
                  ...stage,
                  openedAt: now.toISOString(),
                  deadlineAt: stageDeadline(stage.timeout, now)?.toISOString(),
                }
              : stage,
          ),
        },
        state: routed.to,
        currentStage: needsApproval ? 0 : null,
        now,
        sla: input.slaPolicy
          ? startSlaClock(input.slaPolicy, now, {
              awaitsPerson: needsApproval || input.fulfilment === 'manual',
            })
          : undefined,
      });
      const written = [
        await this.submitted(tx, requestId, input, now),
        await requests.appendEvent(tx, {
          requestId,
          type: routed.action,
          actorRef: input.submittedByRef,
          fromState: routed.from,
          toState: routed.to,
          at: now,
        }),
      ];
      if (input.extendsGrantId && !needsApproval) {
        written.push(
          ...(await settleExtension(tx, this.stores, requestId, now)),
        );
      }
      return { id: requestId, eventIds: written };
    });
    const request = (await requests.getRequest(id))!;
    const events = await requests.listEvents(id);
    this.metrics?.recordEvents(
      request,
      events.filter(e => eventIds.includes(e.id)),
    );
    return { request, events };
  }

  /**
   * Records access given outside a request's own fulfilment (by a template
   * or the desk) as a request that is DONE at once with its grant. A holder
   * who already has an active grant on the offering keeps it: that one is
   * returned, `created` false, and nothing is stored.
   */
  async recordFulfilled(
    input: NewRequest & {
      /** Overrides the end the offering's duration gives. */
      expiresAt?: string;
      /** Kept on the completing history event. */
      data?: JsonObject;
    },
  ): Promise<{ request: ServiceRequest; grantId: string; created: boolean }> {
    if (!input.grant) {
      throw new InputError(
        `${input.offeringTitle} is a one-off service and leaves no grant`,
      );
    }
    const { requests, grants } = this.stores;
    const recorded = await requests.transaction(async tx => {
      // Two records of the same access at once make one grant.
      await lockKey(tx, `grant:${input.requesterRef}:${input.offeringRef}`);
      const existing = await grants.findActiveGrant(tx, {
        holderRef: input.requesterRef,
        offeringRef: input.offeringRef,
      });
      if (existing) {
        return {
          requestId: existing.requestId,
          grantId: existing.id,
          created: false,
        };
      }
      const now = new Date();
      const start = findRequestTransition({
        from: 'NEW',
        action: 'start',
        actor: 'system',
      })!;
      const complete = findRequestTransition({
        from: start.to,
        action: 'complete',
        actor: 'fulfiller',
      })!;
      const requestId = await requests.insertRequest(tx, {
        request: input,
        state: complete.to,
        currentStage: null,
        now,
      });
      await this.submitted(tx, requestId, input, now);
      for (const transition of [start, complete]) {
        await requests.appendEvent(tx, {
          requestId,
          type: transition.action,
          actorRef: input.submittedByRef,
          fromState: transition.from,
          toState: transition.to,
          data: transition === complete ? input.data : undefined,
          at: now,
        });
      }
      const request = await requests.lockRequest(tx, requestId);
      const grantId = await grants.insertGrant(
        tx,
        grantFor(
          request,
          now,
          input.expiresAt ? new Date(input.expiresAt) : undefined,
        )!,
      );
      return { requestId, grantId, created: true };
    });
    return {
      request: (await requests.getRequest(recorded.requestId))!,
      grantId: recorded.grantId,
      created: recorded.created,
    };
  }

  /**
   * Moves a request along the state machine: refuses (ConflictError) a move
   * the machine does not allow from the current state (or not for this
   * request, such as cancelling one the desk has taken), or one whose
   * `expectedVersion` is stale. Reaching DONE records the request's grant,
   * when its offering leaves one.
   */
  async transition(options: {
    requestId: string;
    action: RequestAction;
    actor: RequestActor;
    actorRef: string;
    expectedVersion?: number;
    data?: JsonObject;
  }): Promise<{ request: ServiceRequest; event: RequestEvent }> {
    const { requests, grants } = this.stores;
    const eventId = await requests.transaction(async tx => {
      const request = await this.lockCurrent(tx, options);
      const transition = findRequestTransition({
        from: request.state,
        action: options.action,
        actor: options.actor,
        request,
      });
      if (!transition) {
        throw new ConflictError(
          `Cannot ${options.action} ${request.trackingNumber}: it is ${request.state}`,
        );
      }
      const now = this.clock();
      const changes: RequestChanges = {
        state: transition.to,
        currentStage: transition.to === 'PENDING_APPROVAL' ? 0 : null,
        slaEnd: endOfSla(request, transition.to, now),
      };
      if (transition.action === 'fail') {
        changes.failure =
          (options.data?.failure as RequestFailure | undefined) ?? null;
      }
      if (transition.action === 'retry') {
        // A new run, with a new task, free of the failed one.
        changes.failure = null;
        changes.newFulfilmentRun = true;
      }
      await requests.updateRequest(tx, request, changes, now);
      const grant =
        transition.to === 'DONE' ? grantFor(request, now) : undefined;
      if (grant) {
        await grants.insertGrant(tx, grant);
      }
      if (transition.to === 'CANCELLED') {
        await requests.updateStages(tx, {
          requestId: request.id,
          from: ['waiting', 'active'],
          status: 'skipped',
        });
      }
      return requests.appendEvent(tx, {
        requestId: request.id,
        type: transition.action,
        actorRef: options.actorRef,
        fromState: transition.from,
        toState: transition.to,
        data: options.data,
        at: now,
      });
    });
    const request = (await requests.getRequest(options.requestId))!;
    const event = (await requests.listEvents(options.requestId)).find(
      e => e.id === eventId,
    )!;
    this.metrics?.recordEvents(request, [event]);
    return { request, event };
  }

  /**
   * Gives a request to someone of the desk: one waiting for fulfilment
   * starts in the same transaction. Refuses (ConflictError) a request that
   * is not waiting for or in fulfilment.
   */
  async assign(options: {
    requestId: string;
    assigneeRef: string;
    actorRef: string;
    expectedVersion?: number;
  }): Promise<ServiceRequest> {
    const { requests } = this.stores;
    await requests.transaction(async tx => {
      const request = await this.lockCurrent(tx, options);
      if (!FULFILMENT_REQUEST_STATES.includes(request.state)) {
        throw new ConflictError(
          `${request.trackingNumber} is ${request.state}: only approved requests and those in progress are assigned`,
        );
      }
      const start = findRequestTransition({
        from: request.state,
        action: 'start',
        actor: 'fulfiller',
      });
      const now = this.clock();
      await requests.updateRequest(
        tx,
        request,
        {
          assigneeRef: options.assigneeRef,
          state: start?.to,
          // The desk taking it is a person's response.
          respondedAt: request.sla?.respondedAt ? undefined : now,
        },
        now,
      );
      await requests.appendEvent(tx, {
        requestId: request.id,
        type: 'assign',
        actorRef: options.actorRef,
        data: { assigneeRef: options.assigneeRef },
        at: now,
      });
      if (start) {
        await requests.appendEvent(tx, {
          requestId: request.id,
          type: start.action,
          actorRef: options.actorRef,
          fromState: start.from,
          toState: start.to,
          at: now,
        });
      }
    });
    return (await requests.getRequest(options.requestId))!;
  }

  /** See {@link recordDecision}. */
  async decide(options: DecisionInput): Promise<{
    request: ServiceRequest;
    outcome: DecisionOutcome;
    events: RequestEvent[];
  }> {
    const { requests } = this.stores;
    const { outcome, eventIds } = await requests.transaction(tx =>
      recordDecision(tx, this.stores, { ...options, now: this.clock() }),
    );
    const request = (await requests.getRequest(options.requestId))!;
    const events = (await requests.listEvents(options.requestId)).filter(e =>
      eventIds.includes(e.id),
    );
    this.metrics?.recordEvents(request, events);
    return { request, outcome, events };
  }

  /**
   * Times out the current stage of a pending request, if it is still
   * current and due at `now`: escalates it or rejects the request, as the
   * offering said. A decision that lands first wins and this does nothing
   * (returns undefined); one that lands later finds the outcome.
   */
  async timeOutStage(options: {
    requestId: string;
    stageIndex: number;
    now: Date;
  }): Promise<
    | {
        request: ServiceRequest;
        outcome: TimeoutOutcome;
        added: string[];
        escalatedTo: string[];
      }
    | undefined
  > {
    const { requests } = this.stores;
    const result = await requests.transaction(tx =>
      recordTimeout(tx, requests, options),
    );
    if (!result) {
      return undefined;
    }
    const request = (await requests.getRequest(options.requestId))!;
    if (result.outcome === 'rejected') {
      this.metrics?.timedOut(request);
    }
    return { request, ...result };
  }

  /**
   * Claims the reminder of a stage's approvers: true once, for the one
   * caller that records it while the stage is still current; false for
   * every other.
   */
  async remindStage(options: {
    requestId: string;
    stageIndex: number;
    now: Date;
  }): Promise<boolean> {
    const { requests } = this.stores;
    return requests.transaction(async tx => {
      const request = await requests.lockRequest(tx, options.requestId);
      const stage = request.stages.find(s => s.index === options.stageIndex);
      if (
        request.state !== 'PENDING_APPROVAL' ||
        request.currentStage !== options.stageIndex ||
        !stage ||
        stage.timedOutAt ||
        stage.remindedAt
      ) {
        return false;
      }
      await requests.markStage(tx, {
        requestId: request.id,
        stageIndex: options.stageIndex,
        remindedAt: options.now,
      });
      await requests.updateRequest(tx, request, {}, options.now);
      await requests.appendEvent(tx, {
        requestId: request.id,
        type: 'stage-remind',
        actorRef: SYSTEM_ACTOR_REF,
        data: {
          stageIndex: options.stageIndex,
          deadlineAt: stage.deadlineAt ?? null,
        },
        at: options.now,
      });
      return true;
    });
  }

  /**
   * Claims a warning or breach of a request's SLA: the request, once, for
   * the one caller that records it while the request is open and the point
   * not yet sent; undefined for every other. A breach claims its warning
   * too, so that a job that was down sends the breach alone.
   */
  async markSla(options: {
    requestId: string;
    mark: SlaMark;
    now: Date;
  }): Promise<{ request: ServiceRequest; terms: SlaTerms } | undefined> {
    const { requests } = this.stores;
    const { mark, now } = options;
    const terms = await requests.transaction(async tx => {
      const request = await requests.lockRequest(tx, options.requestId);
      const sla = request.sla;
      const response = mark.startsWith('response');
      const breach = mark.endsWith('breached');
      const due = response ? sla?.responseDueAt : request.slaDueAt;
      const sent = response
        ? sla?.responseBreachedAt
        : sla?.resolutionBreachedAt;
      if (
        !sla ||
        !due ||
        sla.endedAt ||
        sent ||
        (response && sla.respondedAt) ||
        (breach && new Date(due).getTime() > now.getTime()) ||
        (!breach && (response ? sla.responseWarnedAt : sla.resolutionWarnedAt))
      ) {
        return undefined;
      }
      await requests.updateRequest(tx, request, { slaMark: mark }, now);
      await requests.appendEvent(tx, {
        requestId: request.id,
        type: breach ? 'sla-breach' : 'sla-warn',
        actorRef: SYSTEM_ACTOR_REF,
        data: {
          target: response ? 'response' : 'resolution',
          dueAt: due,
          policyId: sla.policyId,
        },
        at: now,
      });
      return request.slaTerms;
    });
    if (!terms) {
      return undefined;
    }
    const request = (await requests.getRequest(options.requestId))!;
    if (mark.endsWith('breached')) {
      this.metrics?.slaBreached(
        request,
        mark.startsWith('response') ? 'response' : 'resolution',
      );
    }
    return { request, terms };
  }

  /** The request to move, unless it changed since the caller loaded it. */
  private async lockCurrent(
    tx: StoreTransaction,
    options: { requestId: string; expectedVersion?: number },
  ): Promise<LockedRequest> {
    const request = await this.stores.requests.lockRequest(
      tx,
      options.requestId,
    );
    if (
      options.expectedVersion !== undefined &&
      options.expectedVersion !== request.version
    ) {
      throw new ConflictError(
        `${request.trackingNumber} changed since you loaded it; reload and try again`,
      );
    }
    return request;
  }

  private async submitted(
    tx: StoreTransaction,
    requestId: string,
    input: NewRequest,
    now: Date,
  ): Promise<string> {
    return this.stores.requests.appendEvent(tx, {
      requestId,
      type: 'submit',
      actorRef: input.submittedByRef,
      toState: 'NEW',
      data: { requesterRef: input.requesterRef },
      at: now,
    });
  }
}
