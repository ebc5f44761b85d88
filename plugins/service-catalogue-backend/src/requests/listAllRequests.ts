import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { ListRequestsQuery, RequestStore } from '../database/RequestStore';

const PAGE_SIZE = 500;

/**
 * Every request that matches, a page at a time, for the jobs and views
 * that must see all of them rather than the newest page.
 *
 * @internal
 */
export async function listAllRequests(
  store: RequestStore,
  query: Omit<ListRequestsQuery, 'limit' | 'offset'>,
): Promise<ServiceRequest[]> {
  const all: ServiceRequest[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const { items } = await store.listRequests({
      ...query,
      limit: PAGE_SIZE,
      offset,
    });
    all.push(...items);
    if (items.length < PAGE_SIZE) {
      return all;
    }
  }
}
