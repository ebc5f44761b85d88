export { OfferingEntitiesProcessor } from './OfferingEntitiesProcessor';
export { UserChangeProcessor } from './UserChangeProcessor';
