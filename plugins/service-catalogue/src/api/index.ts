export { serviceCatalogueApiRef } from './ServiceCatalogueApi';
export type {
  GetOfferingOptions,
  ServiceCatalogueApi,
} from './ServiceCatalogueApi';
export { ServiceCatalogueClient } from './ServiceCatalogueClient';
