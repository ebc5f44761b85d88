/**
 * Node.js library of the service catalogue: the service through which other
 * backend plugins read categories and offerings.
 *
 * @packageDocumentation
 */

export * from './lib';
export * from './service';
