import type { z as zod } from 'zod/v3';

type Z = typeof zod;

/** The inputs both LDAP group membership actions take. */
export const membershipInput = {
  group: (z: Z) =>
    z.string({
      description:
        'DN of the group, or its cn (its name in the catalog, such as vpn-users) under the configured groups base',
    }),
  member: (z: Z) =>
    z.string({
      description:
        'DN of the member, or the entity ref of a user (such as user:default/grace), whose uid is their name under the configured people base',
    }),
};

/** The outputs both LDAP group membership actions give, besides what changed. */
export const membershipOutput = {
  groupDn: (z: Z) => z.string({ description: 'DN of the group' }),
  memberDn: (z: Z) => z.string({ description: 'DN of the member' }),
};
