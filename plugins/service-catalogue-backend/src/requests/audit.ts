import { AuditorService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { userRefOf } from './refs';
import { UserCredentials } from './useCase';

/**
 * Runs a use case as one audit event that succeeds or fails with it. What
 * it returns says how it ended: a request's tracking number and state, or
 * whatever `outcome` picks from it.
 *
 * @internal
 */
export async function audited<T>(
  auditor: AuditorService,
  event: {
    eventId: string;
    meta: JsonObject;
    severityLevel?: 'low' | 'medium' | 'high' | 'critical';
    outcome?: (result: T) => JsonObject;
  },
  action: () => Promise<T>,
): Promise<T> {
  const audit = await auditor.createEvent({
    eventId: event.eventId,
    severityLevel: event.severityLevel ?? 'medium',
    meta: event.meta,
  });
  try {
    const result = await action();
    await audit.success({
      meta: event.outcome ? event.outcome(result) : requestOutcome(result),
    });
    return result;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}

/**
 * Runs what the caller does to one request as one audit event, which names
 * the request and the caller (handed to `action` as `actorRef`).
 *
 * @internal
 */
export function auditedOnRequest<T>(
  auditor: AuditorService,
  eventId: string,
  options: { idOrTrackingNumber: string; credentials: UserCredentials },
  action: (actorRef: string) => Promise<T>,
  meta: JsonObject = {},
): Promise<T> {
  const actorRef = userRefOf(options.credentials);
  return audited(
    auditor,
    {
      eventId,
      meta: { request: options.idOrTrackingNumber, ...meta, actorRef },
    },
    () => action(actorRef),
  );
}

function requestOutcome(result: unknown): JsonObject {
  const request = result as
    | { trackingNumber?: string; state?: string }
    | undefined;
  return request?.trackingNumber
    ? { trackingNumber: request.trackingNumber, state: request.state! }
    : {};
}
