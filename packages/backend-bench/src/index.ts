/**
 * Bench-only backend plugin for the benchmark harness in `tests/bench`.
 *
 * @packageDocumentation
 */

export { benchInsertPlugin as default } from './plugin';
