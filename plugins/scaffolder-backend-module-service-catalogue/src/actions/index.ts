export { createGetOfferingAction } from './getOffering';
