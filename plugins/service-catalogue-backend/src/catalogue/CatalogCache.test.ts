import { CacheService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { memoryCache } from '../__testUtils__/memoryCache';
import { CatalogCache } from './CatalogCache';

describe('CatalogCache', () => {
  it('asks the catalog once per caller and question', async () => {
    const cached = CatalogCache.create({
      cache: memoryCache(),
      logger: mockServices.logger.mock(),
    });
    const ask = jest.fn(async () => ({ kind: 'Offering' }));
    const grace = mockCredentials.user('user:default/grace');

    expect(await cached.get(grace, 'entity:a', ask)).toEqual({
      kind: 'Offering',
    });
    expect(await cached.get(grace, 'entity:a', ask)).toEqual({
      kind: 'Offering',
    });
    expect(ask).toHaveBeenCalledTimes(1);

    // Another person, another view of the catalog.
    await cached.get(
      mockCredentials.user('user:default/frank'),
      'entity:a',
      ask,
    );
    await cached.get(mockCredentials.service('plugin:x'), 'entity:a', ask);
    await cached.get(grace, 'entity:b', ask);
    expect(ask).toHaveBeenCalledTimes(4);
  });

  it('asks the catalog again once an answer is 15 seconds old', async () => {
    jest.useFakeTimers();
    try {
      const cached = CatalogCache.create({
        cache: memoryCache(),
        logger: mockServices.logger.mock(),
      });
      const grace = mockCredentials.user('user:default/grace');
      const ask = jest
        .fn<Promise<string>, []>()
        .mockResolvedValueOnce('before')
        .mockResolvedValueOnce('after');

      expect(await cached.get(grace, 'entity:a', ask)).toBe('before');
      jest.advanceTimersByTime(14_999);
      expect(await cached.get(grace, 'entity:a', ask)).toBe('before');
      jest.advanceTimersByTime(1);
      expect(await cached.get(grace, 'entity:a', ask)).toBe('after');
      expect(ask).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps "not found" too, and asks the catalog when the cache fails', async () => {
    const logger = mockServices.logger.mock();
    const broken: CacheService = {
      ...memoryCache(),
      get: async () => {
        throw new Error('cache down');
      },
      withOptions: () => broken,
    };
    const grace = mockCredentials.user('user:default/grace');
    const missing = jest.fn(async () => null);
    const working = CatalogCache.create({ cache: memoryCache(), logger });
    await working.get(grace, 'entity:gone', missing);
    expect(await working.get(grace, 'entity:gone', missing)).toBeNull();
    expect(missing).toHaveBeenCalledTimes(1);

    const failing = CatalogCache.create({ cache: broken, logger });
    const ask = jest.fn(async () => 'answer');
    expect(await failing.get(grace, 'q', ask)).toBe('answer');
    expect(await failing.get(grace, 'q', ask)).toBe('answer');
    expect(ask).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/cache down/),
    );
  });
});
