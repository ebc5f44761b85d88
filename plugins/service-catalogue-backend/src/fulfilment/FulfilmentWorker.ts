import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  RequestFailure,
  ServiceRequest,
  findRequestTransition,
} from '@service-catalogue/plugin-service-catalogue-common';
import { GateTicketStore } from '../database/GateTicketStore';
import { randomUUID } from 'node:crypto';
import { FulfilmentClaim, RequestStore } from '../database/RequestStore';
import { RequestLifecycle } from '../requests/RequestLifecycle';
import { GrantStore } from '../database/GrantStore';
import { RequestMetrics } from '../metrics/RequestMetrics';
import { RequestNotifier } from '../requests/RequestNotifier';
import { RevocationWorker } from './RevocationWorker';
import { ScaffolderError, ScaffolderTasks } from './ScaffolderTasks';
import { SYSTEM_ACTOR_REF } from '../systemActor';

// An approved automatic request starts when a worker claims it.
const START = findRequestTransition({
  from: 'APPROVED',
  action: 'start',
  actor: 'system',
})!;

/**
 * Runs the provisioning of automatic requests: starts the offering's
 * scaffolder task for each approved request, exactly once, and moves the
 * request to DONE or FAILED when the task ends.
 *
 * Exactly once rests on the store's claims and the gate, not on the
 * scheduler: a worker claims a request (a lease in its row), issues the
 * run's gate ticket, starts the task and records its id. Replicas skip each
 * other's claims. Only one task per run gets through the gate with the
 * run's ticket, and nothing it provisions runs before the gate. A worker
 * that dies holding a claim leaves it to expire; the next claim of the same
 * run adopts the task that already passed the gate, if one did, instead of
 * starting a second one; otherwise it issues a new ticket, so that a task
 * the dead worker created but that had not reached its gate by then is
 * refused there, audited as superseded, and provisions nothing.
 *
 * @internal
 */
export class FulfilmentWorker {
  static create(options: {
    store: RequestStore;
    grants: GrantStore;
    tickets: GateTicketStore;
    tasks: ScaffolderTasks;
    notifier: RequestNotifier;
    logger: LoggerService;
    leaseMs?: number;
    /** How soon a start that failed for now is tried again. */
    retryAfterMs?: number;
    /** What time it is for claims and their leases. */
    clock?: () => Date;
    metrics?: RequestMetrics;
  }): FulfilmentWorker {
    const clock = options.clock ?? (() => new Date());
    const leaseMs = options.leaseMs ?? 5 * 60_000;
    const retryAfterMs = options.retryAfterMs ?? 30_000;
    return new FulfilmentWorker(
      options.store,
      RequestLifecycle.create({
        requests: options.store,
        grants: options.grants,
        metrics: options.metrics,
      }),
      options.tickets,
      options.tasks,
      options.notifier,
      options.logger,
      leaseMs,
      retryAfterMs,
      new RevocationWorker(
        options.grants,
        options.tickets,
        options.tasks,
        options.notifier,
        options.logger,
        leaseMs,
        retryAfterMs,
        clock,
      ),
      clock,
    );
  }

  private constructor(
    private readonly store: RequestStore,
    private readonly lifecycle: RequestLifecycle,
    private readonly tickets: GateTicketStore,
    private readonly tasks: ScaffolderTasks,
    private readonly notifier: RequestNotifier,
    private readonly logger: LoggerService,
    private readonly leaseMs: number,
    private readonly retryAfterMs: number,
    private readonly revocations: RevocationWorker,
    private readonly clock: () => Date,
  ) {}

  /** One pass: start what waits, then follow what runs. */
  async run(): Promise<void> {
    // Each pass claims under its own name, so that two passes, even in one
    // process, never take a claim for each other's.
    const worker = randomUUID();
    // A request whose start failed for now is claimed again only by a later
    // pass, even when its lease is shorter than this one.
    const seen = new Set<string>();
    for (;;) {
      const claims = await this.store.claimFulfilment({
        worker,
        leaseMs: this.leaseMs,
        limit: 5,
        start: START,
        excludeIds: [...seen],
        now: this.clock(),
      });
      if (claims.length === 0) {
        break;
      }
      for (const claim of claims) {
        seen.add(claim.request.id);
        await this.start(claim, worker);
      }
    }
    for (const request of await this.store.listFollowing({ limit: 100 })) {
      await this.follow(request);
    }
    await this.revocations.run(worker);
  }

  private async start(claim: FulfilmentClaim, worker: string): Promise<void> {
    const { request } = claim;
    try {
      if (!request.templateRef) {
        throw new ScaffolderError(400, 'The offering names no template');
      }
      const issued = await this.tickets.issue({
        purpose: 'provision',
        subjectId: request.id,
        run: claim.run,
        templateRef: request.templateRef,
      });
      const taskId =
        'taskId' in issued
          ? issued.taskId
          : await this.tasks.start({
              templateRef: request.templateRef,
              values: request.formValues,
              marker: {
                purpose: 'provision',
                requestId: request.id,
                trackingNumber: request.trackingNumber,
                run: claim.run,
                ticket: issued.ticket,
              },
            });
      const started = await this.store.recordTask({
        requestId: request.id,
        worker,
        taskId,
      });
      await this.notifier.tell(started, {
        to: [started.requesterRef, started.submittedByRef],
        title: `${started.trackingNumber} is being provisioned: ${started.offeringTitle}`,
      });
    } catch (error) {
      if (error instanceof ScaffolderError && error.permanent) {
        await this.fail(request, { message: error.message }).catch(failed =>
          this.logger.warn(
            `Could not mark ${request.trackingNumber} failed: ${failed}`,
          ),
        );
        return;
      }
      // A later pass tries again soon; if this start did reach the
      // scaffolder after all and its task passed the gate, that pass adopts
      // the task.
      this.logger.warn(
        `Could not start provisioning ${request.trackingNumber}: ${error}`,
      );
      await this.store
        .releaseClaim({
          requestId: request.id,
          worker,
          retryAfterMs: this.retryAfterMs,
          now: this.clock(),
        })
        .catch(() => undefined);
    }
  }

  private async follow(request: ServiceRequest): Promise<void> {
    const taskId = request.scaffolderTaskId!;
    try {
      const status = await this.tasks.status(taskId);
      if (status === 'completed') {
        const { request: done } = await this.lifecycle.transition({
          requestId: request.id,
          action: 'complete',
          actor: 'system',
          actorRef: SYSTEM_ACTOR_REF,
          data: { taskId },
        });
        await this.notifier.tell(done, {
          to: [done.requesterRef, done.submittedByRef],
          title: `${done.trackingNumber} done: ${done.offeringTitle}`,
        });
      } else if (status === 'failed' || status === 'cancelled') {
        await this.fail(request, await this.tasks.failure(taskId));
      }
    } catch (error) {
      if (error instanceof ConflictError) {
        // Someone else moved it first; nothing left to do here.
        return;
      }
      this.logger.warn(
        `Could not follow task ${taskId} of ${request.trackingNumber}: ${error}`,
      );
    }
  }

  private async fail(
    request: ServiceRequest,
    failure: RequestFailure,
  ): Promise<void> {
    const { request: failed } = await this.lifecycle.transition({
      requestId: request.id,
      action: 'fail',
      actor: 'system',
      actorRef: SYSTEM_ACTOR_REF,
      data: {
        failure: { ...failure },
        ...(request.scaffolderTaskId
          ? { taskId: request.scaffolderTaskId }
          : {}),
      },
    });
    await this.notifier.tell(failed, {
      // The owners retry a failed request, so they hear of it too.
      to: [failed.requesterRef, failed.submittedByRef, failed.offeringOwnerRef],
      title: `${failed.trackingNumber} failed: ${failed.offeringTitle}`,
      description: failure.stepId
        ? `Step ${failure.stepId}: ${failure.message}`
        : failure.message,
      severity: 'high',
    });
  }
}
