export { serviceCatalogueApiRef } from './ServiceCatalogueApi';
export type {
  GetApproversOptions,
  GetEntityAccessOptions,
  GetOfferingOptions,
  ServiceCatalogueApi,
} from './ServiceCatalogueApi';
export { ServiceCatalogueClient } from './ServiceCatalogueClient';
