export { OfferingPage } from './OfferingPage';
