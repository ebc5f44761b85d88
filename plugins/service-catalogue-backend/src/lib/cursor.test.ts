import { decodeOpaqueCursor, encodeOpaqueCursor } from './cursor';

describe('opaque cursors', () => {
  it('give back what they hold, in characters safe in a URL', () => {
    const value = { l: 'review lines', k: ['2026-12-17T09:00:00.000Z', 'é/?'] };
    const cursor = encodeOpaqueCursor(value);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeOpaqueCursor(cursor)).toEqual(value);
  });

  it('decode to nothing when they are not base64url JSON', () => {
    expect(decodeOpaqueCursor('bogus')).toBeUndefined();
    expect(decodeOpaqueCursor('')).toBeUndefined();
    expect(
      decodeOpaqueCursor(Buffer.from('{"l":').toString('base64url')),
    ).toBeUndefined();
  });
});
