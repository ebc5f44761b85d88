import { InputError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../lib/cursor';

/**
 * The opaque cursor of a review list: the key of the last row of a page,
 * bound to its list so that one list's cursor is refused by another.
 *
 * @internal
 */
export function encodeReviewCursor(list: string, key: string[]): string {
  return encodeOpaqueCursor({ l: list, k: key });
}

/**
 * The key of a cursor; `firstIsDate` for lists keyed by a time, which the
 * database would otherwise fail to compare rather than refuse.
 *
 * @internal
 */
export function decodeReviewCursor(
  list: string,
  cursor: string | undefined,
  size: number,
  options: { firstIsDate?: boolean } = {},
): string[] | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const { l, k } = (decodeOpaqueCursor(cursor) ?? {}) as {
    l?: unknown;
    k?: unknown;
  };
  if (
    l !== list ||
    !Array.isArray(k) ||
    k.length !== size ||
    !k.every(part => typeof part === 'string' && part.length > 0) ||
    (options.firstIsDate && !DateTime.fromISO(k[0]).isValid)
  ) {
    throw new InputError(`Invalid cursor for ${list}`);
  }
  return k as string[];
}
