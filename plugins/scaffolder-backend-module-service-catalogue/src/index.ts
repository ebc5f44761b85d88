/**
 * Scaffolder backend module with the service catalogue's actions, for the
 * templates that provision what the catalogue offers.
 *
 * @packageDocumentation
 */

export { scaffolderModuleServiceCatalogue as default } from './module';
export {
  createGateAction,
  createGetOfferingAction,
  createGrantAction,
  createLdapGroupAddMemberAction,
  createLdapGroupRemoveMemberAction,
  createRequestCreateAction,
  createRevokeAction,
} from './actions';
