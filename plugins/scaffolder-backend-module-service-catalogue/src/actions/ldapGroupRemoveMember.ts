import { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { LdapDirectory } from '../ldap/LdapDirectory';
import { membershipInput, membershipOutput } from './ldapGroupMembership';
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
      input: membershipInput,
      output: {
        ...membershipOutput,
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
