import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { RequestStore, SlaMark } from '../database/RequestStore';
import { RequestLifecycle } from '../requests/RequestLifecycle';
import { RequestNotifier } from '../requests/RequestNotifier';
import { SYSTEM_ACTOR_REF } from '../systemActor';

// One pass handles at most this many of each kind; the next takes the rest.
const BATCH = 100;

/**
 * Acts on what is due: reminds the approvers of a stage whose deadline
 * nears, times out stages (escalating or rejecting), and warns about and
 * escalates SLA breaches. Each of these is claimed with a compare-and-set
 * on the request before anyone is told, so workers racing each other, or a
 * pass repeated after a restart, tell people once. A worker that dies
 * between the claim and the notification leaves that one unsent: the
 * history and the audit log still say it happened.
 *
 * @internal
 */
export class DeadlineWatcher {
  /** Reads `serviceCatalogue.approvals.reminderAt`, default one half. */
  static fromConfig(
    config: Config,
    options: Omit<Parameters<typeof DeadlineWatcher.create>[0], 'reminderAt'>,
  ): DeadlineWatcher {
    const key = 'serviceCatalogue.approvals.reminderAt';
    const reminderAt = config.getOptionalNumber(key) ?? 0.5;
    // At 0 or 1 the reminder would come with the stage or with its timeout.
    if (!(reminderAt > 0 && reminderAt < 1)) {
      throw new Error(
        `${key}: ${reminderAt} must be a fraction of the timeout between 0 and 1, such as 0.5`,
      );
    }
    return DeadlineWatcher.create({ ...options, reminderAt });
  }

  static create(options: {
    store: RequestStore;
    lifecycle: RequestLifecycle;
    notifier: RequestNotifier;
    auditor: AuditorService;
    logger: LoggerService;
    deskGroups: Iterable<string>;
    /** The fraction of a stage's timeout after which approvers are reminded. */
    reminderAt: number;
  }): DeadlineWatcher {
    return new DeadlineWatcher(options, [...options.deskGroups]);
  }

  private constructor(
    private readonly deps: {
      store: RequestStore;
      lifecycle: RequestLifecycle;
      notifier: RequestNotifier;
      auditor: AuditorService;
      logger: LoggerService;
      reminderAt: number;
    },
    private readonly deskGroups: string[],
  ) {}

  async run(now: Date): Promise<void> {
    await this.stages(now);
    await this.sla(now);
  }

  private async stages(now: Date): Promise<void> {
    const { store, reminderAt } = this.deps;
    // Each stage's reminder point depends on its own timeout, so every
    // stage on the clock is read and judged here; they are few, since a
    // stage leaves the clock when it is decided or times out.
    const onTheClock = await store.listStagesOnTheClock({ limit: BATCH * 10 });
    for (const stage of onTheClock) {
      try {
        if (stage.deadlineAt.getTime() <= now.getTime()) {
          await this.timeOut(stage.requestId, stage.stageIndex, now);
          continue;
        }
        const remindAt =
          stage.openedAt.getTime() +
          (stage.deadlineAt.getTime() - stage.openedAt.getTime()) * reminderAt;
        if (!stage.reminded && remindAt <= now.getTime()) {
          await this.remind(stage.requestId, stage.stageIndex, now);
        }
      } catch (error) {
        this.deps.logger.warn(
          `Could not act on the deadline of request ${stage.requestId}: ${error}`,
        );
      }
    }
  }

  private async remind(requestId: string, stageIndex: number, now: Date) {
    const { lifecycle, store, notifier } = this.deps;
    if (!(await lifecycle.remindStage({ requestId, stageIndex, now }))) {
      return;
    }
    const request = (await store.getRequest(requestId))!;
    const stage = request.stages[stageIndex];
    await this.audit('request-stage-remind', request, { stageIndex });
    await notifier.tell(request, {
      to: stage.approvers.filter(
        ref => !stage.decisions.some(d => d.approverRef === ref),
      ),
      title: `Reminder: ${request.trackingNumber} ${request.offeringTitle} waits for your decision`,
      description: `Stage ${stageIndex + 1} times out at ${
        stage.deadlineAt
      } and then ${
        stage.onTimeout === 'reject' ? 'rejects the request' : 'escalates'
      }.`,
      topic: 'service-catalogue-approval',
    });
  }

  private async timeOut(requestId: string, stageIndex: number, now: Date) {
    const { lifecycle, notifier } = this.deps;
    const result = await lifecycle.timeOutStage({ requestId, stageIndex, now });
    if (!result) {
      return;
    }
    const { request, outcome, added, escalatedTo } = result;
    await this.audit('request-stage-timeout', request, {
      stageIndex,
      outcome,
      added,
    });
    if (outcome === 'rejected') {
      await notifier.tell(request, {
        to: [request.requesterRef, request.submittedByRef],
        title: `${request.trackingNumber} rejected: ${request.offeringTitle}`,
        description: `Nobody decided stage ${
          stageIndex + 1
        } in time, so the request was rejected.`,
      });
      return;
    }
    if (escalatedTo.length === 0) {
      this.deps.logger.warn(
        `Stage ${stageIndex + 1} of ${
          request.trackingNumber
        } timed out with nobody to escalate to; configure serviceCatalogue.approvals.fallbackApprovers`,
      );
      return;
    }
    await notifier.tell(request, {
      to: escalatedTo,
      title: `Escalated to you: ${request.trackingNumber} ${request.offeringTitle}`,
      description: `Stage ${
        stageIndex + 1
      } had no decision in time; you may decide it now. Requested for ${
        request.requesterRef
      }.`,
      topic: 'service-catalogue-approval',
      severity: 'high',
    });
  }

  private async sla(now: Date): Promise<void> {
    const alarms = await this.deps.store.listSlaAlarms({ now, limit: BATCH });
    for (const { requestId, mark } of alarms) {
      try {
        await this.alarm(requestId, mark, now);
      } catch (error) {
        this.deps.logger.warn(
          `Could not send the SLA ${mark} of request ${requestId}: ${error}`,
        );
      }
    }
  }

  private async alarm(requestId: string, mark: SlaMark, now: Date) {
    const { lifecycle, notifier } = this.deps;
    const marked = await lifecycle.markSla({ requestId, mark, now });
    if (!marked?.request.sla) {
      return;
    }
    const { request, terms } = marked;
    const sla = marked.request.sla;
    const breach = mark.endsWith('breached');
    const target = mark.startsWith('response') ? 'response' : 'resolution';
    const due = target === 'response' ? sla.responseDueAt : request.slaDueAt;
    await this.audit(
      breach ? 'request-sla-breach' : 'request-sla-warn',
      request,
      {
        target,
        dueAt: due ?? null,
      },
    );
    const to = [
      ...this.workers(request),
      request.offeringOwnerRef,
      ...terms.notify,
      ...(breach ? terms.escalateTo : []),
    ];
    await notifier.tell(request, {
      to,
      title: breach
        ? `SLA breached: ${request.trackingNumber} ${request.offeringTitle}`
        : `SLA warning: ${request.trackingNumber} ${request.offeringTitle}`,
      description: `The ${target} target of ${sla.policyTitle} ${
        breach ? 'was due' : 'is due'
      } at ${due}.`,
      topic: 'service-catalogue-sla',
      severity: breach ? 'high' : 'normal',
    });
  }

  /** Who works on it now: its approvers, its assignee, or the desk. */
  private workers(request: ServiceRequest): string[] {
    if (request.state === 'PENDING_APPROVAL') {
      return request.stages[request.currentStage ?? 0]?.approvers ?? [];
    }
    return request.assigneeRef ? [request.assigneeRef] : this.deskGroups;
  }

  private async audit(
    eventId: string,
    request: ServiceRequest,
    meta: JsonObject,
  ) {
    const event = await this.deps.auditor.createEvent({
      eventId,
      severityLevel: eventId === 'request-sla-warn' ? 'low' : 'medium',
      meta: {
        trackingNumber: request.trackingNumber,
        actorRef: SYSTEM_ACTOR_REF,
        ...meta,
      },
    });
    await event.success();
  }
}
