import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  REQUEST_SIGNAL_CHANNEL,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';

/** How long a stopping backend waits for notifications still under way. */
const SETTLE_TIMEOUT_MS = 10_000;

/**
 * Tells people about a request after the store committed a change: a
 * notification to those who must act or know, and a signal so that open
 * pages refresh.
 *
 * @internal
 */
export class RequestNotifier {
  static create(options: {
    notifications: NotificationService;
    signals: SignalsService;
    logger: LoggerService;
  }): RequestNotifier {
    return new RequestNotifier(
      options.notifications,
      options.signals,
      options.logger,
    );
  }

  private readonly underway = new Set<Promise<void>>();

  private constructor(
    private readonly notifications: NotificationService,
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Tells people about a committed change without holding up the caller's
   * response: the notification service and the signals are other plugins'
   * round trips. What fails is logged, never dropped in silence, and
   * {@link RequestNotifier.settled} waits for what is still under way.
   */
  later(about: string, tell: (notifier: this) => Promise<void>): void {
    const work: Promise<void> = Promise.resolve()
      .then(() => tell(this))
      .catch(error =>
        this.logger.error(`Could not tell people about ${about}: ${error}`),
      )
      .finally(() => this.underway.delete(work));
    this.underway.add(work);
  }

  /**
   * Resolves once everything sent {@link RequestNotifier.later} is out, or
   * after `timeoutMs`, whichever is first: a notifications backend that
   * hangs must not hold up a stopping backend. What is still under way
   * then is dropped, and the log says how much.
   */
  async settled(options?: { timeoutMs?: number }): Promise<void> {
    const timeoutMs = options?.timeoutMs ?? SETTLE_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timed out'>(resolve => {
      timer = setTimeout(() => resolve('timed out'), timeoutMs);
    });
    const drained = (async () => {
      while (this.underway.size > 0) {
        await Promise.all([...this.underway]);
      }
      return 'drained' as const;
    })();
    try {
      if ((await Promise.race([drained, timedOut])) === 'timed out') {
        this.logger.warn(
          `Stopped waiting for notifications after ${timeoutMs} ms: ${this.underway.size} not sent`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Notifies and signals after the store committed. A failed notification
   * is logged, never allowed to undo or hide a committed change.
   */
  async tell(
    request: ServiceRequest,
    message: {
      to: string[];
      title: string;
      description?: string;
      link?: string;
      topic?: string;
      severity?: 'normal' | 'high';
    },
  ): Promise<void> {
    await this.send({
      ...message,
      link:
        message.link ?? `/service-catalogue/requests/${request.trackingNumber}`,
      topic: message.topic ?? 'service-catalogue-request',
      scope: request.id,
      about: request.trackingNumber,
    });
    await this.publish(request);
  }

  /** Asks the approvers of the stage a pending request waits for. */
  async askApprovers(request: ServiceRequest): Promise<void> {
    if (request.state !== 'PENDING_APPROVAL') {
      return;
    }
    const stage = request.stages[request.currentStage ?? 0];
    await this.tell(request, {
      to: stage?.approvers ?? [],
      title: `Approval needed: ${request.trackingNumber} ${request.offeringTitle}`,
      description: `Requested for ${request.requesterRef}.`,
      link: '/service-catalogue/approvals',
      topic: 'service-catalogue-approval',
    });
  }

  /**
   * A notification about something other than a request's change, such as a
   * grant: sent, or logged when it cannot be.
   */
  async send(message: {
    to: string[];
    title: string;
    description?: string;
    link: string;
    topic: string;
    /** Notifications of one scope replace each other in the inbox. */
    scope: string;
    /** What the message is about, for the log. */
    about: string;
    severity?: 'normal' | 'high';
  }): Promise<void> {
    const recipients = [...new Set(message.to)];
    if (recipients.length === 0) {
      return;
    }
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title: message.title,
          description: message.description,
          link: message.link,
          severity: message.severity ?? 'normal',
          topic: message.topic,
          scope: message.scope,
        },
      });
    } catch (error) {
      this.logger.warn(`Could not notify about ${message.about}: ${error}`);
    }
  }

  async publish(
    request: ServiceRequest,
    options?: { exclude: string[] },
  ): Promise<void> {
    const people = new Set([
      request.requesterRef,
      request.submittedByRef,
      ...request.stages.flatMap(stage => stage.approvers),
    ]);
    for (const ref of options?.exclude ?? []) {
      people.delete(ref);
    }
    if (people.size === 0) {
      return;
    }
    try {
      await this.signals.publish({
        recipients: { type: 'user', entityRef: [...people] },
        channel: REQUEST_SIGNAL_CHANNEL,
        message: {
          requestId: request.id,
          trackingNumber: request.trackingNumber,
          state: request.state,
          version: request.version,
        },
      });
    } catch (error) {
      this.logger.warn(
        `Could not signal a change of ${request.trackingNumber}: ${error}`,
      );
    }
  }
}
