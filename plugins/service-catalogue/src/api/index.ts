export { serviceCatalogueApiRef } from './ServiceCatalogueApi';
export type {
  AssignRequestBody,
  CompleteRequestBody,
  ExtendGrantOptions,
  FailRequestBody,
  GetApproversOptions,
  GetEntityAccessOptions,
  GetOfferingOptions,
  ListQueueQuery,
  ServiceCatalogueApi,
  StartSwapOptions,
} from './ServiceCatalogueApi';
export { ServiceCatalogueClient } from './ServiceCatalogueClient';
