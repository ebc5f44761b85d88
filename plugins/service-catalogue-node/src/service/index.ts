export type {
  ServiceCatalogueService,
  ServiceCatalogueServiceRequestOptions,
} from './ServiceCatalogueService';
export {
  DefaultServiceCatalogueService,
  type DefaultServiceCatalogueServiceOptions,
} from './DefaultServiceCatalogueService';
