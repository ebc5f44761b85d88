/**
 * The service catalogue frontend: browse offerings, request, approve and
 * follow.
 *
 * @packageDocumentation
 */

export {
  EntityAccessContent,
  serviceCataloguePlugin,
  ServiceCatalogueHomeCard,
  ServiceCataloguePage,
} from './plugin';
export type { ServiceCatalogueHomeCardProps } from './components/HomeCard';
export {
  serviceCatalogueApiRef,
  ServiceCatalogueClient,
  type AssignRequestBody,
  type CompleteRequestBody,
  type ExtendGrantOptions,
  type FailRequestBody,
  type GetApproversOptions,
  type GetEntityAccessOptions,
  type GetOfferingOptions,
  type ListQueueQuery,
  type ServiceCatalogueApi,
  type StartSwapOptions,
} from './api';
export {
  ApprovalsSidebarItem,
  DeskQueueSidebarItem,
  MyAccessSidebarItem,
  MyRequestsSidebarItem,
  ReportsSidebarItem,
  ReviewsSidebarItem,
  type ApprovalsSidebarItemProps,
  type DeskQueueSidebarItemProps,
  type MyAccessSidebarItemProps,
  type MyRequestsSidebarItemProps,
  type ReportsSidebarItemProps,
  type ReviewsSidebarItemProps,
} from './components/SidebarItems';
