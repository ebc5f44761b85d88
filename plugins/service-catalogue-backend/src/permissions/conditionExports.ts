import { createConditionExports } from '@backstage/plugin-permission-node';
import { requestPermissionResourceRef, requestPermissionRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: requestPermissionResourceRef,
  rules: requestPermissionRules,
});

/**
 * Conditions on service catalogue requests, for permission policies.
 *
 * @example
 * ```ts
 * createRequestConditionalDecision(
 *   request.permission,
 *   requestConditions.isRequester({ claims: user.identity.ownershipEntityRefs }),
 * );
 * ```
 *
 * @public
 */
export const requestConditions = conditions;

/**
 * Builds a conditional decision on service catalogue requests.
 *
 * @public
 */
export const createRequestConditionalDecision = createConditionalDecision;
