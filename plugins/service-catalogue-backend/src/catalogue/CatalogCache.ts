import {
  BackstageCredentials,
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

/**
 * How long a catalog answer is reused: long enough that one person's
 * page, form and submission ask the catalog once, short enough that a
 * change in the catalog shows within a few seconds.
 */
const TTL_MS = 15_000;

/**
 * Catalog answers as one caller got them, reused for a few seconds.
 * Answers are kept per caller, because the catalog answers each with
 * their own permissions: one person's view never serves another's.
 *
 * @internal
 */
export class CatalogCache {
  static create(options: {
    cache: CacheService;
    logger: LoggerService;
  }): CatalogCache {
    return new CatalogCache(
      options.cache.withOptions({ defaultTtl: TTL_MS }),
      options.logger,
    );
  }

  private constructor(
    private readonly cache: CacheService,
    private readonly logger: LoggerService,
  ) {}

  /**
   * The cached answer to a question a caller asked the catalog, or the
   * catalog's answer now. A cache that fails is logged and asked around,
   * as the catalog still knows.
   */
  async get<T extends JsonValue>(
    credentials: BackstageCredentials,
    question: string,
    ask: () => Promise<T>,
  ): Promise<T> {
    const key = `catalog:${callerOf(credentials)}:${question}`;
    const cached = await this.cache.get<{ answer: T }>(key).catch(error => {
      this.logger.warn(`Could not read the catalog cache: ${error}`);
      return undefined;
    });
    if (cached) {
      return cached.answer;
    }
    const answer = await ask();
    await this.cache.set(key, { answer }).catch(error => {
      this.logger.warn(`Could not write the catalog cache: ${error}`);
    });
    return answer;
  }
}

function callerOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return `${principal.type}:${(
    principal.userEntityRef ??
    principal.subject ??
    ''
  ).toLocaleLowerCase('en-US')}`;
}
