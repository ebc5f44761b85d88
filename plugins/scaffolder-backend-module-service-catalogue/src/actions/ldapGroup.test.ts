import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import {
  acme,
  asAdmin,
  describeWithLdap,
  ldapConfig,
  membersOf,
  setMember,
} from '../__testUtils__/ldap';
import { createLdapGroupAddMemberAction } from './ldapGroupAddMember';
import { examples as addExamples } from './ldapGroupAddMember.examples';
import { createLdapGroupRemoveMemberAction } from './ldapGroupRemoveMember';
import { examples as removeExamples } from './ldapGroupRemoveMember.examples';

// Both actions are tested in this one file, against the directory
// scripts/ldap.sh serves, so that the tests that change the same groups run
// one after another.

const vpnUsers = acme.group('vpn-users');
const figmaUsers = acme.group('figma-users');
const grace = acme.person('grace');
const ivan = acme.person('ivan');

/** An example's first step's input, with the template's parameters filled in. */
function firstStepInput(example: string, parameters: Record<string, string>) {
  const { steps } = yaml.parse(example);
  return JSON.parse(
    JSON.stringify(steps[0].input).replace(
      /\$\{\{\s*parameters\.(\w+)\s*\}\}/g,
      (_, name) => parameters[name],
    ),
  ) as { group: string; member: string };
}

/** What a step output, by name. */
function outputsOf(ctx: ReturnType<typeof createMockActionContext>) {
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls) as Record<
    string,
    unknown
  >;
}

describe('LDAP group actions, before they reach the directory', () => {
  // Nothing answers here: input that reaches the directory fails otherwise.
  const unreachable = { url: 'ldap://127.0.0.1:9' };
  const config = ldapConfig(unreachable);
  const add = createLdapGroupAddMemberAction({ config });
  const remove = createLdapGroupRemoveMemberAction({ config });

  it.each([
    ['a group as member', { group: 'vpn-users', member: 'group:default/it' }],
    [
      'a user of another namespace',
      { group: 'vpn-users', member: 'user:partners/grace' },
    ],
    ['an empty group', { group: ' ', member: 'user:default/grace' }],
    ['a user as group', { group: 'user:default/grace', member: 'grace' }],
  ])('refuses %s', async (_what, input) => {
    for (const action of [add, remove] as TemplateAction<any, any, any>[]) {
      await expect(
        action.handler(createMockActionContext({ input })),
      ).rejects.toThrow(InputError);
    }
  });

  it.each(['url', 'bindDn', 'bindPassword', 'groupsBaseDn', 'peopleBaseDn'])(
    'requires %s',
    key => {
      expect(() =>
        createLdapGroupAddMemberAction({
          config: ldapConfig({ ...unreachable, [key]: null }),
        }),
      ).toThrow(
        `Missing required config value at 'serviceCatalogue.ldap.${key}'`,
      );
    },
  );
});

describeWithLdap()('LDAP group actions, against the directory', () => {
  // Made once the suite runs: a skipped suite has no directory to configure.
  let add: ReturnType<typeof createLdapGroupAddMemberAction>;
  let remove: ReturnType<typeof createLdapGroupRemoveMemberAction>;

  beforeAll(() => {
    const config = ldapConfig();
    add = createLdapGroupAddMemberAction({ config });
    remove = createLdapGroupRemoveMemberAction({ config });
  });

  afterEach(async () => {
    for (const group of [vpnUsers, figmaUsers]) {
      for (const member of [grace, ivan]) {
        await setMember(group, member, false);
      }
    }
  });

  it('adds a user to a group once, and removes them once', async () => {
    const input = { group: 'vpn-users', member: 'user:default/grace' };

    const first = createMockActionContext({ input });
    await add.handler(first);
    expect(first.output).toHaveBeenCalledWith('groupDn', vpnUsers);
    expect(first.output).toHaveBeenCalledWith('memberDn', grace);
    expect(first.output).toHaveBeenCalledWith('added', true);
    expect(await membersOf(vpnUsers)).toEqual([
      acme.placeholderMemberDn,
      grace,
    ]);

    const logger = mockServices.logger.mock();
    const again = createMockActionContext({ input, logger });
    await add.handler(again);
    expect(again.output).toHaveBeenCalledWith('added', false);
    expect(logger.info).toHaveBeenCalledWith(
      `${grace} is already a member of ${vpnUsers}; nothing changed`,
    );
    expect(await membersOf(vpnUsers)).toEqual([
      acme.placeholderMemberDn,
      grace,
    ]);

    const removal = createMockActionContext({ input });
    await remove.handler(removal);
    expect(removal.output).toHaveBeenCalledWith('removed', true);
    expect(await membersOf(vpnUsers)).toEqual([acme.placeholderMemberDn]);

    const removalAgain = createMockActionContext({ input });
    await remove.handler(removalAgain);
    expect(removalAgain.output).toHaveBeenCalledWith('removed', false);
    expect(await membersOf(vpnUsers)).toEqual([acme.placeholderMemberDn]);
  });

  it('takes the group and the member as DNs, or by name', async () => {
    await add.handler(
      createMockActionContext({
        input: { group: `  ${figmaUsers} `, member: ivan },
      }),
    );
    await add.handler(
      createMockActionContext({
        input: { group: 'group:default/figma-users', member: 'grace' },
      }),
    );
    expect(await membersOf(figmaUsers)).toEqual([
      acme.placeholderMemberDn,
      ivan,
      grace,
    ]);
  });

  it('fails clearly for a group the directory does not have', async () => {
    for (const action of [add, remove] as TemplateAction<any, any, any>[]) {
      const result = action.handler(
        createMockActionContext({
          input: { group: 'no-such-group', member: 'user:default/grace' },
        }),
      );
      await expect(result).rejects.toThrow(NotFoundError);
      await expect(result).rejects.toThrow(
        `LDAP group cn=no-such-group,ou=groups,dc=acme,dc=example does not exist`,
      );
    }
  });

  it('does not add someone the directory does not have', async () => {
    await expect(
      add.handler(
        createMockActionContext({
          input: { group: 'vpn-users', member: 'user:default/mallory' },
        }),
      ),
    ).rejects.toThrow(
      `There is no entry uid=mallory,ou=people,dc=acme,dc=example in the directory to add to ${vpnUsers}`,
    );
    expect(await membersOf(vpnUsers)).toEqual([acme.placeholderMemberDn]);
  });

  it('fails clearly when the directory refuses the password', async () => {
    const action = createLdapGroupAddMemberAction({
      config: ldapConfig({ bindPassword: 'not-the-password' }),
    });
    await expect(
      action.handler(
        createMockActionContext({
          input: { group: 'vpn-users', member: 'user:default/grace' },
        }),
      ),
    ).rejects.toThrow(
      `Could not bind to the LDAP directory at ${acme.url} as ${acme.bindDn}`,
    );
  });

  describe('removing the last member of a group', () => {
    const scratch = acme.group(`scratch-${process.pid}-${Date.now()}`);

    beforeEach(async () => {
      await asAdmin(client =>
        client.add(scratch, {
          objectClass: 'groupOfNames',
          member: grace,
        }),
      );
    });

    afterEach(async () => {
      await asAdmin(client => client.del(scratch));
    });

    it('leaves the placeholder in its place', async () => {
      const ctx = createMockActionContext({
        input: { group: scratch, member: 'user:default/grace' },
      });
      await remove.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('removed', true);
      expect(await membersOf(scratch)).toEqual([acme.placeholderMemberDn]);
    });

    it('fails without a placeholder, and leaves the group as it was', async () => {
      const action = createLdapGroupRemoveMemberAction({
        config: ldapConfig({ placeholderMemberDn: null }),
      });
      const result = action.handler(
        createMockActionContext({ input: { group: scratch, member: grace } }),
      );
      await expect(result).rejects.toThrow(ConflictError);
      await expect(result).rejects.toThrow(
        `Cannot remove ${grace} from ${scratch}: it is the group's last member, and the group must keep one. Set serviceCatalogue.ldap.placeholderMemberDn to leave a placeholder in its place`,
      );
      expect(await membersOf(scratch)).toEqual([grace]);
    });

    it('does not remove the placeholder when it is all that is left', async () => {
      await remove.handler(
        createMockActionContext({ input: { group: scratch, member: grace } }),
      );
      await expect(
        remove.handler(
          createMockActionContext({
            input: { group: scratch, member: acme.placeholderMemberDn },
          }),
        ),
      ).rejects.toThrow(ConflictError);
      expect(await membersOf(scratch)).toEqual([acme.placeholderMemberDn]);
    });
  });

  it.each(addExamples.map(example => [example.description, example.example]))(
    'runs the add-member example: %s',
    async (_description, example) => {
      const input = firstStepInput(example, { forUser: 'user:default/grace' });
      const ctx = createMockActionContext({ input });
      await add.handler(ctx);

      const { groupDn, memberDn, added } = outputsOf(ctx);
      expect(added).toBe(true);
      expect(await membersOf(String(groupDn))).toContain(memberDn);
    },
  );

  it.each(
    removeExamples.map(example => [example.description, example.example]),
  )('runs the remove-member example: %s', async (_description, example) => {
    const input = firstStepInput(example, { forUser: 'user:default/grace' });
    await setMember(vpnUsers, grace, true);
    await setMember(figmaUsers, ivan, true);
    const ctx = createMockActionContext({ input });
    await remove.handler(ctx);

    const { groupDn, memberDn, removed } = outputsOf(ctx);
    expect(removed).toBe(true);
    expect(await membersOf(String(groupDn))).not.toContain(memberDn);
  });
});
