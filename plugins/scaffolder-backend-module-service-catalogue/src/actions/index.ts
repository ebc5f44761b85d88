export { createGateAction } from './gate';
export { createGetOfferingAction } from './getOffering';
export { createGrantAction } from './grant';
export { createLdapGroupAddMemberAction } from './ldapGroupAddMember';
export { createLdapGroupRemoveMemberAction } from './ldapGroupRemoveMember';
export { createRequestCreateAction } from './createRequest';
export { createRevokeAction } from './revoke';
