import { Entity } from '@backstage/catalog-model';
import {
  OfferingEntityV1alpha1,
  isOfferingEntity,
  offeringEntityV1alpha1Validator as validator,
} from './OfferingEntityV1alpha1';

function fullOffering(): OfferingEntityV1alpha1 {
  return {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: {
      name: 'vpn-access',
      title: 'VPN access',
      description: 'Remote access to the corporate network.',
    },
    spec: {
      owner: 'group:default/network-team',
      category: 'access/network',
      target: 'resource:default/corp-vpn',
      available: true,
      audience: ['group:default/engineering'],
      requestMode: 'self-service',
      template: 'template:default/vpn-access',
      form: { title: 'Why do you need access?' },
      fulfilment: 'automatic',
      approval: {
        allowSelfApproval: false,
        stages: [
          {
            approvers: ['manager'],
            policy: 'any',
            timeout: 'P2D',
            onTimeout: 'escalate',
            escalateTo: ['group:default/network-team'],
          },
          { approvers: ['owner', 'target-owner'], policy: 2 },
        ],
      },
      estimatedDelay: 'PT4H',
      sla: 'business-hours',
      grant: { duration: 'P90D', revokeTemplate: 'template:default/revoke' },
      review: {
        every: 'P90D',
        reviewers: ['owner', 'manager'],
        deadline: 'P14D',
        onUndecided: 'revoke',
      },
    },
  };
}

function minimalOffering(): OfferingEntityV1alpha1 {
  return {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'laptop' },
    spec: { owner: 'it-desk', category: 'hardware' },
  };
}

// Applies a change to a fresh full offering, so each case breaks one thing.
function changed(
  change: (spec: Record<string, any>) => void,
): OfferingEntityV1alpha1 {
  const entity = fullOffering();
  change(entity.spec);
  return entity;
}

describe('offeringEntityV1alpha1Validator', () => {
  it('accepts a full offering', async () => {
    await expect(validator.check(fullOffering())).resolves.toBe(true);
  });

  it('accepts a review with only how often', async () => {
    await expect(
      validator.check(changed(s => (s.review = { every: 'P1Y' }))),
    ).resolves.toBe(true);
  });

  it('accepts a minimal offering', async () => {
    await expect(validator.check(minimalOffering())).resolves.toBe(true);
  });

  it('leaves other kinds alone', async () => {
    const group: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'network-team' },
      spec: { type: 'team', children: [] },
    };
    await expect(validator.check(group)).resolves.toBe(false);
  });

  it('leaves an Offering of another apiVersion alone', async () => {
    const entity = { ...fullOffering(), apiVersion: 'example.com/v1' };
    await expect(validator.check(entity)).resolves.toBe(false);
  });

  it.each<[string, unknown]>([
    ['a word', 'any'],
    ['a word', 'all'],
    ['a number', 1],
    ['a number', 3],
  ])('accepts an approval policy that is %s: %p', async (_what, policy) => {
    const entity = changed(spec => {
      spec.approval.stages[0].policy = policy;
    });
    await expect(validator.check(entity)).resolves.toBe(true);
  });

  it.each<[unknown]>([[0], [-1], [1.5], ['some'], ['2'], [null]])(
    'rejects the approval policy %p',
    async policy => {
      const entity = changed(spec => {
        spec.approval.stages[0].policy = policy;
      });
      await expect(validator.check(entity)).rejects.toThrow(
        '/spec/approval/stages/0/policy',
      );
    },
  );

  it.each(['P90D', 'PT4H', 'PT30M', 'PT0.5S', 'P1W', 'P1Y2M3DT4H5M6S'])(
    'accepts the duration %s',
    async duration => {
      const entity = changed(spec => {
        spec.estimatedDelay = duration;
      });
      await expect(validator.check(entity)).resolves.toBe(true);
    },
  );

  it.each(['4 hours', 'P', 'PT', 'P1DT', 'p90d', '90D', 'P1.5D', ''])(
    'rejects the duration %p',
    async duration => {
      const entity = changed(spec => {
        spec.estimatedDelay = duration;
      });
      await expect(validator.check(entity)).rejects.toThrow(
        '/spec/estimatedDelay',
      );
    },
  );

  it.each<[string, (spec: Record<string, any>) => void, string]>([
    ['owner is missing', s => delete s.owner, 'owner'],
    ['owner is a number', s => (s.owner = 42), '/spec/owner'],
    ['owner is empty', s => (s.owner = ''), '/spec/owner'],
    ['category is missing', s => delete s.category, 'category'],
    ['category is an array', s => (s.category = ['a']), '/spec/category'],
    ['target is empty', s => (s.target = ''), '/spec/target'],
    ['available is a string', s => (s.available = 'yes'), '/spec/available'],
    ['audience is a string', s => (s.audience = 'group:a'), '/spec/audience'],
    ['audience holds a number', s => (s.audience = [1]), '/spec/audience/0'],
    ['requestMode is unknown', s => (s.requestMode = 'x'), '/spec/requestMode'],
    ['template is empty', s => (s.template = ''), '/spec/template'],
    ['form is an array', s => (s.form = []), '/spec/form'],
    ['fulfilment is unknown', s => (s.fulfilment = 'x'), '/spec/fulfilment'],
    ['approval has a stray field', s => (s.approval.policy = 'any'), 'policy'],
    [
      'allowSelfApproval is a string',
      s => (s.approval.allowSelfApproval = 'no'),
      '/spec/approval/allowSelfApproval',
    ],
    [
      'stages is an object',
      s => (s.approval.stages = { approvers: ['manager'] }),
      '/spec/approval/stages',
    ],
    [
      'a stage has no approvers',
      s => delete s.approval.stages[0].approvers,
      'approvers',
    ],
    [
      'a stage has an empty approver list',
      s => (s.approval.stages[0].approvers = []),
      '/spec/approval/stages/0/approvers',
    ],
    [
      'a stage has a stray field',
      s => (s.approval.stages[0].approver = 'manager'),
      'approver',
    ],
    [
      'a stage timeout is not a duration',
      s => (s.approval.stages[0].timeout = '2 days'),
      '/spec/approval/stages/0/timeout',
    ],
    [
      'onTimeout is unknown',
      s => (s.approval.stages[0].onTimeout = 'ignore'),
      '/spec/approval/stages/0/onTimeout',
    ],
    [
      'escalateTo is a string',
      s => (s.approval.stages[0].escalateTo = 'group:a'),
      '/spec/approval/stages/0/escalateTo',
    ],
    ['sla is empty', s => (s.sla = ''), '/spec/sla'],
    [
      'grant duration is not a duration',
      s => (s.grant.duration = '90 days'),
      '/spec/grant/duration',
    ],
    ['grant has a stray field', s => (s.grant.until = '2030'), 'until'],
    ['review has no every', s => delete s.review.every, 'every'],
    [
      'review every is not a duration',
      s => (s.review.every = 'quarterly'),
      '/spec/review/every',
    ],
    [
      'review deadline is not a duration',
      s => (s.review.deadline = '2 weeks'),
      '/spec/review/deadline',
    ],
    [
      'review has an empty reviewer list',
      s => (s.review.reviewers = []),
      '/spec/review/reviewers',
    ],
    [
      'onUndecided is unknown',
      s => (s.review.onUndecided = 'ignore'),
      '/spec/review/onUndecided',
    ],
    ['review has a stray field', s => (s.review.when = 'P1D'), 'when'],
    [
      // Only grants can be reviewed: a one-off service leaves nothing to keep
      // or revoke.
      'review is set without grant',
      s => delete s.grant,
      'grant',
    ],
    ['spec has an unknown field', s => (s.owners = 'a'), 'owners'],
  ])('rejects an offering when %s', async (_what, change, field) => {
    await expect(validator.check(changed(change))).rejects.toThrow(field);
  });

  it('rejects an offering without spec', async () => {
    const { spec: _spec, ...entity } = fullOffering();
    await expect(validator.check(entity as Entity)).rejects.toThrow('spec');
  });
});

describe('isOfferingEntity', () => {
  it('recognises offerings by apiVersion and kind', () => {
    expect(isOfferingEntity(fullOffering())).toBe(true);
    expect(
      isOfferingEntity({ ...fullOffering(), apiVersion: 'example.com/v1' }),
    ).toBe(false);
    expect(
      isOfferingEntity({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
      }),
    ).toBe(false);
  });
});
