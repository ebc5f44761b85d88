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
  /**
   * Whether it must be an extension (true), or must not (false). A request
   * not known is taken for one that is not.
   */
  extension?: boolean;
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
  /** The grant it asks more time for, when it is an extension. */
  extendsGrantId?: string;
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
  // An extension provisions nothing: it fails only when the grant it asked
  // time for ended or stopped expiring, which no retry changes.
  {
    action: 'retry',
    from: 'FAILED',
    to: 'IN_PROGRESS',
    actors: ['fulfiller'],
    when: { extension: false },
  },
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

/**
 * States of a request that is still open: every state but the terminal
 * ones. `FAILED` is open, because its fulfillers retry it; the one request
 * that never leaves `FAILED`, an extension, is told apart by
 * {@link isRequestOpen}.
 *
 * @public
 */
export const OPEN_REQUEST_STATES: readonly RequestState[] =
  REQUEST_STATES.filter(state => !TERMINAL_REQUEST_STATES.includes(state));

/**
 * States of an extension that is still open: a failed extension is over,
 * since nothing retries it.
 *
 * @public
 */
export const OPEN_EXTENSION_STATES: readonly RequestState[] =
  OPEN_REQUEST_STATES.filter(state =>
    REQUEST_TRANSITIONS.some(
      t => t.from === state && meets(t, { extendsGrantId: 'any' }),
    ),
  );

/**
 * States from which a request may be cancelled, for some request: from
 * `IN_PROGRESS` only a manual one the desk has not taken.
 *
 * @public
 */
export const CANCELLABLE_REQUEST_STATES: readonly RequestState[] = [
  ...new Set(
    REQUEST_TRANSITIONS.filter(t => t.action === 'cancel').map(t => t.from),
  ),
];

/**
 * States of a request waiting for fulfilment or in it: where the desk
 * takes manual requests and the backend starts the tasks of automatic ones.
 *
 * @public
 */
export const FULFILMENT_REQUEST_STATES: readonly RequestState[] = [
  ...new Set(
    REQUEST_TRANSITIONS.filter(
      t =>
        (t.action === 'start' && t.actors.includes('fulfiller')) ||
        t.action === 'complete',
    ).map(t => t.from),
  ),
];

/**
 * Whether anything more can happen to a request: `FAILED` is open unless
 * the request is an extension.
 *
 * @public
 */
export function isRequestOpen(
  request: RequestTransitionFacts & { state: RequestState },
): boolean {
  return (
    request.extendsGrantId === undefined
      ? OPEN_REQUEST_STATES
      : OPEN_EXTENSION_STATES
  ).includes(request.state);
}

/**
 * Whether the desk takes or gives a request to someone: manual requests
 * waiting for fulfilment or in it. Taking an `APPROVED` one starts it.
 *
 * @public
 */
export function isRequestAssignable(request: {
  state: RequestState;
  fulfilment?: OfferingFulfilment;
}): boolean {
  return (
    request.fulfilment === 'manual' &&
    FULFILMENT_REQUEST_STATES.includes(request.state)
  );
}

/**
 * What someone who fulfils a request (its offering's owners, the desk,
 * administrators) may do with it: retry it when it failed, and work a
 * manual one by hand (take it, complete it, fail it). The backend itself
 * starts, completes and fails automatic requests.
 *
 * @public
 */
export function fulfillerRequestActions(
  request: RequestTransitionFacts & { state: RequestState },
): Array<RequestAction | 'assign'> {
  const moves = availableRequestActions({
    state: request.state,
    actor: 'fulfiller',
    request,
  });
  const actions: Array<RequestAction | 'assign'> = moves.filter(
    action => action === 'retry',
  );
  if (isRequestAssignable(request)) {
    actions.push(
      'assign',
      ...moves.filter(action => action === 'complete' || action === 'fail'),
    );
  }
  return actions;
}

function meets(
  transition: RequestTransition,
  request: RequestTransitionFacts | undefined,
): boolean {
  const { when } = transition;
  if (!when) {
    return true;
  }
  const extension = request?.extendsGrantId !== undefined;
  if (when.extension !== undefined && when.extension !== extension) {
    return false;
  }
  if (when.fulfilment === undefined && when.assigned === undefined) {
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
