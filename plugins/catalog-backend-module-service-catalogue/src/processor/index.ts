export { OfferingEntitiesProcessor } from './OfferingEntitiesProcessor';
