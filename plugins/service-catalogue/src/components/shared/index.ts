export { DecisionDialog } from './DecisionDialog';
export {
  errorMessage,
  formatAge,
  formatDateTime,
  formatValue,
  policyLabel,
  stateLabel,
} from './format';
export {
  NewFrontendSystemProvider,
  PageLayout,
  useIsNewFrontendSystem,
} from './PageLayout';
export { RequestStateChip } from './RequestStateChip';
export { useRequestChanged } from './useRequestChanged';
export { UserPicker } from './UserPicker';
