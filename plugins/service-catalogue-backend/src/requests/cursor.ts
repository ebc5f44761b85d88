import { InputError } from '@backstage/errors';
import { ListRequestsResponse } from '@service-catalogue/plugin-service-catalogue-common';
import { RequestPage } from '../database/RequestStore';
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../lib/cursor';

/**
 * Where a keyset-paginated list goes on: after (or before, for lists
 * newest first) the request with this sequence. The sequence is the list's
 * order and unique, so a page neither repeats nor skips a row when others
 * are added or leave meanwhile.
 *
 * @internal
 */
export interface ListPosition {
  sequence: number;
}

/**
 * The cursor a client hands back for the next page: opaque, and bound to
 * its list, so that one list's cursor is refused by another instead of
 * silently starting somewhere else.
 *
 * @internal
 */
export function encodeCursor(list: string, position: ListPosition): string {
  return encodeOpaqueCursor({ l: list, s: position.sequence });
}

/**
 * The largest sequence there can be: the column is a 32-bit integer on
 * PostgreSQL, which refuses to compare it with anything larger.
 */
const MAX_SEQUENCE = 2_147_483_647;

/** @internal */
export function decodeCursor(
  list: string,
  cursor: string | undefined,
): ListPosition | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const { l, s } = (decodeOpaqueCursor(cursor) ?? {}) as {
    l?: unknown;
    s?: unknown;
  };
  if (
    l !== list ||
    !Number.isSafeInteger(s) ||
    (s as number) < 0 ||
    (s as number) > MAX_SEQUENCE
  ) {
    throw new InputError(`Invalid cursor for ${list}`);
  }
  return { sequence: s as number };
}

/**
 * A store's page as the API answers it: with the cursor of the page after
 * it, when there is one.
 *
 * @internal
 */
export function withNextCursor(
  list: string,
  page: RequestPage,
): ListRequestsResponse {
  return {
    items: page.items,
    totalCount: page.totalCount,
    ...(page.totalCountCapped ? { totalCountCapped: true } : {}),
    ...(page.next !== undefined
      ? { nextCursor: encodeCursor(list, { sequence: page.next }) }
      : {}),
  };
}
