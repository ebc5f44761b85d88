/**
 * The service catalogue backend plugin: offerings, categories, requests,
 * approvals and grants.
 *
 * @packageDocumentation
 */

export { serviceCataloguePlugin as default } from './plugin';
export * from './permissions';
