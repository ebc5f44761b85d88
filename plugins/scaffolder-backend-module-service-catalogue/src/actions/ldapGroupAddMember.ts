import { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { LdapDirectory } from '../ldap/LdapDirectory';
import { membershipInput, membershipOutput } from './ldapGroupMembership';
import { examples } from './ldapGroupAddMember.examples';

/**
 * Creates the `ldap:group:add-member` action: a provisioning template gives
 * someone access by adding them to the directory group that grants it.
 *
 * @remarks
 *
 * Reads the directory from `serviceCatalogue.ldap`. A member the group
 * already has is left as it is, so running the step twice adds them once.
 *
 * @public
 */
export function createLdapGroupAddMemberAction(options: { config: Config }) {
  const directory = LdapDirectory.fromConfig(options.config);

  return createTemplateAction({
    id: 'ldap:group:add-member',
    description:
      'Adds a user to a group of the LDAP directory (its member attribute); a member it already has is no error',
    examples,
    schema: {
      input: membershipInput,
      output: {
        ...membershipOutput,
        added: z =>
          z.boolean({
            description:
              'False when the group already had the member and nothing changed',
          }),
      },
    },
    async handler(ctx) {
      const groupDn = directory.groupDn(ctx.input.group);
      const memberDn = directory.memberDn(ctx.input.member);
      const added = await ctx.checkpoint({
        key: `ldap:group:add-member:${groupDn}:${memberDn}`,
        fn: () => directory.addMember(groupDn, memberDn),
      });

      ctx.logger.info(
        added
          ? `Added ${memberDn} to ${groupDn}`
          : `${memberDn} is already a member of ${groupDn}; nothing changed`,
      );
      ctx.output('groupDn', groupDn);
      ctx.output('memberDn', memberDn);
      ctx.output('added', added);
    },
  });
}
