import { CSSProperties } from 'react';
import { TableColumn } from '@backstage/core-components';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { PagedTable, TablePaging } from './PagedTable';

/**
 * One column of a {@link RequestTable}.
 *
 * @internal
 */
export type RequestColumn = TableColumn<ServiceRequest>;

/**
 * Pages a {@link RequestTable} on the server: the table shows one page and
 * asks for another.
 *
 * @internal
 */
export type RequestPaging = TablePaging;

/**
 * The plugin's list of requests.
 *
 * @internal
 */
export function RequestTable(props: {
  /** Names the table for assistive technology, such as `My requests`. */
  title: string;
  columns: RequestColumn[];
  /** Undefined until the first answer comes. */
  rows?: ServiceRequest[];
  /** A new answer is on its way; the rows shown stay until it comes. */
  loading?: boolean;
  error?: Error;
  empty: { title: string; description: string };
  paging?: RequestPaging;
  rowStyle?(request: ServiceRequest): CSSProperties;
}) {
  return <PagedTable<ServiceRequest> {...props} />;
}
