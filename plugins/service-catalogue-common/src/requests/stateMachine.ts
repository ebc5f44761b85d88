import { OfferingFulfilment } from '../entity/OfferingEntityV1alpha1';

/**
 * The states a request moves through.
 *
 * @public
 */
export const REQUEST_STATES = [
  'NEW',
  'PENDING_APPROVAL',
  'APPROVED',
  'IN_PROGRESS',
  'DONE',
  'REJECTED',
  'FAILED',
  'CANCELLED',
] as const;

/**
 * A state of a request.
 *
 * @public
 */
export type RequestState = (typeof REQUEST_STATES)[number];

/**
 * Who causes a transition.
 *
 * - `system`: the backend itself (routing, fulfilment, timeouts).
 * - `requester`: the person the request is for, or who submitted it.
 * - `approver`: an approver of the current stage, or their delegate.
 * - `fulfiller`: the offering's owners and the service desk.
 *
 * @public
 */
export type RequestActor = 'system' | 'requester' | 'approver' | 'fulfiller';

/**
 * The name of a transition, as recorded in a request's history.
 *
 * @public
 */
export type RequestAction =
  | 'route'
  | 'approve'
  | 'reject'
  | 'start'
  | 'complete'
  | 'fail'
  | 'retry'
  | 'cancel';

/**
 * What a transition may ask of a request besides its state.
 *
 * @public
 */
export interface RequestTransitionCondition {
  /** How the request must be fulfilled. */
  fulfilment?: OfferingFulfilment;
  /** Whether someone of the desk must have taken it (true), or nobody (false). */
  assigned?: boolean;
}

/**
 * What the conditions of transitions look at; a `ServiceRequest` will do.
 *
 * @public
 */
export interface RequestTransitionFacts {
  /** How the request is fulfilled. */
  fulfilment?: OfferingFulfilment;
  /** Who of the desk took it, if anyone did. */
  assigneeRef?: string;
}

/**
 * One allowed move of the request state machine.
 *
 * @public
 */
export interface RequestTransition {
  action: RequestAction;
  from: RequestState;
  to: RequestState;
  /** Who may cause it. */
  actors: readonly RequestActor[];
  /**
   * Allowed only for a request that meets this, too; never when the request
   * is not known.
   */
  when?: RequestTransitionCondition;
}

const cancellable: RequestState[] = ['NEW', 'PENDING_APPROVAL', 'APPROVED'];

/**
 * The request state machine, as data. The backend refuses any move that is
 * not listed here, and the UI offers only the moves listed here, so the two
 * cannot disagree.
 *
 * An approval that does not complete the last stage is a decision, not a
 * transition: the request stays `PENDING_APPROVAL`.
 *
 * @public
 */
export const REQUEST_TRANSITIONS: readonly RequestTransition[] = [
  // Submitted, and at least one stage needs a decision.
  { action: 'route', from: 'NEW', to: 'PENDING_APPROVAL', actors: ['system'] },
  // Submitted, and nothing needs approval.
  { action: 'start', from: 'NEW', to: 'IN_PROGRESS', actors: ['system'] },
  // The last stage completed by its policy.
  {
    action: 'approve',
    from: 'PENDING_APPROVAL',
    to: 'APPROVED',
    actors: ['approver'],
  },
  // An approver said no, or a stage timed out with onTimeout: reject.
  {
    action: 'reject',
    from: 'PENDING_APPROVAL',
    to: 'REJECTED',
    actors: ['approver', 'system'],
  },
  // Fulfilment began: a scaffolder task started, or the desk took it.
  {
    action: 'start',
    from: 'APPROVED',
    to: 'IN_PROGRESS',
    actors: ['system', 'fulfiller'],
  },
  {
    action: 'complete',
    from: 'IN_PROGRESS',
    to: 'DONE',
    actors: ['system', 'fulfiller'],
  },
  {
    action: 'fail',
    from: 'IN_PROGRESS',
    to: 'FAILED',
    actors: ['system', 'fulfiller'],
  },
  { action: 'retry', from: 'FAILED', to: 'IN_PROGRESS', actors: ['fulfiller'] },
  ...cancellable.map(
    (from): RequestTransition => ({
      action: 'cancel',
      from,
      to: 'CANCELLED',
      // The system cancels what someone who left the organisation asked for.
      actors: ['requester', 'system'],
    }),
  ),
  // Nothing needed approval, and the desk has not taken it yet: nobody has
  // done anything for it. An automatic request may have started its task.
  {
    action: 'cancel',
    from: 'IN_PROGRESS',
    to: 'CANCELLED',
    actors: ['requester', 'system'],
    when: { fulfilment: 'manual', assigned: false },
  },
];

/**
 * States after which nothing more happens to a request.
 *
 * @public
 */
export const TERMINAL_REQUEST_STATES: readonly RequestState[] = [
  'DONE',
  'REJECTED',
  'CANCELLED',
];

function meets(
  transition: RequestTransition,
  request: RequestTransitionFacts | undefined,
): boolean {
  const { when } = transition;
  if (!when) {
    return true;
  }
  if (!request) {
    return false;
  }
  return (
    (when.fulfilment === undefined || request.fulfilment === when.fulfilment) &&
    (when.assigned === undefined ||
      (request.assigneeRef !== undefined) === when.assigned)
  );
}

/**
 * Finds the transition an actor causes with an action from a state, if the
 * state machine allows it. Transitions with conditions are found only for
 * the `request` that meets them.
 *
 * @public
 */
export function findRequestTransition(options: {
  from: RequestState;
  action: RequestAction;
  actor: RequestActor;
  request?: RequestTransitionFacts;
}): RequestTransition | undefined {
  return REQUEST_TRANSITIONS.find(
    t =>
      t.from === options.from &&
      t.action === options.action &&
      t.actors.includes(options.actor) &&
      meets(t, options.request),
  );
}

/**
 * The actions an actor may take on a request in a state; with the
 * `request`, also those that depend on it.
 *
 * @public
 */
export function availableRequestActions(options: {
  state: RequestState;
  actor: RequestActor;
  request?: RequestTransitionFacts;
}): RequestAction[] {
  return REQUEST_TRANSITIONS.filter(
    t =>
      t.from === options.state &&
      t.actors.includes(options.actor) &&
      meets(t, options.request),
  ).map(t => t.action);
}
