import { useApi } from '@backstage/core-plugin-api';
import { ListReviewLinesQuery } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../api';
import { useCursorPages } from './useCursorPages';

/**
 * The filters of the review lines waiting for the signed-in user.
 *
 * @internal
 */
export type ReviewLinesFilters = Omit<ListReviewLinesQuery, 'cursor' | 'limit'>;

/**
 * One page of the review lines the signed-in user may decide now, the
 * first again whenever a filter changes.
 *
 * @internal
 */
export function useReviewLines(filters: ReviewLinesFilters) {
  const api = useApi(serviceCatalogueApiRef);
  const { campaignId, offeringRef, targetRef, holder } = filters;
  return useCursorPages(
    page =>
      api.listReviewLines({
        campaignId,
        offeringRef,
        targetRef,
        holder,
        ...page,
      }),
    [campaignId, offeringRef, targetRef, holder],
  );
}
