import { ReactNode } from 'react';
import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ListRequestsResponse } from '@service-catalogue/plugin-service-catalogue-common';
import { useCursorPages } from './useCursorPages';

const wrapper = ({ children }: { children: ReactNode }) => (
  <TestApiProvider apis={[]}>{children}</TestApiProvider>
);

function pageOf(ids: string[], nextCursor?: string): ListRequestsResponse {
  return {
    items: ids.map(id => ({ id } as any)),
    totalCount: 100,
    ...(nextCursor ? { nextCursor } : {}),
  };
}

describe('useCursorPages', () => {
  it('asks for the next page once when Next is clicked twice while it loads', async () => {
    const pending: Record<string, (page: ListRequestsResponse) => void> = {};
    const load = jest.fn(
      ({ cursor }: { cursor?: string }) =>
        new Promise<ListRequestsResponse>(resolve => {
          pending[cursor ?? 'first'] = resolve;
        }),
    );
    const { result } = renderHook(() => useCursorPages(load), { wrapper });
    await waitFor(() => expect(pending.first).toBeDefined());
    await act(async () => pending.first(pageOf(['a'], 'c1')));
    await waitFor(() => expect(result.current.table.loading).toBe(false));

    act(() => result.current.table.paging.onPageChange(1));
    act(() => result.current.table.paging.onPageChange(2));
    await waitFor(() => expect(pending.c1).toBeDefined());
    await act(async () => pending.c1(pageOf(['b'], 'c2')));

    await waitFor(() =>
      expect(result.current.table.rows).toEqual([{ id: 'b' }]),
    );
    expect(result.current.table.paging.page).toBe(1);
    expect(load.mock.calls.map(([page]) => page.cursor)).toEqual([
      undefined,
      'c1',
    ]);
  });

  it('steps back a page when a later page comes back empty', async () => {
    const pages: Record<string, ListRequestsResponse> = {
      first: pageOf(['a'], 'c1'),
      c1: pageOf(['b']),
    };
    const load = jest.fn(async ({ cursor }: { cursor?: string }) => {
      return pages[cursor ?? 'first'];
    });
    const { result } = renderHook(() => useCursorPages(load), { wrapper });
    await waitFor(() =>
      expect(result.current.table.rows).toEqual([{ id: 'a' }]),
    );
    act(() => result.current.table.paging.onPageChange(1));
    await waitFor(() =>
      expect(result.current.table.rows).toEqual([{ id: 'b' }]),
    );

    // Everything on the second page was decided: it is empty now.
    pages.c1 = pageOf([]);
    pages.first = pageOf(['a']);
    await act(async () => result.current.retry());

    await waitFor(() => expect(result.current.table.paging.page).toBe(0));
    await waitFor(() =>
      expect(result.current.table.rows).toEqual([{ id: 'a' }]),
    );
  });
});
