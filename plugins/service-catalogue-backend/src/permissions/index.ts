export * from './rules';
export * from './conditionExports';
export * from './scaffolderPolicy';
