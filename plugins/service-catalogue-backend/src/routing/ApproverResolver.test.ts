import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  EntityRelation,
  RELATION_CHILD_OF,
  RELATION_HAS_MEMBER,
  RELATION_MEMBER_OF,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import {
  OFFERING_API_VERSION,
  OFFERING_KIND,
  OfferingApprovalStage,
  OfferingEntityV1alpha1,
} from '@service-catalogue/plugin-service-catalogue-common';
import { memoryCache } from '../__testUtils__/memoryCache';
import { CatalogCache } from '../catalogue/CatalogCache';
import { ApproverResolver } from './ApproverResolver';

type OrgEntity = Entity & { members?: string[] };

const group = (
  name: string,
  parent?: string,
  members: string[] = [],
): OrgEntity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
  members,
});

const user = (
  name: string,
  memberOf: string[],
  annotations: Record<string, string> = {},
): OrgEntity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default', annotations },
  spec: { memberOf },
});

const resource = (name: string, owner?: string): OrgEntity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', ...(owner ? { owner } : {}) },
});

const manager = (name: string) => ({
  'service-catalogue.io/manager': `user:default/${name}`,
});

/**
 * Adds the relations the catalog stitches from spec.memberOf, spec.parent
 * and a group's spec.members, because the in-memory catalog stores entities
 * as given and derives nothing.
 */
function stitch(org: OrgEntity[]): Entity[] {
  const relations = new Map<string, EntityRelation[]>();
  const relate = (source: string, type: string, targetRef: string) => {
    relations.set(source, [
      ...(relations.get(source) ?? []),
      { type, targetRef },
    ]);
  };
  for (const entity of org) {
    const ref = stringifyEntityRef(entity);
    if (entity.kind === 'User') {
      for (const name of entity.spec!.memberOf as string[]) {
        relate(ref, RELATION_MEMBER_OF, `group:default/${name}`);
        relate(`group:default/${name}`, RELATION_HAS_MEMBER, ref);
      }
    }
    if (entity.kind === 'Group') {
      const parent = entity.spec!.parent as string | undefined;
      if (parent) {
        relate(ref, RELATION_CHILD_OF, `group:default/${parent}`);
        relate(`group:default/${parent}`, RELATION_PARENT_OF, ref);
      }
      for (const name of entity.members ?? []) {
        relate(ref, RELATION_HAS_MEMBER, `user:default/${name}`);
        relate(`user:default/${name}`, RELATION_MEMBER_OF, ref);
      }
    }
  }
  return org.map(({ members, ...entity }) => ({
    ...entity,
    relations: relations.get(stringifyEntityRef(entity)) ?? [],
  }));
}

/**
 * A slice of examples/org.yaml, plus a few entities with gaps in their data:
 * an empty team, two groups that are each other's parent, a group listing a
 * member who is not in the catalog, a user whose manager has left.
 */
const entities = stitch([
  group('acme'),
  group('engineering', 'acme'),
  group('platform-team', 'engineering'),
  group('web-team', 'engineering'),
  group('it', 'acme'),
  group('network-team', 'it'),
  group('it-managers', 'it'),
  group('empty-team', 'acme'),
  group('loop-a', 'loop-b'),
  group('loop-b', 'loop-a'),
  group('with-ghost', 'acme', ['ghost', 'grace']),
  user('alice', ['acme']),
  user('bob', ['engineering'], manager('alice')),
  user('carol', ['it', 'it-managers'], manager('alice')),
  user('dave', ['platform-team'], manager('bob')),
  user('erin', ['platform-team'], manager('dave')),
  user('frank', ['web-team'], manager('bob')),
  user('grace', ['web-team'], manager('frank')),
  user('leo', ['network-team', 'it-managers'], manager('carol')),
  user('peggy', ['network-team'], manager('leo')),
  user('mia', ['it-managers'], { 'acme.example/boss': 'user:default/carol' }),
  user('zed', [], manager('gone')),
  user('lara', ['loop-a']),
  user('lou', ['loop-b']),
  resource('corp-vpn', 'network-team'),
  resource('orphan'),
]);

const offering = (
  stages: OfferingApprovalStage[] | undefined,
  spec: Partial<OfferingEntityV1alpha1['spec']> = {},
): OfferingEntityV1alpha1 => ({
  apiVersion: OFFERING_API_VERSION,
  kind: OFFERING_KIND,
  metadata: { name: 'test-offering', namespace: 'default' },
  spec: {
    owner: 'group:default/platform-team',
    category: 'access',
    ...(stages ? { approval: { stages } } : {}),
    ...spec,
  },
});

function setup(approvals: JsonObject = {}) {
  const logger = mockServices.logger.mock();
  const catalog = catalogServiceMock({ entities });
  const resolver = ApproverResolver.create({
    catalog,
    auth: mockServices.auth(),
    config: mockServices.rootConfig({
      data: { serviceCatalogue: { approvals } },
    }),
    logger,
    catalogCache: CatalogCache.create({ cache: memoryCache(), logger }),
  });
  return { resolver, logger, catalog };
}

/** The approvers of each stage, the way a reviewer of a snapshot reads them. */
async function approversOf(
  resolver: ApproverResolver,
  requester: string,
  ...args: Parameters<typeof offering>
) {
  const stages = await resolver.resolveStages({
    offering: offering(...args),
    requesterRef: `user:default/${requester}`,
  });
  return stages.map(stage => stage.approvers);
}

const users = (...names: string[]) => names.map(n => `user:default/${n}`);

describe('ApproverResolver', () => {
  it('needs no approval when an offering has no stages', async () => {
    const { resolver } = setup();
    await expect(
      resolver.resolveStages({
        offering: offering(undefined),
        requesterRef: 'user:default/erin',
      }),
    ).resolves.toEqual([]);
    await expect(
      resolver.resolveStages({
        offering: offering([]),
        requesterRef: 'user:default/erin',
      }),
    ).resolves.toEqual([]);
  });

  describe('owner', () => {
    it('asks the owning group and the members of all its descendant groups', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'peggy', [{ approvers: ['owner'] }], {
          owner: 'group:default/engineering',
        }),
      ).resolves.toEqual([users('bob', 'dave', 'erin', 'frank', 'grace')]);
    });

    it('expands the same groups from the catalog once for many requests', async () => {
      const { resolver, catalog } = setup();
      const byRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
      const resolve = () =>
        approversOf(resolver, 'peggy', [{ approvers: ['owner'] }], {
          owner: 'group:default/engineering',
        });
      const first = await resolve();
      const asked = byRefs.mock.calls.length;
      expect(asked).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) {
        expect(await resolve()).toEqual(first);
      }
      expect(byRefs).toHaveBeenCalledTimes(asked);
    });

    it('reads a bare owner as a group next to the offering', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'peggy', [{ approvers: ['owner'] }], {
          owner: 'platform-team',
        }),
      ).resolves.toEqual([users('dave', 'erin')]);
    });

    it('asks a user who owns the offering', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'peggy', [{ approvers: ['owner'] }], {
          owner: 'user:default/mia',
        }),
      ).resolves.toEqual([users('mia')]);
    });
  });

  describe('target-owner', () => {
    it('asks the owner of the target', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'erin', [{ approvers: ['target-owner'] }], {
          target: 'resource:default/corp-vpn',
        }),
      ).resolves.toEqual([users('leo', 'peggy')]);
    });

    it('reads a bare target as a resource next to the offering', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'erin', [{ approvers: ['target-owner'] }], {
          target: 'corp-vpn',
        }),
      ).resolves.toEqual([users('leo', 'peggy')]);
    });

    it.each([
      ['has no target', {}],
      ['has a target without owner', { target: 'resource:default/orphan' }],
      [
        'has a target missing from the catalog',
        { target: 'resource:default/nope' },
      ],
    ])('asks the fallback approvers when the offering %s', async (_, spec) => {
      const { resolver, logger } = setup({
        fallbackApprovers: ['user:default/carol'],
      });
      const [stage] = await resolver.resolveStages({
        offering: offering([{ approvers: ['target-owner'] }], spec),
        requesterRef: 'user:default/erin',
      });
      expect(stage).toMatchObject({
        approvers: users('carol'),
        source: 'fallback',
      });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('target-owner'),
      );
    });
  });

  describe('manager', () => {
    it('asks the manager named by the annotation on the requester', async () => {
      const { resolver } = setup({ managerFallback: ['user:default/alice'] });
      await expect(
        approversOf(resolver, 'erin', [{ approvers: ['manager'] }]),
      ).resolves.toEqual([users('dave')]);
    });

    it('asks the manager fallback when the requester has no manager', async () => {
      const { resolver } = setup({
        managerFallback: ['group:default/it-managers'],
      });
      const [stage] = await resolver.resolveStages({
        offering: offering([{ approvers: ['manager'] }]),
        requesterRef: 'user:default/alice',
      });
      expect(stage).toMatchObject({
        approvers: users('carol', 'leo', 'mia'),
        source: 'resolved',
      });
    });

    it('asks the manager fallback when the annotated manager has left', async () => {
      const { resolver, logger } = setup({
        managerFallback: ['user:default/carol'],
      });
      await expect(
        approversOf(resolver, 'zed', [{ approvers: ['manager'] }]),
      ).resolves.toEqual([users('carol')]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('user:default/gone'),
      );
    });

    it('reads the annotation that config names', async () => {
      const { resolver } = setup({ managerAnnotation: 'acme.example/boss' });
      await expect(
        approversOf(resolver, 'mia', [{ approvers: ['manager'] }]),
      ).resolves.toEqual([users('carol')]);
    });
  });

  describe('entity refs', () => {
    it('asks named users and the members of named groups', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'erin', [
          { approvers: ['user:default/leo', 'group:default/web-team'] },
        ]),
      ).resolves.toEqual([users('frank', 'grace', 'leo')]);
    });

    it('reads a bare name as a user next to the offering', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'erin', [{ approvers: ['leo'] }]),
      ).resolves.toEqual([users('leo')]);
    });

    it('drops users who are not in the catalog, and says so', async () => {
      const { resolver, logger } = setup();
      await expect(
        approversOf(resolver, 'erin', [
          {
            approvers: [
              'user:default/leo',
              'user:default/nobody',
              'managr',
              'group:default/with-ghost',
              'component:default/some-service',
            ],
          },
        ]),
      ).resolves.toEqual([users('grace', 'leo')]);
      const warnings = logger.warn.mock.calls.map(([message]) => message);
      expect(warnings).toEqual(
        expect.arrayContaining([
          expect.stringContaining('user:default/nobody'),
          expect.stringContaining('user:default/managr'),
          expect.stringContaining('user:default/ghost'),
          expect.stringContaining('component:default/some-service'),
        ]),
      );
    });

    it('lists every approver once, sorted', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'peggy', [
          {
            approvers: [
              'user:default/erin',
              'owner',
              'group:default/platform-team',
              'group:default/engineering',
            ],
          },
        ]),
      ).resolves.toEqual([users('bob', 'dave', 'erin', 'frank', 'grace')]);
    });

    it('stops walking groups that are each other’s parent', async () => {
      const { resolver, catalog } = setup();
      // The in-memory catalog answers without yielding to timers, so an
      // endless walk would starve jest's timeout; fail it by count instead.
      const getEntitiesByRefs = catalog.getEntitiesByRefs.bind(catalog);
      let calls = 0;
      jest
        .spyOn(catalog, 'getEntitiesByRefs')
        .mockImplementation(async (...args) => {
          calls += 1;
          if (calls > 20) {
            throw new Error('the walk does not end');
          }
          return getEntitiesByRefs(...args);
        });
      await expect(
        approversOf(resolver, 'erin', [
          { approvers: ['group:default/loop-a'] },
        ]),
      ).resolves.toEqual([users('lara', 'lou')]);
    });
  });

  describe('the requester', () => {
    it('is never asked to approve their own request', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'dave', [
          { approvers: ['owner'] },
          { approvers: ['user:default/dave', 'user:default/leo'] },
        ]),
      ).resolves.toEqual([users('erin'), users('leo')]);
    });

    it('is recognised however their ref is spelled', async () => {
      const { resolver } = setup();
      const stages = await resolver.resolveStages({
        offering: offering([{ approvers: ['owner'] }]),
        requesterRef: 'User:default/Dave',
      });
      expect(stages[0].approvers).toEqual(users('erin'));
    });

    it('is asked when the offering allows self-approval', async () => {
      const { resolver } = setup();
      await expect(
        approversOf(resolver, 'dave', undefined, {
          approval: {
            allowSelfApproval: true,
            stages: [{ approvers: ['owner'] }],
          },
        }),
      ).resolves.toEqual([users('dave', 'erin')]);
    });
  });

  describe('fallback approvers', () => {
    it('stand in when nobody but the requester could approve', async () => {
      const { resolver } = setup({
        fallbackApprovers: ['group:default/it-managers'],
      });
      const stages = await resolver.resolveStages({
        offering: offering([
          { approvers: ['user:default/carol'] },
          { approvers: ['group:default/empty-team'] },
        ]),
        requesterRef: 'user:default/carol',
      });
      expect(stages).toEqual([
        {
          index: 0,
          approverSpec: ['user:default/carol'],
          approvers: users('leo', 'mia'),
          source: 'fallback',
          policy: 'any',
          required: 1,
        },
        {
          index: 1,
          approverSpec: ['group:default/empty-team'],
          approvers: users('leo', 'mia'),
          source: 'fallback',
          policy: 'any',
          required: 1,
        },
      ]);
    });

    it('refuse the request rather than approve it when there are none', async () => {
      const { resolver } = setup({ fallbackApprovers: ['user:default/erin'] });
      const submit = resolver.resolveStages({
        offering: offering([
          { approvers: ['owner'] },
          { approvers: ['group:default/empty-team'] },
        ]),
        requesterRef: 'user:default/erin',
      });
      await expect(submit).rejects.toThrow(InputError);
      await expect(submit).rejects.toThrow(
        'Nobody can approve stage 2 of offering offering:default/test-offering for user:default/erin: configure serviceCatalogue.approvals.fallbackApprovers',
      );
    });

    it('are checked when the backend starts', () => {
      expect(() =>
        setup({ fallbackApprovers: ['component:default/some-service'] }),
      ).toThrow(
        "serviceCatalogue.approvals.fallbackApprovers: 'component:default/some-service' is neither a user nor a group entity ref",
      );
    });
  });

  describe('policy', () => {
    it.each([
      [undefined, 'any', 1],
      ['any' as const, 'any', 1],
      ['all' as const, 'all', 3],
      [2, 2, 2],
      [3, 3, 3],
    ])(
      'with policy %p requires %p → %p approvals of three',
      async (policy, resolvedPolicy, required) => {
        const { resolver } = setup();
        const [stage] = await resolver.resolveStages({
          offering: offering([
            { approvers: ['group:default/it-managers'], policy },
          ]),
          requesterRef: 'user:default/erin',
        });
        expect(stage).toMatchObject({
          approvers: users('carol', 'leo', 'mia'),
          policy: resolvedPolicy,
          required,
        });
      },
    );

    it('refuses a stage that asks for more approvals than it has approvers', async () => {
      const { resolver } = setup();
      await expect(
        resolver.resolveStages({
          offering: offering([
            { approvers: ['group:default/it-managers'], policy: 3 },
          ]),
          requesterRef: 'user:default/leo',
        }),
      ).rejects.toThrow(
        new InputError(
          'The policy of stage 1 of offering offering:default/test-offering asks for 3 approvals, but only 2 people can approve it for user:default/leo',
        ),
      );
    });
  });

  it('routes vpn-access through the manager, then the target owner', async () => {
    const { resolver } = setup();
    const stages = await resolver.resolveStages({
      offering: offering(undefined, {
        owner: 'group:default/network-team',
        target: 'resource:default/corp-vpn',
        approval: {
          allowSelfApproval: false,
          stages: [
            { approvers: ['manager'], policy: 'any' },
            {
              approvers: ['target-owner'],
              policy: 'any',
              timeout: 'P2D',
              onTimeout: 'escalate',
              escalateTo: ['group:default/it-managers'],
            },
          ],
        },
      }),
      requesterRef: 'user:default/erin',
    });
    expect(stages).toEqual([
      {
        index: 0,
        approverSpec: ['manager'],
        approvers: users('dave'),
        source: 'resolved',
        policy: 'any',
        required: 1,
      },
      {
        index: 1,
        approverSpec: ['target-owner'],
        approvers: users('leo', 'peggy'),
        source: 'resolved',
        policy: 'any',
        required: 1,
        // Whom the timeout adds is resolved now, members of the group.
        timeout: 'P2D',
        onTimeout: 'escalate',
        escalateTo: users('carol', 'leo', 'mia'),
      },
    ]);
  });

  it('leaves the requester out of an escalation, and resolves none for a stage that rejects on timeout', async () => {
    const { resolver } = setup();
    const stages = await resolver.resolveStages({
      offering: offering([
        {
          approvers: ['group:default/network-team'],
          timeout: 'PT4H',
          onTimeout: 'escalate',
          escalateTo: ['group:default/it-managers'],
        },
        {
          approvers: ['group:default/network-team'],
          timeout: 'PT4H',
          onTimeout: 'reject',
          escalateTo: ['group:default/it-managers'],
        },
      ]),
      requesterRef: 'user:default/carol',
    });
    expect(stages[0].escalateTo).toEqual(users('leo', 'mia'));
    expect(stages[1]).toMatchObject({ timeout: 'PT4H', onTimeout: 'reject' });
    expect(stages[1].escalateTo).toBeUndefined();
  });

  describe('an escalation that would add nobody', () => {
    it('escalates to the fallback approvers when there is no escalateTo or it resolves to nobody', async () => {
      const { resolver } = setup({ fallbackApprovers: ['user:default/alice'] });
      const stages = await resolver.resolveStages({
        offering: offering([
          { approvers: ['group:default/network-team'], timeout: 'PT4H' },
          {
            approvers: ['group:default/network-team'],
            timeout: 'PT4H',
            onTimeout: 'escalate',
            escalateTo: ['group:default/empty-team'],
          },
        ]),
        requesterRef: 'user:default/grace',
      });
      expect(stages.map(s => [s.onTimeout, s.escalateTo])).toEqual([
        ['escalate', users('alice')],
        ['escalate', users('alice')],
      ]);
    });

    it('escalates to the offering owners, never the requester, when everyone named already approves', async () => {
      const { resolver } = setup();
      const [stage] = await resolver.resolveStages({
        offering: offering([
          {
            approvers: ['group:default/it-managers'],
            timeout: 'PT4H',
            onTimeout: 'escalate',
            escalateTo: ['user:default/leo'],
          },
        ]),
        requesterRef: 'user:default/erin',
      });
      expect(stage.approvers).toEqual(users('carol', 'leo', 'mia'));
      expect(stage.escalateTo).toEqual(users('dave'));
    });

    it('leaves the requester out of the owners even when the offering allows self-approval', async () => {
      const { resolver } = setup();
      const [stage] = await resolver.resolveStages({
        offering: offering(undefined, {
          approval: {
            allowSelfApproval: true,
            stages: [
              {
                approvers: ['group:default/it-managers'],
                timeout: 'PT4H',
              },
            ],
          },
        }),
        requesterRef: 'user:default/erin',
      });
      expect(stage.escalateTo).toEqual(users('dave'));
    });
  });

  it('reads the whole organisation with its own credentials', async () => {
    const { resolver, catalog } = setup();
    const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    await resolver.resolveStages({
      offering: offering([{ approvers: ['manager', 'owner'] }]),
      requesterRef: 'user:default/erin',
    });
    const calls = [
      ...getEntitiesByRefs.mock.calls,
      ...getEntityByRef.mock.calls,
    ];
    expect(calls.length).toBeGreaterThan(0);
    for (const [, options] of calls) {
      expect(options).toEqual({
        credentials: expect.objectContaining({
          principal: expect.objectContaining({ type: 'service' }),
        }),
      });
    }
  });
});
