import {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';
import {
  RequestEvent,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { SYSTEM_ACTOR_REF } from '../systemActor';

/**
 * The attributes every request metric carries. Only values from a short
 * list that the deployment controls: an offering ref or a user would make
 * a series per offering or person (and per histogram bucket), which costs
 * the adopter's metrics backend far more than the dashboards gain; the
 * Reports page answers per-offering questions from the database.
 */
type RequestAttributes = {
  /** `automatic` (a template provisions it) or `manual` (the desk). */
  fulfilment: string;
};

/**
 * Hours to weeks: the delivery of a request spans minutes for an automatic
 * one to weeks for a laptop, where the default buckets (up to 10 000)
 * would put every manual request in the last one.
 */
const DELIVERY_BUCKETS_SECONDS = [
  60,
  300,
  900,
  3600,
  4 * 3600,
  8 * 3600,
  86400,
  2 * 86400,
  3 * 86400,
  7 * 86400,
  14 * 86400,
  30 * 86400,
  90 * 86400,
];

/**
 * How many requests are submitted, decided, fulfilled, failed and past
 * their SLA, and how long they take to deliver, as OpenTelemetry
 * instruments of the plugin's meter for adopters' dashboards. Each is
 * recorded once per move, after the move's transaction committed, so a
 * move refused or rolled back counts nothing.
 *
 * @internal
 */
export class RequestMetrics {
  static create(metrics: MetricsService): RequestMetrics {
    const counter = (name: string, description: string) =>
      metrics.createCounter(`service_catalogue.requests.${name}`, {
        description,
        unit: '{request}',
      });
    return new RequestMetrics(
      counter('submitted', 'Requests submitted'),
      counter(
        'decided',
        'Requests whose approval ended, by decision: approved or rejected, by an approver or a stage timeout',
      ),
      counter('fulfilled', 'Requests fulfilled (DONE)'),
      counter(
        'failed',
        'Fulfilments that failed (moves to FAILED; a retried request may fail again)',
      ),
      counter(
        'sla_breached',
        'SLA targets missed, by target: response or resolution',
      ),
      metrics.createHistogram('service_catalogue.requests.delivery.duration', {
        description:
          'Time from submission to DONE of fulfilled requests, approval included',
        unit: 's',
        advice: { explicitBucketBoundaries: DELIVERY_BUCKETS_SECONDS },
      }),
    );
  }

  private constructor(
    private readonly submittedCount: MetricsServiceCounter,
    private readonly decidedCount: MetricsServiceCounter,
    private readonly fulfilledCount: MetricsServiceCounter,
    private readonly failedCount: MetricsServiceCounter,
    private readonly breachedCount: MetricsServiceCounter,
    private readonly deliveryDuration: MetricsServiceHistogram,
  ) {}

  /**
   * Counts what the history events of one committed move say happened to
   * the request: they are the record of each move, so nothing is counted
   * that the history does not hold.
   */
  recordEvents(request: ServiceRequest, events: RequestEvent[]): void {
    const attributes = attributesOf(request);
    for (const event of events) {
      if (event.type === 'submit') {
        this.submittedCount.add(1, attributes);
      } else if (event.fromState === 'PENDING_APPROVAL') {
        if (event.toState === 'APPROVED' || event.toState === 'REJECTED') {
          this.decidedCount.add(1, {
            ...attributes,
            decision: event.toState === 'APPROVED' ? 'approved' : 'rejected',
            // Timeouts are counted by timedOut(); the system otherwise
            // ends an approval when, say, the requester has left.
            decided_by:
              event.actorRef === SYSTEM_ACTOR_REF ? 'system' : 'approver',
          });
        }
      } else if (event.toState === 'DONE') {
        this.fulfilledCount.add(1, attributes);
        const seconds =
          (Date.parse(event.createdAt) - Date.parse(request.createdAt)) / 1000;
        this.deliveryDuration.record(Math.max(seconds, 0), attributes);
      } else if (event.toState === 'FAILED') {
        this.failedCount.add(1, attributes);
      }
    }
  }

  /** Counts a stage timeout that rejected the request. */
  timedOut(request: ServiceRequest): void {
    this.decidedCount.add(1, {
      ...attributesOf(request),
      decision: 'rejected',
      decided_by: 'timeout',
    });
  }

  /** Counts a missed SLA target, once per request and target. */
  slaBreached(request: ServiceRequest, target: 'response' | 'resolution') {
    this.breachedCount.add(1, {
      ...attributesOf(request),
      target,
      // Policies are a deployment's config, so there are only a few.
      sla_policy: request.sla?.policyId ?? 'none',
    });
  }
}

function attributesOf(request: ServiceRequest): RequestAttributes {
  return { fulfilment: request.fulfilment ?? 'unknown' };
}
