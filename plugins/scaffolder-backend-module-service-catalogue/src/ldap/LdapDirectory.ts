import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  CompoundEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ConflictError,
  ForwardedError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  Attribute,
  Change,
  Client,
  DN,
  NoSuchAttributeError,
  NoSuchObjectError,
  ObjectClassViolationError,
  TypeOrValueExistsError,
} from 'ldapts';

/** Where `serviceCatalogue.ldap` sits in the app config. */
export const LDAP_CONFIG_KEY = 'serviceCatalogue.ldap';

const TIMEOUT_MS = 30_000;

/**
 * The groups of an LDAP directory, whose `member` attribute the LDAP actions
 * change: one connection per change (bind, change, unbind), so a step never
 * holds on to a connection the directory may have dropped.
 *
 * @internal
 */
export class LdapDirectory {
  static fromConfig(config: Config): LdapDirectory {
    const ldap = config.getConfig(LDAP_CONFIG_KEY);
    return new LdapDirectory({
      url: ldap.getString('url'),
      bindDn: ldap.getString('bindDn'),
      bindPassword: ldap.getString('bindPassword'),
      groupsBaseDn: ldap.getString('groupsBaseDn'),
      peopleBaseDn: ldap.getString('peopleBaseDn'),
      placeholderMemberDn: ldap.getOptionalString('placeholderMemberDn'),
    });
  }

  private constructor(
    private readonly options: {
      url: string;
      bindDn: string;
      bindPassword: string;
      groupsBaseDn: string;
      peopleBaseDn: string;
      placeholderMemberDn?: string;
    },
  ) {}

  /**
   * The DN of a group: a DN as it is, a Group entity ref or a bare name as
   * the entry with that cn under the groups base, as the LDAP catalog
   * provider maps cn to the Group's name.
   */
  groupDn(input: string): string {
    const trimmed = input.trim();
    if (!trimmed) {
      throw new InputError('Input group must name a group');
    }
    if (trimmed.includes('=')) {
      return trimmed;
    }
    const name =
      trimmed.includes(':') || trimmed.includes('/')
        ? this.nameOf(trimmed, 'group')
        : trimmed;
    return `${new DN({ cn: name })},${this.options.groupsBaseDn}`;
  }

  /**
   * The DN of a member: a DN as it is, a User entity ref (a bare name is a
   * User in the default namespace) as the entry with that uid under the
   * people base.
   */
  memberDn(input: string): string {
    const trimmed = input.trim();
    if (!trimmed) {
      throw new InputError('Input member must name a user');
    }
    if (trimmed.includes('=')) {
      return trimmed;
    }
    return `${new DN({ uid: this.nameOf(trimmed, 'user') })},${
      this.options.peopleBaseDn
    }`;
  }

  /**
   * Adds a member to a group. A member it already has is left as it is.
   *
   * @returns whether the member was added
   */
  async addMember(groupDn: string, memberDn: string): Promise<boolean> {
    return this.withClient(async client => {
      // The directory takes any DN as a member; a mistyped name would leave
      // the group with a member who is nobody.
      try {
        await client.search(memberDn, { scope: 'base', attributes: ['1.1'] });
      } catch (error) {
        if (error instanceof NoSuchObjectError) {
          throw new NotFoundError(
            `There is no entry ${memberDn} in the directory to add to ${groupDn}`,
          );
        }
        throw error;
      }
      try {
        await client.modify(groupDn, memberChange('add', memberDn));
        return true;
      } catch (error) {
        if (error instanceof TypeOrValueExistsError) {
          return false;
        }
        if (error instanceof ObjectClassViolationError) {
          throw new InputError(
            `${groupDn} is not a group that takes members: ${error.message}`,
          );
        }
        throw groupNotFound(error, groupDn);
      }
    });
  }

  /**
   * Removes a member from a group. A member it does not have is no error.
   * A groupOfNames must keep a member: taking out the last one leaves the
   * configured placeholder in its place.
   *
   * @returns whether the member was removed
   */
  async removeMember(groupDn: string, memberDn: string): Promise<boolean> {
    const { placeholderMemberDn } = this.options;
    const lastMember = () =>
      new ConflictError(
        `Cannot remove ${memberDn} from ${groupDn}: it is the group's last member, and the group must keep one${
          placeholderMemberDn
            ? ''
            : `. Set ${LDAP_CONFIG_KEY}.placeholderMemberDn to leave a placeholder in its place`
        }`,
      );
    return this.withClient(async client => {
      try {
        await client.modify(groupDn, memberChange('delete', memberDn));
        return true;
      } catch (error) {
        if (error instanceof NoSuchAttributeError) {
          return false;
        }
        if (!(error instanceof ObjectClassViolationError)) {
          throw groupNotFound(error, groupDn);
        }
        if (!placeholderMemberDn) {
          throw lastMember();
        }
      }
      // One modification, so that the group is never without a member.
      try {
        await client.modify(groupDn, [
          memberChange('add', placeholderMemberDn),
          memberChange('delete', memberDn),
        ]);
        return true;
      } catch (error) {
        // The last member is the placeholder itself.
        if (error instanceof TypeOrValueExistsError) {
          throw lastMember();
        }
        throw error;
      }
    });
  }

  private nameOf(ref: string, kind: 'user' | 'group'): string {
    let parsed: CompoundEntityRef;
    try {
      parsed = parseEntityRef(ref, {
        defaultKind: kind,
        defaultNamespace: DEFAULT_NAMESPACE,
      });
    } catch (error) {
      throw new InputError(`${ref} is neither a DN nor an entity ref`, error);
    }
    if (parsed.kind.toLocaleLowerCase('en-US') !== kind) {
      throw new InputError(`${ref} is not a ${kind}`);
    }
    // The LDAP catalog provider puts what it reads in the default namespace;
    // a name from another one is someone else.
    if (parsed.namespace.toLocaleLowerCase('en-US') !== DEFAULT_NAMESPACE) {
      throw new InputError(
        `${ref} is not in the directory, which holds the ${kind}s of the ${DEFAULT_NAMESPACE} namespace`,
      );
    }
    return parsed.name;
  }

  private async withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const { url, bindDn, bindPassword } = this.options;
    const client = new Client({
      url,
      timeout: TIMEOUT_MS,
      connectTimeout: TIMEOUT_MS,
    });
    try {
      try {
        await client.bind(bindDn, bindPassword);
      } catch (error) {
        throw new ForwardedError(
          `Could not bind to the LDAP directory at ${url} as ${bindDn}`,
          error,
        );
      }
      return await fn(client);
    } finally {
      await client.unbind();
    }
  }
}

function memberChange(operation: 'add' | 'delete', memberDn: string): Change {
  return new Change({
    operation,
    modification: new Attribute({ type: 'member', values: [memberDn] }),
  });
}

function groupNotFound(error: unknown, groupDn: string): unknown {
  return error instanceof NoSuchObjectError
    ? new NotFoundError(`LDAP group ${groupDn} does not exist`)
    : error;
}
