import {
  Entity,
  KindValidator,
  entityKindSchemaValidator,
} from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import schema from './Offering.v1alpha1.schema.json';

const validateOffering = entityKindSchemaValidator(schema);

/**
 * The API version of the Offering kind.
 *
 * @public
 */
export const OFFERING_API_VERSION = 'service-catalogue.io/v1alpha1';

/**
 * The kind of service catalogue offerings.
 *
 * @public
 */
export const OFFERING_KIND = 'Offering';

/**
 * Who may raise a request for an offering.
 *
 * - `self-service`: anyone in the audience, for themselves.
 * - `delegated`: managers and key users, for a member of their team.
 * - `desk`: only service-desk members, for someone.
 *
 * @public
 */
export type OfferingRequestMode = 'self-service' | 'delegated' | 'desk';

/**
 * How an approved request is fulfilled.
 *
 * @public
 */
export type OfferingFulfilment = 'automatic' | 'manual';

/**
 * How many of a stage's approvers must approve: `any` one, `all` of them, or
 * a number N of them.
 *
 * @public
 */
export type ApprovalPolicy = 'any' | 'all' | number;

/**
 * One approval stage of an offering.
 *
 * @public
 */
export type OfferingApprovalStage = {
  /**
   * `owner`, `target-owner`, `manager`, or user and group entity refs.
   */
  approvers: string[];
  policy?: ApprovalPolicy;
  /** ISO 8601 duration after which `onTimeout` applies. */
  timeout?: string;
  onTimeout?: 'escalate' | 'reject';
  escalateTo?: string[];
};

/**
 * An offering's periodic access review: every `every`, a campaign asks the
 * reviewers to keep or revoke each active grant of the offering.
 *
 * @public
 */
export type OfferingReview = {
  /** ISO 8601 duration between two scheduled campaigns, such as P90D. */
  every: string;
  /**
   * Who reviews each holder's line, in the words of approval stages:
   * `owner`, `target-owner`, `manager` (the holder's manager), or user and
   * group entity refs. Defaults to `owner`. Never the holder.
   */
  reviewers?: string[];
  /** ISO 8601 duration a campaign stays open. Defaults to P14D. */
  deadline?: string;
  /** What happens to a line nobody decided by the deadline. Defaults to `revoke`. */
  onUndecided?: 'revoke' | 'keep';
};

/**
 * A form given inline, in the shape of scaffolder template parameters.
 *
 * @public
 */
export type OfferingForm = JsonObject;

/**
 * An Offering entity: something people can request from the service
 * catalogue.
 *
 * @public
 */
export interface OfferingEntityV1alpha1 extends Entity {
  apiVersion: typeof OFFERING_API_VERSION;
  kind: typeof OFFERING_KIND;
  spec: {
    owner: string;
    category: string;
    target?: string;
    available?: boolean;
    audience?: string[];
    requestMode?: OfferingRequestMode;
    template?: string;
    form?: OfferingForm;
    fulfilment?: OfferingFulfilment;
    approval?: {
      allowSelfApproval?: boolean;
      stages?: OfferingApprovalStage[];
    };
    estimatedDelay?: string;
    sla?: string;
    grant?: {
      duration?: string;
      revokeTemplate?: string;
      /**
       * Groups whose members hold the offering as a birthright: they get it
       * without asking while they are members (nested groups included), and
       * lose it when they leave the group. `duration` does not apply.
       */
      birthright?: string[];
    };
    /** Periodic access reviews of the grants; needs `grant`. */
    review?: OfferingReview;
  };
}

/**
 * Validates Offering entities against the kind's JSON schema. Errors name the
 * offending field, for example `/spec/owner must be string`.
 *
 * @public
 */
export const offeringEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    // false when the entity is of another kind, throws when it is a broken
    // Offering, the entity itself when it is a valid one.
    return validateOffering(data) === data;
  },
};

/**
 * Tells whether an entity is an Offering.
 *
 * @public
 */
export function isOfferingEntity(
  entity: Entity,
): entity is OfferingEntityV1alpha1 {
  return (
    entity.apiVersion === OFFERING_API_VERSION && entity.kind === OFFERING_KIND
  );
}

/**
 * Relation from an offering to the entity it gives access to.
 *
 * @public
 */
export const RELATION_OFFERS_ACCESS_TO = 'offersAccessTo';

/**
 * Relation from an entity to the offerings that give access to it.
 *
 * @public
 */
export const RELATION_HAS_OFFERING = 'hasOffering';
