/**
 * The text of a cursor: a value as base64url JSON, opaque to clients and
 * safe in a URL. Each list decides what its value holds and checks it.
 *
 * @internal
 */
export function encodeOpaqueCursor(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * The value of a cursor, or undefined when it is not base64url JSON; the
 * list then refuses it like any other cursor that is not its own.
 *
 * @internal
 */
export function decodeOpaqueCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
