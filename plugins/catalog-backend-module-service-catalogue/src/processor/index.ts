export { OfferingEntitiesProcessor } from './OfferingEntitiesProcessor';
export { UserChangeProcessor } from './UserChangeProcessor';
export { OfferingTemplateProcessor } from './OfferingTemplateProcessor';
