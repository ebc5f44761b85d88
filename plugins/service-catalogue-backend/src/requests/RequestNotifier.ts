import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  REQUEST_SIGNAL_CHANNEL,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';

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

  private constructor(
    private readonly notifications: NotificationService,
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {}

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
    const recipients = [...new Set(message.to)];
    if (recipients.length > 0) {
      try {
        await this.notifications.send({
          recipients: { type: 'entity', entityRef: recipients },
          payload: {
            title: message.title,
            description: message.description,
            link:
              message.link ??
              `/service-catalogue/requests/${request.trackingNumber}`,
            severity: message.severity ?? 'normal',
            topic: message.topic ?? 'service-catalogue-request',
            scope: request.id,
          },
        });
      } catch (error) {
        this.logger.warn(
          `Could not notify about ${request.trackingNumber}: ${error}`,
        );
      }
    }
    await this.publish(request);
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
