/**
 * The service catalogue frontend: browse offerings, request, approve and
 * follow.
 *
 * @packageDocumentation
 */

export { serviceCataloguePlugin, ServiceCataloguePage } from './plugin';
export {
  serviceCatalogueApiRef,
  ServiceCatalogueClient,
  type GetApproversOptions,
  type GetOfferingOptions,
  type ServiceCatalogueApi,
} from './api';
export {
  ApprovalsSidebarItem,
  MyRequestsSidebarItem,
  type ApprovalsSidebarItemProps,
  type MyRequestsSidebarItemProps,
} from './components/SidebarItems';
