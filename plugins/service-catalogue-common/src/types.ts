import type {
  OfferingForm,
  OfferingFulfilment,
  OfferingRequestMode,
} from './entity/OfferingEntityV1alpha1';

/**
 * A category of the catalogue, from `serviceCatalogue.categories` in
 * app-config. Categories form a tree through `parent`.
 *
 * @public
 */
export interface OfferingCategory {
  /** Path-like id, such as `access/network`. */
  id: string;
  title: string;
  description?: string;
  /** Name of an icon known to the app's icons API, such as `group`. */
  icon?: string;
  /** Position among its siblings, lowest first. */
  order: number;
  /** Id of the parent category. */
  parent?: string;
}

/**
 * What the catalogue shows of an offering.
 *
 * @public
 */
export interface OfferingSummary {
  /** Entity ref of the Offering entity, such as `offering:default/vpn-access`. */
  entityRef: string;
  name: string;
  namespace: string;
  title: string;
  description?: string;
  category: string;
  /** Entity ref of the owner. */
  owner: string;
  /** Entity ref of what the offering gives access to. */
  target?: string;
  requestMode: OfferingRequestMode;
  fulfilment: OfferingFulfilment;
  /** ISO 8601 duration. */
  estimatedDelay?: string;
  sla?: string;
  /** Present when a fulfilled request leaves a revocable grant. */
  grant?: {
    /** ISO 8601 duration after which the grant ends. */
    duration?: string;
    /** Groups whose members hold it without asking. */
    birthright?: string[];
  };
  tags: string[];
  /** Entity ref of the scaffolder template whose parameters are the form. */
  template?: string;
  /** The inline form of an offering without a template. */
  form?: OfferingForm;
  /**
   * Why requests for it cannot be fulfilled as it stands, such as a
   * template that does not run the gate first; only for those who fulfil
   * it.
   */
  problems?: string[];
}

/**
 * Response of `GET /offerings`.
 *
 * @public
 */
export interface ListOfferingsResponse {
  items: OfferingSummary[];
}

/**
 * Response of `GET /categories`.
 *
 * @public
 */
export interface ListCategoriesResponse {
  items: OfferingCategory[];
}
