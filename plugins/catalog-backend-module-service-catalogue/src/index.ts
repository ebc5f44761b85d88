/**
 * Catalog backend module that teaches the catalog the service catalogue's
 * Offering kind.
 *
 * @packageDocumentation
 */

export { catalogModuleServiceCatalogue as default } from './module';
export {
  OfferingEntitiesProcessor,
  OfferingTemplateProcessor,
  UserChangeProcessor,
} from './processor';
