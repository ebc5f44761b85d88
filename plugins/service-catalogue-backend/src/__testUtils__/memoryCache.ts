import { CacheService } from '@backstage/backend-plugin-api';

/** A cache that keeps everything until the test ends. */
export function memoryCache(): CacheService {
  const values = new Map<string, any>();
  const cache: CacheService = {
    get: async key => values.get(key),
    set: async (key, value) => {
      values.set(key, value);
    },
    delete: async key => {
      values.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}
