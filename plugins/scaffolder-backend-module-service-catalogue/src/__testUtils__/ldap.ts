import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import {
  Attribute,
  Change,
  Client,
  NoSuchAttributeError,
  TypeOrValueExistsError,
} from 'ldapts';

/**
 * The directory the LDAP tests run against: the Acme organisation of
 * examples/ldap/acme.ldif, as `bash scripts/ldap.sh start` serves it.
 */
export const acme = {
  url: process.env.SC_LDAP_URL,
  bindDn: process.env.SC_LDAP_BIND_DN ?? 'cn=admin,dc=acme,dc=example',
  bindPassword: process.env.SC_LDAP_PASSWORD ?? 'admin',
  groupsBaseDn: 'ou=groups,dc=acme,dc=example',
  peopleBaseDn: 'ou=people,dc=acme,dc=example',
  placeholderMemberDn: 'cn=nobody,dc=acme,dc=example',
  group: (cn: string) => `cn=${cn},ou=groups,dc=acme,dc=example`,
  person: (uid: string) => `uid=${uid},ou=people,dc=acme,dc=example`,
};

/**
 * `describe` when SC_LDAP_URL names a directory, `describe.skip` when it
 * does not; with SC_REQUIRE_LDAP=1 a missing directory fails the suite
 * instead of skipping it.
 */
export function describeWithLdap(): jest.Describe {
  if (acme.url) {
    return describe;
  }
  if (process.env.SC_REQUIRE_LDAP === '1') {
    throw new Error(
      'SC_REQUIRE_LDAP=1 but SC_LDAP_URL is not set: run `bash scripts/ldap.sh start` and set SC_LDAP_URL=ldap://127.0.0.1:3890',
    );
  }
  return describe.skip;
}

/** The app config of the LDAP actions, for the test directory. */
export function ldapConfig(overrides: JsonObject = {}) {
  const { group, person, ...ldap } = acme;
  return new ConfigReader({
    serviceCatalogue: { ldap: { ...ldap, ...overrides } },
  });
}

/** Does something in the test directory as its administrator. */
export async function asAdmin<T>(fn: (client: Client) => Promise<T>) {
  const client = new Client({ url: acme.url! });
  try {
    await client.bind(acme.bindDn, acme.bindPassword);
    return await fn(client);
  } finally {
    await client.unbind();
  }
}

/** The members of a group as the directory has them, in lower case. */
export async function membersOf(groupDn: string): Promise<string[]> {
  const { searchEntries } = await asAdmin(client =>
    client.search(groupDn, { scope: 'base', attributes: ['member'] }),
  );
  return [searchEntries[0].member]
    .flat()
    .map(dn => String(dn).toLocaleLowerCase('en-US'));
}

/** Puts a member in a group or takes them out, whichever state it was in. */
export async function setMember(
  groupDn: string,
  memberDn: string,
  present: boolean,
) {
  try {
    await asAdmin(client =>
      client.modify(
        groupDn,
        new Change({
          operation: present ? 'add' : 'delete',
          modification: new Attribute({ type: 'member', values: [memberDn] }),
        }),
      ),
    );
  } catch (error) {
    if (
      !(error instanceof TypeOrValueExistsError) &&
      !(error instanceof NoSuchAttributeError)
    ) {
      throw error;
    }
  }
}
