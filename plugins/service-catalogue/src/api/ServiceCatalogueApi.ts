import { createApiRef } from '@backstage/core-plugin-api';
import {
  ListCategoriesResponse,
  ListOfferingsResponse,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * Identifies one offering.
 *
 * @public
 */
export type GetOfferingOptions = {
  namespace: string;
  name: string;
};

/**
 * Reads the service catalogue from the `service-catalogue` backend plugin.
 *
 * @public
 */
export interface ServiceCatalogueApi {
  /** All configured categories; they form a tree through `parent`. */
  getCategories(): Promise<ListCategoriesResponse>;

  /**
   * The offerings the signed-in user may see. The backend has already applied
   * audiences and availability, so callers should not filter them again.
   */
  getOfferings(): Promise<ListOfferingsResponse>;

  /**
   * One offering. Rejects with a `ResponseError` of status 404 both when it
   * does not exist and when the signed-in user may not see it, so that the
   * two cannot be told apart.
   */
  getOffering(options: GetOfferingOptions): Promise<OfferingSummary>;
}

/**
 * The `ApiRef` of {@link ServiceCatalogueApi}.
 *
 * @public
 */
export const serviceCatalogueApiRef = createApiRef<ServiceCatalogueApi>({
  id: 'plugin.service-catalogue.service',
});
