import { JsonObject, JsonValue } from '@backstage/types';

/**
 * The id of the scaffolder action that every provisioning and revoke
 * template of an offering runs as its first step.
 *
 * @public
 */
export const GATE_ACTION_ID = 'service-catalogue:gate';

/**
 * The `spec.type` of the templates that provision and revoke offerings.
 *
 * @public
 */
export const OFFERING_TEMPLATE_TYPE = 'service-catalogue';

/**
 * The key under which a task started by the service catalogue carries its
 * {@link TaskMarker} in its values.
 *
 * @public
 */
export const TASK_MARKER_KEY = 'serviceCatalogue';

/**
 * What a task started by the service catalogue carries about the run it
 * belongs to, in its values under {@link TASK_MARKER_KEY}. Templates may
 * read it (`parameters.serviceCatalogue.trackingNumber`); the gate checks
 * it.
 *
 * @public
 */
export interface TaskMarker extends JsonObject {
  /** Provisioning a request, or revoking the grant it left. */
  purpose: 'provision' | 'revoke';
  requestId: string;
  trackingNumber: string;
  /** The grant being revoked, when revoking. */
  grantId?: string;
  /** The run; a retry starts a new run and a new task. */
  run: number;
  /**
   * A one-time secret the backend recorded (hashed) for this run before it
   * created the task; the gate lets one task through with it.
   */
  ticket: string;
}

/**
 * Who created a scaffolder task, as the gate action saw it in
 * `ctx.getInitiatorCredentials()`.
 *
 * @public
 */
export type GateInitiator =
  | { type: 'service'; subject: string }
  | { type: 'user'; userEntityRef: string }
  | { type: 'none' };

/**
 * Body of `POST /gate/checks`: the scaffolder's gate action asks whether a
 * task may go on. Only the scaffolder's own service principal may ask.
 *
 * @public
 */
export interface GateCheckBody {
  taskId: string;
  initiator: GateInitiator;
}

/**
 * Answer of `POST /gate/checks`.
 *
 * @public
 */
export type GateCheckResult =
  | {
      allowed: true;
      purpose: TaskMarker['purpose'];
      trackingNumber: string;
      forUser: string;
    }
  | { allowed: false; reason: string };

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? value
    : undefined;
}

/**
 * The scaffolder runs a step after a failed one when its `if` calls
 * `always()` or `failure()`; after a refused gate, such a step would still
 * provision.
 */
const RUNS_AFTER_FAILURE = /\b(always|failure)\b/;

/**
 * Why a template may not provision or revoke an offering, or undefined when
 * it may: a template with steps must run the gate first, unconditionally,
 * and no step may run after a failed one. The backend refuses to start such
 * a template, and the catalog reports it on the template.
 *
 * @public
 */
export function findGateProblem(template: {
  spec?: JsonObject;
}): string | undefined {
  const steps = template.spec?.steps;
  if (!Array.isArray(steps) || steps.length === 0) {
    return undefined;
  }
  const first = asObject(steps[0]);
  if (first?.action !== GATE_ACTION_ID) {
    return `its first step must be the ${GATE_ACTION_ID} action, which lets only the service catalogue run it for an approved request`;
  }
  if (first.if !== undefined || first.each !== undefined) {
    return `its ${GATE_ACTION_ID} step must run unconditionally (no "if" or "each")`;
  }
  const afterFailure = steps
    .map(asObject)
    .find(
      step => typeof step?.if === 'string' && RUNS_AFTER_FAILURE.test(step.if),
    );
  if (afterFailure) {
    return `its step ${JSON.stringify(
      afterFailure.id ?? afterFailure.action,
    )} would run after a refused gate (always() or failure() in its "if")`;
  }
  return undefined;
}
