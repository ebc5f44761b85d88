import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonValue } from '@backstage/types';
import { ServiceCatalogueService } from '@service-catalogue/plugin-service-catalogue-node';

/** A service catalogue whose every call a test sets up. */
export function mockServiceCatalogue(): jest.Mocked<ServiceCatalogueService> {
  return {
    listCategories: jest.fn(),
    listOfferings: jest.fn(),
    getOffering: jest.fn(),
    submitRequest: jest.fn(),
    listGrants: jest.fn(),
    recordGrant: jest.fn(),
    revokeGrant: jest.fn(),
    checkGate: jest.fn(),
  };
}

/**
 * An action context that keeps checkpoints across runs, as the scaffolder
 * keeps them with a task that is retried.
 */
export function retriedActionContext<T extends Record<string, any>>(
  options: Parameters<typeof createMockActionContext<T>>[0],
): ReturnType<typeof createMockActionContext<T>> {
  const checkpoints = new Map<string, JsonValue | void>();
  return {
    ...createMockActionContext<T>(options),
    async checkpoint<U extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<U> | U;
    }): Promise<U> {
      if (!checkpoints.has(opts.key)) {
        checkpoints.set(opts.key, await opts.fn());
      }
      return checkpoints.get(opts.key) as U;
    },
  };
}
