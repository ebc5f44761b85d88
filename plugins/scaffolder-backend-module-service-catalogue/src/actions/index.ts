export { createGetOfferingAction } from './getOffering';
export { createRequestCreateAction } from './createRequest';
