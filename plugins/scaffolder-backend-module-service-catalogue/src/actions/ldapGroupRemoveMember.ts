import { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { LdapDirectory } from '../ldap/LdapDirectory';
import { examples } from './ldapGroupRemoveMember.examples';

/**
 * Creates the `ldap:group:remove-member` action: a revoke template takes
 * someone's access away by removing them from the directory group that
 * grants it.
 *
 * @remarks
 *
 * Reads the directory from `serviceCatalogue.ldap`. A member the group does
 * not have is no error, so running the step twice removes them once. A
 * groupOfNames must keep a member: removing the last one leaves
 * `serviceCatalogue.ldap.placeholderMemberDn` in its place, and fails when
 * that is not set.
 *
 * @public
 */
export function createLdapGroupRemoveMemberAction(options: { config: Config }) {
  const directory = LdapDirectory.fromConfig(options.config);

  return createTemplateAction({
    id: 'ldap:group:remove-member',
    description:
      'Removes a member from a group of the LDAP directory (its member attribute); a member it does not have is no error',
    examples,
    schema: {
      input: {
        group: z =>
          z.string({
            description:
              'DN of the group, or its cn (its name in the catalog, such as vpn-users) under the configured groups base',
          }),
        member: z =>
          z.string({
            description:
              'DN of the member, or the entity ref of a user (such as user:default/grace), whose uid is their name under the configured people base',
          }),
      },
      output: {
        groupDn: z => z.string({ description: 'DN of the group' }),
        memberDn: z => z.string({ description: 'DN of the member' }),
        removed: z =>
          z.boolean({
            description:
              'False when the group did not have the member and nothing changed',
          }),
      },
    },
    async handler(ctx) {
      const groupDn = directory.groupDn(ctx.input.group);
      const memberDn = directory.memberDn(ctx.input.member);
      const removed = await ctx.checkpoint({
        key: `ldap:group:remove-member:${groupDn}:${memberDn}`,
        fn: () => directory.removeMember(groupDn, memberDn),
      });

      ctx.logger.info(
        removed
          ? `Removed ${memberDn} from ${groupDn}`
          : `${memberDn} is not a member of ${groupDn}; nothing changed`,
      );
      ctx.output('groupDn', groupDn);
      ctx.output('memberDn', memberDn);
      ctx.output('removed', removed);
    },
  });
}
