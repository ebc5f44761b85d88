import {
  Entity,
  EntityRelation,
  RELATION_HAS_MEMBER,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

/*
 * The organisation of the access review tests.
 *
 *   network-team: leo, peggy      owns vpn-access, wifi
 *   platform-team: alice          owns laptop (no grant), github (no review)
 *   service-desk: desmond
 *   managers: grace → frank, nina → leo, peggy → leo
 *   ada administers; nosy is nobody's reviewer and owns nothing
 */

const MEMBERS: Record<string, string[]> = {
  leo: ['network-team'],
  peggy: ['network-team'],
  alice: ['platform-team'],
  desmond: ['service-desk'],
};

const MANAGERS: Record<string, string> = {
  grace: 'frank',
  nina: 'leo',
  peggy: 'leo',
};

/** The users of the organisation. */
export const REVIEW_USERS = [
  'leo',
  'peggy',
  'alice',
  'desmond',
  'grace',
  'frank',
  'nina',
  'ada',
  'nosy',
];

const offering = (name: string, spec: Record<string, unknown>): Entity => ({
  apiVersion: 'service-catalogue.io/v1alpha1',
  kind: 'Offering',
  metadata: { name, namespace: 'default', title: name.toUpperCase() },
  spec: { category: 'access', form: { properties: {} }, ...spec },
});

/** The catalog of the access review tests, relations stitched. */
export function reviewEntities(): Entity[] {
  const entities: Entity[] = [
    ...['network-team', 'platform-team', 'service-desk'].map(
      (name): Entity => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name, namespace: 'default' },
        spec: { type: 'team', children: [] },
      }),
    ),
    ...REVIEW_USERS.map(
      (name): Entity => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: {
          name,
          namespace: 'default',
          ...(MANAGERS[name]
            ? {
                annotations: {
                  'service-catalogue.io/manager': `user:default/${MANAGERS[name]}`,
                },
              }
            : {}),
        },
        spec: { memberOf: MEMBERS[name] ?? [] },
      }),
    ),
    offering('vpn-access', {
      owner: 'group:default/network-team',
      target: 'resource:default/corp-vpn',
      grant: { duration: 'P90D' },
      review: {
        every: 'P90D',
        reviewers: ['owner'],
        deadline: 'P14D',
        onUndecided: 'revoke',
      },
    }),
    offering('wifi', {
      owner: 'group:default/network-team',
      grant: { revokeTemplate: 'template:default/wifi-revoke' },
      review: { every: 'P30D', reviewers: ['manager'], onUndecided: 'keep' },
    }),
    offering('laptop', { owner: 'group:default/platform-team' }),
    offering('github', {
      owner: 'group:default/platform-team',
      grant: {},
    }),
  ];
  const relations = new Map<string, EntityRelation[]>();
  for (const [name, groups] of Object.entries(MEMBERS)) {
    for (const g of groups) {
      const groupRef = `group:default/${g}`;
      const userRef = `user:default/${name}`;
      relations.set(groupRef, [
        ...(relations.get(groupRef) ?? []),
        { type: RELATION_HAS_MEMBER, targetRef: userRef },
      ]);
      relations.set(userRef, [
        ...(relations.get(userRef) ?? []),
        { type: RELATION_MEMBER_OF, targetRef: groupRef },
      ]);
    }
  }
  return entities.map(entity => ({
    ...entity,
    relations: relations.get(stringifyEntityRef(entity)) ?? [],
  }));
}

/** A user's ownership claims in the organisation. */
export function reviewClaimsOf(userEntityRef: string): string[] {
  const name = userEntityRef.split('/')[1];
  return [
    userEntityRef,
    ...(MEMBERS[name] ?? []).map(g => `group:default/${g}`),
  ];
}

/**
 * Writes a fulfilled request and its active grant straight into the
 * tables, as the lifecycle leaves them; returns the grant's id.
 */
export async function seedGrant(
  knex: Knex,
  grant: {
    holder: string;
    offering: 'vpn-access' | 'wifi' | 'github';
    recorded?: boolean;
    birthrightGroupRef?: string;
  },
): Promise<string> {
  const requestId = randomUUID();
  const grantId = randomUUID();
  const now = new Date();
  const owner =
    grant.offering === 'github'
      ? 'group:default/platform-team'
      : 'group:default/network-team';
  const offeringRef = `offering:default/${grant.offering}`;
  await knex('requests').insert({
    id: requestId,
    offering_ref: offeringRef,
    offering_title: grant.offering.toUpperCase(),
    offering_owner_ref: owner,
    requester_ref: `user:default/${grant.holder}`,
    submitted_by_ref: `user:default/${grant.holder}`,
    state: 'DONE',
    version: 1,
    form_values: '{}',
    current_stage: null,
    fulfilment: 'manual',
    created_at: now,
    updated_at: now,
  });
  if (grant.recorded) {
    await knex('request_events').insert({
      request_id: requestId,
      type: 'complete',
      actor_ref: 'user:default/desmond',
      from_state: 'IN_PROGRESS',
      to_state: 'DONE',
      data: JSON.stringify({ recorded: true }),
      created_at: now,
    });
  }
  await knex('grants').insert({
    id: grantId,
    request_id: requestId,
    holder_ref: `user:default/${grant.holder}`,
    offering_ref: offeringRef,
    offering_title: grant.offering.toUpperCase(),
    offering_owner_ref: owner,
    target_ref:
      grant.offering === 'vpn-access' ? 'resource:default/corp-vpn' : null,
    state: 'active',
    version: 1,
    granted_at: new Date('2026-06-01T00:00:00Z'),
    revoke_template_ref:
      grant.offering === 'wifi' ? 'template:default/wifi-revoke' : null,
    birthright_group_ref: grant.birthrightGroupRef ?? null,
  });
  return grantId;
}
