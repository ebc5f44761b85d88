export * from './rules';
export * from './conditionExports';
