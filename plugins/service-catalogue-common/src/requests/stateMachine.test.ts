import {
  CANCELLABLE_REQUEST_STATES,
  FULFILMENT_REQUEST_STATES,
  OPEN_EXTENSION_STATES,
  OPEN_REQUEST_STATES,
  REQUEST_STATES,
  REQUEST_TRANSITIONS,
  TERMINAL_REQUEST_STATES,
  availableRequestActions,
  findRequestTransition,
  fulfillerRequestActions,
  isRequestOpen,
} from './stateMachine';

describe('the request state machine', () => {
  it('leaves terminal states never', () => {
    for (const state of TERMINAL_REQUEST_STATES) {
      expect(REQUEST_TRANSITIONS.filter(t => t.from === state)).toEqual([]);
    }
  });

  it('reaches every state from NEW', () => {
    const reached = new Set(['NEW']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of REQUEST_TRANSITIONS) {
        if (reached.has(t.from) && !reached.has(t.to)) {
          reached.add(t.to);
          grew = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...REQUEST_STATES].sort());
  });

  it('lets the requester cancel only before fulfilment starts', () => {
    const cancellable = REQUEST_STATES.filter(state =>
      availableRequestActions({ state, actor: 'requester' }).includes('cancel'),
    );
    expect(cancellable).toEqual(['NEW', 'PENDING_APPROVAL', 'APPROVED']);
  });

  it('lets the requester cancel a request in progress that the desk has not taken yet', () => {
    const cancellable = (request: {
      fulfilment?: 'manual' | 'automatic';
      assigneeRef?: string;
    }) =>
      REQUEST_STATES.filter(state =>
        availableRequestActions({
          state,
          actor: 'requester',
          request,
        }).includes('cancel'),
      );
    expect(cancellable({ fulfilment: 'manual' })).toEqual([
      'NEW',
      'PENDING_APPROVAL',
      'APPROVED',
      'IN_PROGRESS',
    ]);
    // Taken by the desk, or with a task that may have started: too late.
    expect(
      cancellable({
        fulfilment: 'manual',
        assigneeRef: 'user:default/desmond',
      }),
    ).toEqual(['NEW', 'PENDING_APPROVAL', 'APPROVED']);
    expect(cancellable({ fulfilment: 'automatic' })).toEqual([
      'NEW',
      'PENDING_APPROVAL',
      'APPROVED',
    ]);
    expect(cancellable({})).toEqual(['NEW', 'PENDING_APPROVAL', 'APPROVED']);
    expect(
      findRequestTransition({
        from: 'IN_PROGRESS',
        action: 'cancel',
        actor: 'requester',
        request: { fulfilment: 'manual' },
      })?.to,
    ).toBe('CANCELLED');
    expect(
      findRequestTransition({
        from: 'IN_PROGRESS',
        action: 'cancel',
        actor: 'fulfiller',
        request: { fulfilment: 'manual' },
      }),
    ).toBeUndefined();
  });

  it('lets only approvers approve, and only pending requests', () => {
    expect(
      findRequestTransition({
        from: 'PENDING_APPROVAL',
        action: 'approve',
        actor: 'approver',
      })?.to,
    ).toBe('APPROVED');
    expect(
      findRequestTransition({
        from: 'PENDING_APPROVAL',
        action: 'approve',
        actor: 'requester',
      }),
    ).toBeUndefined();
    expect(
      findRequestTransition({
        from: 'APPROVED',
        action: 'approve',
        actor: 'approver',
      }),
    ).toBeUndefined();
  });

  it('retries a failed request only by a fulfiller', () => {
    expect(
      availableRequestActions({ state: 'FAILED', actor: 'fulfiller' }),
    ).toEqual(['retry']);
    expect(
      availableRequestActions({ state: 'FAILED', actor: 'requester' }),
    ).toEqual([]);
  });

  it('has no two transitions with the same action from the same state', () => {
    const keys = REQUEST_TRANSITIONS.map(t => `${t.from}:${t.action}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('counts a failed request as open, since its fulfillers retry it', () => {
    expect(OPEN_REQUEST_STATES).toEqual([
      'NEW',
      'PENDING_APPROVAL',
      'APPROVED',
      'IN_PROGRESS',
      'FAILED',
    ]);
    expect(isRequestOpen({ state: 'FAILED' })).toBe(true);
    expect(isRequestOpen({ state: 'DONE' })).toBe(false);
  });

  it('never retries an extension, so a failed one is over', () => {
    const extension = { extendsGrantId: 'grant-1' };
    expect(
      availableRequestActions({
        state: 'FAILED',
        actor: 'fulfiller',
        request: extension,
      }),
    ).toEqual([]);
    expect(OPEN_EXTENSION_STATES).toEqual([
      'NEW',
      'PENDING_APPROVAL',
      'APPROVED',
      'IN_PROGRESS',
    ]);
    expect(isRequestOpen({ state: 'FAILED', ...extension })).toBe(false);
  });

  it('names the states to cancel from and those of fulfilment', () => {
    expect(CANCELLABLE_REQUEST_STATES).toEqual([
      'NEW',
      'PENDING_APPROVAL',
      'APPROVED',
      'IN_PROGRESS',
    ]);
    expect(FULFILMENT_REQUEST_STATES).toEqual(['APPROVED', 'IN_PROGRESS']);
  });

  it('lets fulfillers work manual requests by hand and retry failed ones', () => {
    expect(
      fulfillerRequestActions({ state: 'APPROVED', fulfilment: 'manual' }),
    ).toEqual(['assign']);
    expect(
      fulfillerRequestActions({ state: 'IN_PROGRESS', fulfilment: 'manual' }),
    ).toEqual(['assign', 'complete', 'fail']);
    expect(
      fulfillerRequestActions({
        state: 'IN_PROGRESS',
        fulfilment: 'automatic',
      }),
    ).toEqual([]);
    expect(
      fulfillerRequestActions({ state: 'FAILED', fulfilment: 'automatic' }),
    ).toEqual(['retry']);
    expect(
      fulfillerRequestActions({
        state: 'FAILED',
        fulfilment: 'manual',
        extendsGrantId: 'grant-1',
      }),
    ).toEqual([]);
  });
});
