import { reviewerToDecideFor } from './whoMayReview';

const line = (reviewerRefs: string[], decision?: 'keep' | 'revoke') => ({
  holderRef: 'user:default/grace',
  reviewerRefs,
  deadlineAt: '2026-12-17T09:00:00.000Z',
  ...(decision ? { decision } : {}),
});

const ask = (
  options: Partial<Parameters<typeof reviewerToDecideFor>[0]> & {
    userRef: string;
  },
) =>
  reviewerToDecideFor({
    line: line(['user:default/leo', 'user:default/peggy']),
    campaignState: 'open',
    now: new Date('2026-12-03T09:00:00Z'),
    delegators: [],
    administrator: false,
    ...options,
  });

describe('reviewerToDecideFor', () => {
  it('lets a reviewer decide for themselves', () => {
    expect(ask({ userRef: 'user:default/leo' })).toEqual({ may: true });
  });

  it('lets a delegate decide for the reviewer who delegated to them', () => {
    expect(
      ask({ userRef: 'user:default/nina', delegators: ['user:default/peggy'] }),
    ).toEqual({ may: true, decidedForRef: 'user:default/peggy' });
    expect(
      ask({ userRef: 'user:default/nina', delegators: ['user:default/frank'] }),
    ).toEqual({ may: false, why: 'not-reviewer' });
  });

  it('never lets the holder decide, as a reviewer, a delegate or an administrator', () => {
    for (const options of [
      { line: line(['user:default/grace', 'user:default/leo']) },
      { delegators: ['user:default/leo'] },
      { line: line([]), administrator: true },
    ]) {
      expect(ask({ userRef: 'user:default/grace', ...options })).toEqual({
        may: false,
        why: 'own',
      });
    }
  });

  it('lets administrators decide only the lines nobody reviews', () => {
    expect(
      ask({ userRef: 'user:default/ada', line: line([]), administrator: true }),
    ).toEqual({ may: true });
    expect(ask({ userRef: 'user:default/ada', administrator: true })).toEqual({
      may: false,
      why: 'not-reviewer',
    });
    expect(ask({ userRef: 'user:default/ada', line: line([]) })).toEqual({
      may: false,
      why: 'not-reviewer',
    });
  });

  it('refuses decided lines and closed campaigns', () => {
    expect(
      ask({
        userRef: 'user:default/leo',
        line: line(['user:default/leo'], 'keep'),
      }),
    ).toEqual({ may: false, why: 'decided' });
    expect(
      ask({ userRef: 'user:default/leo', campaignState: 'closed' }),
    ).toEqual({ may: false, why: 'closed' });
  });

  it('refuses from the deadline on, before the job closed the campaign', () => {
    expect(
      ask({
        userRef: 'user:default/leo',
        now: new Date('2026-12-17T08:59:59.999Z'),
      }),
    ).toEqual({ may: true });
    for (const now of ['2026-12-17T09:00:00Z', '2026-12-18T09:00:00Z']) {
      expect(ask({ userRef: 'user:default/leo', now: new Date(now) })).toEqual({
        may: false,
        why: 'past-deadline',
      });
    }
  });
});
