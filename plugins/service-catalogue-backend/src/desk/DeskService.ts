import { ConflictError, InputError } from '@backstage/errors';
import {
  FULFILMENT_REQUEST_STATES,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { auditedOnRequest } from '../requests/audit';
import { Fulfillers } from '../requests/Fulfillers';
import { People } from '../requests/People';
import { normalizeRef } from '../requests/refs';
import { UseCaseDeps, UserCredentials } from '../requests/useCase';

/** What DeskService works with. */
type DeskServiceDeps = UseCaseDeps & {
  fulfillers: Fulfillers;
  people: People;
};

/**
 * The fulfillers' work: the desk queue of manual requests, taking one or
 * giving it to a colleague, completing or failing it, and retrying a
 * request whose fulfilment failed.
 *
 * @internal
 */
export class DeskService {
  static create(deps: DeskServiceDeps): DeskService {
    return new DeskService(deps);
  }

  private constructor(private readonly deps: DeskServiceDeps) {}

  /**
   * The desk queue: manual requests for the offerings the caller fulfils
   * (all of them for the desk and administrators), a page at a time, the
   * oldest first or the soonest due first; all of them, only those past a
   * due time of their SLA (`breached`), or only those not.
   */
  async listQueue(options: {
    credentials: UserCredentials;
    states?: ServiceRequest['state'][];
    offeringRef?: string;
    requesterRef?: string;
    /** A user ref, or `none` for requests nobody took. */
    assignee?: string;
    breached?: boolean;
    order?: 'oldest' | 'due';
    limit?: number;
    offset?: number;
  }): Promise<{ items: ServiceRequest[]; totalCount: number }> {
    const everyone = await this.deps.fulfillers.forEveryone(
      options.credentials,
    );
    const claims = await this.deps.fulfillers.claimsOf(options.credentials);
    const ref = (value: string | undefined, field: string, kind: string) =>
      value ? normalizeRef(value, { field, defaultKind: kind }) : undefined;
    return this.deps.viewer.list(options.credentials, {
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
      breached: options.breached,
      order: options.order ?? 'oldest',
      limit: options.limit,
      offset: options.offset,
    });
  }

  /** A desk member takes a manual request, or gives it to a colleague. */
  async assign(options: {
    idOrTrackingNumber: string;
    assigneeRef?: string;
    expectedVersion?: number;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    return auditedOnRequest(
      this.deps.auditor,
      'request-assign',
      options,
      async userRef => {
        const request = await this.deps.viewer.forFulfiller({
          ...options,
          manual: true,
        });
        const assigneeRef = options.assigneeRef
          ? normalizeRef(options.assigneeRef, {
              field: 'assigneeRef',
              defaultKind: 'user',
            })
          : userRef;
        if (assigneeRef !== userRef) {
          await this.deps.people.knownUser(assigneeRef, 'assigneeRef');
        }
        const assigned = await this.deps.lifecycle.assign({
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
    return auditedOnRequest(
      this.deps.auditor,
      `request-${options.outcome}`,
      options,
      async userRef => {
        const request = await this.deps.viewer.forFulfiller({
          ...options,
          manual: true,
        });
        const message = options.message?.trim();
        if (options.outcome === 'fail' && !message) {
          throw new InputError('reason: say why the request failed');
        }
        const { request: finished } = await this.deps.lifecycle.transition({
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
   * Owners and the desk take a failed request up again: an automatic one
   * gets a new task, a manual one goes back to the desk queue.
   */
  async retry(options: {
    idOrTrackingNumber: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    return auditedOnRequest(
      this.deps.auditor,
      'request-retry',
      options,
      async userRef => {
        const request = await this.deps.viewer.forFulfiller(options);
        if (request.extendsGrantId) {
          throw new ConflictError(
            `${request.trackingNumber} asked for more time on access that has ended; there is nothing to retry`,
          );
        }
        const { request: retried } = await this.deps.lifecycle.transition({
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
}
