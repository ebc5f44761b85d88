export { serviceCatalogueApiRef } from './ServiceCatalogueApi';
export type {
  GetApproversOptions,
  GetOfferingOptions,
  ServiceCatalogueApi,
} from './ServiceCatalogueApi';
export { ServiceCatalogueClient } from './ServiceCatalogueClient';
