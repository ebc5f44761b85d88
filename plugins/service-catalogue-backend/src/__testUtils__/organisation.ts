import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';

const group = (name: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
});

const user = (name: string, memberOf: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf },
});

const offering = (
  name: string,
  spec: Record<string, unknown>,
  title?: string,
): Entity => ({
  apiVersion: 'service-catalogue.io/v1alpha1',
  kind: 'Offering',
  metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
  spec: { owner: 'platform-team', category: 'access', ...spec },
});

/**
 * A small organisation: acme > engineering > platform-team, acme > finance.
 * alice is in platform-team, frank in finance.
 */
export const entities: Entity[] = [
  group('acme'),
  group('engineering', 'acme'),
  group('platform-team', 'group:default/engineering'),
  group('data-team', 'engineering'),
  group('finance', 'acme'),
  user('alice', ['platform-team']),
  user('frank', ['finance']),
  offering('laptop', { category: 'hardware' }, 'New laptop'),
  offering(
    'vpn-access',
    {
      audience: ['group:default/engineering'],
      target: 'corp-vpn',
      estimatedDelay: 'PT4H',
      grant: { duration: 'P90D' },
      template: 'template:default/vpn-access',
    },
    'VPN access',
  ),
  offering('orders-db-read', { audience: ['data-team'] }, 'Orders DB read'),
  offering('frank-only', { audience: ['user:default/frank'] }, 'Frank only'),
  offering('retired', { available: false }, 'Retired offering'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'not-an-offering', namespace: 'default' },
    spec: { type: 'service', owner: 'platform-team', lifecycle: 'production' },
  },
];

/**
 * Resolves ownership like the auth backend's default: the user and the
 * groups listed in their memberOf.
 */
export const userInfoFromEntities = () =>
  mockServices.userInfo.mock({
    async getUserInfo(credentials: any) {
      const userEntityRef: string = credentials.principal.userEntityRef;
      const entity = entities.find(
        e => stringifyEntityRef(e) === userEntityRef,
      );
      const memberOf = (entity?.spec?.memberOf as string[] | undefined) ?? [];
      return {
        userEntityRef,
        ownershipEntityRefs: [
          userEntityRef,
          ...memberOf.map(g => `group:default/${g}`),
        ],
      };
    },
  });

export const categories = [
  { id: 'hardware', title: 'Hardware', icon: 'kind:resource', order: 2 },
  { id: 'access', title: 'Access', icon: 'group', order: 1 },
  { id: 'access/network', title: 'Network', parent: 'access', order: 1 },
  { id: 'access/data', title: 'Data', parent: 'access', order: 0 },
];
