import { CacheService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

type Ttl = number | HumanDuration | undefined;

function milliseconds(ttl: Ttl): number | undefined {
  if (ttl === undefined) {
    return undefined;
  }
  return typeof ttl === 'number' ? ttl : durationToMilliseconds(ttl);
}

/**
 * A cache in memory that forgets an entry once its TTL has passed, by
 * `Date.now()`, so that tests with fake timers see entries expire as the
 * real cache lets them.
 */
export function memoryCache(): CacheService {
  const values = new Map<string, { value: any; expiresAt?: number }>();
  const withTtl = (defaultTtl: Ttl): CacheService => ({
    get: async key => {
      const entry = values.get(key);
      if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        values.delete(key);
        return undefined;
      }
      return entry?.value;
    },
    set: async (key, value, options) => {
      const ttl = milliseconds(options?.ttl ?? defaultTtl);
      values.set(key, {
        value,
        expiresAt: ttl === undefined ? undefined : Date.now() + ttl,
      });
    },
    delete: async key => {
      values.delete(key);
    },
    withOptions: options => withTtl(options.defaultTtl),
  });
  return withTtl(undefined);
}
