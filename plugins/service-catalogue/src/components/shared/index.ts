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
export { TabbedPage, type PageTab } from './TabbedPage';
export { UserPicker } from './UserPicker';
export {
  BirthrightOf,
  GiveUpButton,
  GiveUpDialog,
  GrantCells,
  GrantOffering,
  GrantExpiry,
  GrantReview,
  GrantStatus,
} from './GrantStatus';
export { formatDate, offeringParams, sortGrants } from './grants';
export {
  FulfilmentDialogs,
  useFulfilment,
  type Fulfilment,
} from './FulfilmentDialogs';
export { ReasonDialog } from './ReasonDialog';
export {
  RequestTable,
  type RequestColumn,
  type RequestPaging,
} from './RequestTable';
export { PagedTable, type TablePaging, useTableName } from './PagedTable';
export { requestColumns } from './requestColumns';
export { Facts } from './Facts';
export {
  RequestActionButtons,
  type RequestActionHandlers,
} from './RequestActionButtons';
export { StateFilter } from './StateFilter';
export { useFormEntries } from './FormEntries';
export { BreachedChip, SlaDue, slaStanding } from './SlaDue';
export { CampaignProgress } from './CampaignProgress';
export { ReviewDecisionDialog } from './ReviewDecisionDialog';
export {
  ReviewLinesTable,
  ReviewOutcomeAlert,
  type ReviewOutcome,
} from './ReviewLinesTable';
export {
  decidedCount,
  decisionLabel,
  lineName,
  originLabel,
  pluralLines,
  refName,
  reviewEventLabel,
  scopeLabel,
} from './reviews';
