import { CSSProperties, useLayoutEffect, useRef } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';

/**
 * Pages a table on the server: the table shows one page and asks for
 * another.
 *
 * @internal
 */
export type TablePaging = {
  page: number;
  pageSize: number;
  totalCount: number;
  onPageChange(page: number): void;
};

/**
 * Names the material-table drawn inside the element the ref is put on:
 * it draws its `<table>` without a name, and people (and the tests) find
 * each list by its name.
 *
 * @internal
 */
export function useTableName(name: string) {
  const container = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    container.current?.querySelector('table')?.setAttribute('aria-label', name);
  });
  return container;
}

/**
 * A list of the plugin, with the states every list has: the backend's
 * error, progress while the first answer comes, and what it means that
 * there is none.
 *
 * @internal
 */
export function PagedTable<T extends object>(props: {
  /** Names the table for assistive technology, such as `My requests`. */
  title: string;
  columns: TableColumn<T>[];
  /** Undefined until the first answer comes. */
  rows?: T[];
  /** A new answer is on its way; the rows shown stay until it comes. */
  loading?: boolean;
  error?: Error;
  empty: { title: string; description: string };
  paging?: TablePaging;
  rowStyle?(row: T): CSSProperties;
}) {
  const { title, rows, error, paging } = props;
  const container = useTableName(title);

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!rows) {
    return <Progress />;
  }
  if (rows.length === 0) {
    return (
      <EmptyState
        missing="data"
        title={props.empty.title}
        description={props.empty.description}
      />
    );
  }
  return (
    <div ref={container}>
      {props.loading && <Progress />}
      <Table<T>
        columns={props.columns}
        data={rows}
        options={{
          toolbar: false,
          search: false,
          sorting: false,
          draggable: false,
          padding: 'dense',
          paging: Boolean(paging),
          pageSize: paging?.pageSize,
          pageSizeOptions: paging ? [paging.pageSize] : undefined,
          emptyRowsWhenPaging: false,
          rowStyle: props.rowStyle,
        }}
        page={paging?.page}
        totalCount={paging?.totalCount}
        onPageChange={paging ? page => paging.onPageChange(page) : undefined}
      />
    </div>
  );
}
