import { AuditorService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

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

function requestOutcome(result: unknown): JsonObject {
  const request = result as
    | { trackingNumber?: string; state?: string }
    | undefined;
  return request?.trackingNumber
    ? { trackingNumber: request.trackingNumber, state: request.state! }
    : {};
}
