import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * An entity ref in the one spelling the plugin stores and compares:
 * `kind:namespace/name`, lowercase. The catalog matches refs
 * case-insensitively, and a token's subject keeps whatever case it was
 * issued with, so comparing raw strings would let one person count as two.
 *
 * @internal
 */
export function normalizeRef(
  ref: string,
  options: { field: string; defaultKind?: string; defaultNamespace?: string },
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: options.defaultKind,
        defaultNamespace: options.defaultNamespace,
      }),
    ).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(
      `${options.field}: ${JSON.stringify(ref)} is not an entity ref, ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * The signed-in user's entity ref, normalised.
 *
 * @internal
 */
export function userRefOf(
  credentials: BackstageCredentials<BackstageUserPrincipal>,
): string {
  return normalizeRef(credentials.principal.userEntityRef, {
    field: 'credentials',
  });
}

/**
 * Refs of a user's ownership claims (themselves and their groups),
 * normalised.
 *
 * @internal
 */
export function normalizeClaims(refs: string[]): Set<string> {
  return new Set(refs.map(ref => ref.toLocaleLowerCase('en-US')));
}

/**
 * An offering's ref as a caller wrote it, normalised.
 *
 * @internal
 */
export function offeringRefOf(ref: string): string {
  return normalizeRef(ref, { field: 'offeringRef', defaultKind: 'offering' });
}
