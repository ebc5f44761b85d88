/**
 * The service catalogue frontend: browse offerings, request, approve and
 * follow.
 *
 * @packageDocumentation
 */

export {
  EntityAccessContent,
  serviceCataloguePlugin,
  ServiceCataloguePage,
} from './plugin';
export {
  serviceCatalogueApiRef,
  ServiceCatalogueClient,
  type GetApproversOptions,
  type GetEntityAccessOptions,
  type GetOfferingOptions,
  type ServiceCatalogueApi,
} from './api';
export {
  ApprovalsSidebarItem,
  MyAccessSidebarItem,
  MyRequestsSidebarItem,
  type ApprovalsSidebarItemProps,
  type MyAccessSidebarItemProps,
  type MyRequestsSidebarItemProps,
} from './components/SidebarItems';
