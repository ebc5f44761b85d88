/**
 * Types, the Offering entity kind and its validator, shared by the service
 * catalogue plugins.
 *
 * @packageDocumentation
 */

export * from './entity';
export * from './types';
export * from './permissions';
export * from './requests';
export * from './gate';
export * from './reports';
export * from './reviews';
