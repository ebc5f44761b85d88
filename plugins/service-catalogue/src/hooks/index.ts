export { useAction, type ActionOptions } from './useAction';
export { useRequestChanged } from './useRequestChanged';
export { useUserRef } from './useUserRef';
export { useRevokeGrant } from './useRevokeGrant';
export { usePagedRequests } from './usePagedRequests';
export { useFormFields } from './useFormFields';
export { useCursorPages, type CursorPage } from './useCursorPages';
export { useReviewLines, type ReviewLinesFilters } from './useReviewLines';
