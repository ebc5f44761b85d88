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
  type GetOfferingOptions,
  type ServiceCatalogueApi,
} from './api';
