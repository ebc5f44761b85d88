import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useRequestChanged } from './useRequestChanged';

const PAGE_SIZE = 25;

/**
 * One page of a list as the backend answers it; lists that cannot count
 * their rows cheaply leave out `totalCount`.
 *
 * @internal
 */
export type CursorPage<T> = {
  items: T[];
  nextCursor?: string;
  totalCount?: number;
};

/**
 * One page of a list that the backend pages by cursor, kept
 * fresh by the backend's signals. The cursors of the pages seen so far are
 * kept, so going back shows the same page again; a cursor only leads
 * forward one page, so asking for any later page shows the next.
 *
 * The first page again whenever a filter changes, as another filter is
 * another list.
 *
 * @param load - asks for the page that starts at the cursor, the first
 *   without
 * @param filters - the values the list depends on besides the page, which
 *   must be plain data
 * @internal
 */
export function useCursorPages<T>(
  load: (page: { cursor?: string; limit: number }) => Promise<CursorPage<T>>,
  filters: unknown[] = [],
) {
  // The cursor of each page up to the one shown; the first has none.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const filterKey = JSON.stringify(filters);
  const [pagedKey, setPagedKey] = useState(filterKey);
  if (filterKey !== pagedKey) {
    setPagedKey(filterKey);
    setCursors([undefined]);
  }
  const page = cursors.length - 1;
  const cursor = cursors[page];

  const { value, loading, error, retry } = useAsyncRetry(
    () => load({ cursor, limit: PAGE_SIZE }),
    [filterKey, cursor],
  );
  useRequestChanged(retry);

  // A later page that comes back empty (its rows were all decided, say)
  // gives way to the one before it.
  const emptied = !loading && page > 0 && value?.items.length === 0;
  useEffect(() => {
    if (emptied) {
      setCursors(seen => seen.slice(0, -1));
    }
  }, [emptied]);

  const onPageChange = (next: number) => {
    if (next < page) {
      setCursors(cursors.slice(0, next + 1));
    } else if (next > page && !loading && value?.nextCursor) {
      // While a page loads, value is still the page before it: its cursor
      // would add the page being loaded a second time.
      setCursors([...cursors, value.nextCursor]);
    }
  };

  return {
    retry,
    value,
    /** What a `PagedTable` or a `RequestTable` shows. */
    table: {
      rows: value?.items,
      loading,
      error,
      paging: {
        page,
        pageSize: PAGE_SIZE,
        // A capped count must not end the paging before the list does.
        totalCount: value
          ? Math.max(
              value.totalCount ?? 0,
              page * PAGE_SIZE +
                value.items.length +
                (value.nextCursor ? 1 : 0),
            )
          : 0,
        onPageChange,
      },
    },
  };
}
