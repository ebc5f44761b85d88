import {
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  UserTransformer,
  defaultUserTransformer,
  mapStringAttr,
} from '@backstage/plugin-catalog-backend-module-ldap';

/** The inetOrgPerson attribute that holds the DN of a person's manager. */
const MANAGER_ATTRIBUTE = 'manager';

/**
 * The User transform of the LDAP provider, plus the annotation the service
 * catalogue routes `manager` approvals by: the `manager` DN of an entry
 * becomes the entity ref of the User read from that entry. Everything else
 * is the provider's default transform.
 *
 * A manager is named by the value of their DN's leading RDN, which is the
 * User's name where users are named by their RDN attribute (`uid` in both
 * `map.rdn` and `map.name`, the provider's defaults). A DN with another
 * leading attribute, or several managers, leaves the annotation out, and
 * approvals fall back to `serviceCatalogue.approvals.managerFallback`.
 *
 * @internal
 */
export function createManagerUserTransformer(options: {
  annotation: string;
}): UserTransformer {
  return async (vendor, config, entry) => {
    const user = await defaultUserTransformer(vendor, config, entry);
    if (!user || config.map.name !== config.map.rdn) {
      return user;
    }
    mapStringAttr(entry, vendor, MANAGER_ATTRIBUTE, dn => {
      const rdn = leadingRdn(dn);
      if (
        !rdn ||
        rdn.attribute.toLocaleLowerCase('en-US') !==
          config.map.rdn.toLocaleLowerCase('en-US')
      ) {
        return;
      }
      user.metadata.annotations = {
        ...user.metadata.annotations,
        [options.annotation]: stringifyEntityRef({
          kind: 'User',
          namespace: user.metadata.namespace ?? DEFAULT_NAMESPACE,
          name: rdn.value,
        }),
      };
    });
    return user;
  };
}

/**
 * The attribute and value of a DN's leftmost RDN, unescaped (RFC 4514), or
 * undefined for a multi-valued or malformed one.
 */
export function leadingRdn(
  dn: string,
): { attribute: string; value: string } | undefined {
  // Bytes, since each hex escape is one byte of UTF-8: \c3\a9 is é.
  let bytes: number[] = [];
  let attribute: string | undefined;
  const text = () => Buffer.from(bytes).toString('utf8').trim();
  const chars = Array.from(dn);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === '\\') {
      const hex = chars.slice(i + 1, i + 3).join('');
      if (/^[0-9a-f]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      if (i + 1 === chars.length) {
        return undefined;
      }
      i += 1;
      bytes.push(...Buffer.from(chars[i]));
    } else if (char === '=' && attribute === undefined) {
      attribute = text();
      bytes = [];
    } else if (char === ',' || char === ';') {
      break;
    } else if (char === '+') {
      return undefined;
    } else {
      bytes.push(...Buffer.from(char));
    }
  }
  const value = text();
  return attribute && value ? { attribute, value } : undefined;
}
