export { createGetOfferingAction } from './getOffering';
export { createGrantAction } from './grant';
export { createRequestCreateAction } from './createRequest';
export { createRevokeAction } from './revoke';
