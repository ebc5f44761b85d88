import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { z } from 'zod';

/**
 * A filter on requests that a permission condition translates to, for
 * loading only the requests a user may see.
 *
 * @public
 */
export type RequestFilter = {
  key: 'requesterRef' | 'approverRef' | 'offeringOwnerRef';
  values: string[];
};

/**
 * The service catalogue's request resource, for conditional permission
 * decisions.
 *
 * @public
 */
export const requestPermissionResourceRef = createPermissionResourceRef<
  ServiceRequest,
  RequestFilter
>().with({
  pluginId: 'service-catalogue',
  resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
});

// Requests store refs in lowercase; claims come as the catalog spells them.
const lowercase = (claims: string[]) =>
  new Set(claims.map(claim => claim.toLocaleLowerCase('en-US')));

const claimsSchema = z.object({
  claims: z
    .array(z.string())
    .describe('Entity refs of the user and their groups'),
});

/**
 * Matches requests for one of the claims, or submitted by one of them.
 *
 * @public
 */
export const isRequester = createPermissionRule({
  name: 'IS_REQUESTER',
  description:
    'Allow requests made for, or submitted by, one of the given claims',
  resourceRef: requestPermissionResourceRef,
  paramsSchema: claimsSchema,
  apply: (request, { claims }) => {
    const own = lowercase(claims);
    return own.has(request.requesterRef) || own.has(request.submittedByRef);
  },
  toQuery: ({ claims }) => ({ key: 'requesterRef', values: claims }),
});

/**
 * Matches requests on which one of the claims is an approver of some stage.
 *
 * @public
 */
export const isApprover = createPermissionRule({
  name: 'IS_APPROVER',
  description: 'Allow requests on which one of the given claims is an approver',
  resourceRef: requestPermissionResourceRef,
  paramsSchema: claimsSchema,
  apply: (request, { claims }) => {
    const own = lowercase(claims);
    return request.stages.some(stage =>
      stage.approvers.some(approver => own.has(approver)),
    );
  },
  toQuery: ({ claims }) => ({ key: 'approverRef', values: claims }),
});

/**
 * Matches requests for offerings owned by one of the claims.
 *
 * @public
 */
export const isOfferingOwner = createPermissionRule({
  name: 'IS_OFFERING_OWNER',
  description: 'Allow requests for offerings owned by one of the given claims',
  resourceRef: requestPermissionResourceRef,
  paramsSchema: claimsSchema,
  apply: (request, { claims }) =>
    lowercase(claims).has(request.offeringOwnerRef),
  toQuery: ({ claims }) => ({ key: 'offeringOwnerRef', values: claims }),
});

/**
 * The rules of the request resource.
 *
 * @public
 */
export const requestPermissionRules = {
  isRequester,
  isApprover,
  isOfferingOwner,
};
