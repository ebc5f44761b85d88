import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ListRequestsResponse } from '@service-catalogue/plugin-service-catalogue-common';
import { useRequestChanged } from './useRequestChanged';

const PAGE_SIZE = 25;

/**
 * One page of a list of requests that the backend pages and filters, kept
 * fresh by the backend's signals; the first page again whenever a filter
 * changes, as another filter is another list.
 *
 * @param load - asks for one page; undefined while a filter is not ready
 * @param filters - the values the list depends on besides the page, which
 *   must be plain data
 * @internal
 */
export function usePagedRequests(
  load: (page: {
    limit: number;
    offset: number;
  }) => Promise<ListRequestsResponse | undefined>,
  filters: unknown[],
) {
  const [page, setPage] = useState(0);
  const filterKey = JSON.stringify(filters);
  const [pagedKey, setPagedKey] = useState(filterKey);
  if (filterKey !== pagedKey) {
    setPagedKey(filterKey);
    setPage(0);
  }

  const { value, loading, error, retry } = useAsyncRetry(
    () => load({ limit: PAGE_SIZE, offset: page * PAGE_SIZE }),
    [filterKey, page],
  );
  useRequestChanged(retry);

  return {
    retry,
    /** What a `RequestTable` shows. */
    table: {
      rows: value?.items,
      loading,
      error,
      paging: {
        page,
        pageSize: PAGE_SIZE,
        totalCount: value?.totalCount ?? 0,
        onPageChange: setPage,
      },
    },
  };
}
