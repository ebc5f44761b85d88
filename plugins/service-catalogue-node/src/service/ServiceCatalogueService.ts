import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  GateCheckBody,
  GateCheckResult,
  Grant,
  ListCategoriesResponse,
  ListGrantsQuery,
  ListOfferingsResponse,
  OfferingSummary,
  RecordGrantBody,
  ServiceRequest,
  SubmitRequestBody,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * Options common to every call of the {@link ServiceCatalogueService}.
 *
 * @public
 */
export interface ServiceCatalogueServiceRequestOptions {
  /**
   * The credentials the call is made on behalf of.
   *
   * @remarks
   *
   * Pass the credentials of the user who started the work, not the calling
   * plugin's own, so that the service catalogue only shows what that user
   * may see. Use `auth.getOwnServiceCredentials()` only for work that no user
   * started.
   */
  credentials: BackstageCredentials;
}

/**
 * Lets other backend plugins read the service catalogue: its categories and
 * the offerings the caller may see.
 *
 * @public
 */
export interface ServiceCatalogueService {
  /**
   * Lists the categories of the catalogue, parents before their children.
   */
  listCategories(
    options: ServiceCatalogueServiceRequestOptions,
  ): Promise<ListCategoriesResponse>;

  /**
   * Lists the offerings visible to the given credentials.
   *
   * @remarks
   *
   * Users see the offerings whose audience includes them, services see every
   * available offering.
   */
  listOfferings(
    options: ServiceCatalogueServiceRequestOptions,
  ): Promise<ListOfferingsResponse>;

  /**
   * Reads one offering.
   *
   * @remarks
   *
   * A string ref may leave out the kind and the namespace, which default to
   * `Offering` and `default`, so `vpn-access` reads
   * `offering:default/vpn-access`.
   *
   * @returns The offering, or `undefined` when it does not exist or is not
   *   visible to the given credentials. The two cases are deliberately not
   *   told apart, so that callers cannot probe for hidden offerings.
   */
  getOffering(
    options: ServiceCatalogueServiceRequestOptions & {
      entityRef: string | CompoundEntityRef;
    },
  ): Promise<OfferingSummary | undefined>;

  /**
   * Submits a request, as the user whose credentials are given: the same
   * checks apply as in the app (audience, request mode, the form), and the
   * request goes through approval.
   *
   * @remarks
   *
   * With `forUser` a manager, key user or the desk raises it for a
   * colleague where the offering's request mode allows it. Rejects with the
   * backend's error, such as an `InputError` naming a form field.
   */
  submitRequest(
    options: ServiceCatalogueServiceRequestOptions & SubmitRequestBody,
  ): Promise<ServiceRequest>;

  /**
   * Lists grants: the caller's own, or with `holderRef` someone else's on
   * the offerings the caller fulfils.
   */
  listGrants(
    options: ServiceCatalogueServiceRequestOptions & ListGrantsQuery,
  ): Promise<Grant[]>;

  /**
   * Records access given outside a request's own fulfilment, such as by a
   * desk template, as someone who fulfils the offering.
   *
   * @returns The new grant, or the holder's active grant on the offering
   *   when they already had one; `created` tells which.
   */
  recordGrant(
    options: ServiceCatalogueServiceRequestOptions & RecordGrantBody,
  ): Promise<{ grant: Grant; created: boolean }>;

  /**
   * Ends a grant, as its holder or someone who fulfils its offering. The
   * offering's revoke template runs when it has one; the grant is
   * `revoking` until it succeeded. Rejects with a `ConflictError` for a
   * grant that ended or is being revoked.
   */
  revokeGrant(
    options: ServiceCatalogueServiceRequestOptions & {
      grantId: string;
      /** Said to the holder. */
      reason?: string;
    },
  ): Promise<Grant>;

  /**
   * Asks the backend whether a scaffolder task may go past the gate. Only
   * the scaffolder may ask, with its own service credentials; the gate
   * action does.
   */
  checkGate(
    options: ServiceCatalogueServiceRequestOptions & GateCheckBody,
  ): Promise<GateCheckResult>;
}
