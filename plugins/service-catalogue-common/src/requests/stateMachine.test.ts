import {
  REQUEST_STATES,
  REQUEST_TRANSITIONS,
  TERMINAL_REQUEST_STATES,
  availableRequestActions,
  findRequestTransition,
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
});
