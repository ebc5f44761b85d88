import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of service catalogue requests, for conditional
 * decisions.
 *
 * @public
 */
export const RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST =
  'service-catalogue-request';

/**
 * Submit a request, for oneself or, where the offering's request mode
 * allows, for someone else.
 *
 * @public
 */
export const serviceCatalogueRequestCreatePermission = createPermission({
  name: 'service-catalogue.request.create',
  attributes: { action: 'create' },
});

/**
 * See a request and its history.
 *
 * @public
 */
export const serviceCatalogueRequestReadPermission = createPermission({
  name: 'service-catalogue.request.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
});

/**
 * Approve or reject a request's current stage.
 *
 * @public
 */
export const serviceCatalogueRequestDecidePermission = createPermission({
  name: 'service-catalogue.request.decide',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
});

/**
 * Cancel a request before its fulfilment starts.
 *
 * @public
 */
export const serviceCatalogueRequestCancelPermission = createPermission({
  name: 'service-catalogue.request.cancel',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
});

/**
 * Comment on a request.
 *
 * @public
 */
export const serviceCatalogueRequestCommentPermission = createPermission({
  name: 'service-catalogue.request.comment',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
});

/**
 * Fulfil a request by hand, retry a failed one.
 *
 * @public
 */
export const serviceCatalogueRequestFulfilPermission = createPermission({
  name: 'service-catalogue.request.fulfil',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
});

/**
 * Administer the service catalogue: see and act on every request.
 *
 * @public
 */
export const serviceCatalogueAdministerPermission = createPermission({
  name: 'service-catalogue.administer',
  attributes: {},
});

/**
 * Read the reports: volumes, delivery times, SLA compliance, approvals and
 * access. A resource permission on requests, so that a policy can narrow
 * the rows a report counts with the request conditions (such as
 * `isOfferingOwner`); the service catalogue itself shows owners their own
 * offerings and the desk and administrators everything.
 *
 * @public
 */
export const serviceCatalogueReportReadPermission = createPermission({
  name: 'service-catalogue.report.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SERVICE_CATALOGUE_REQUEST,
});

/**
 * Decide lines of access reviews: keep or revoke a holder's grant. The
 * service catalogue itself lets only a line's reviewers (and their
 * delegates) decide it, never on their own access; a policy can only
 * narrow that.
 *
 * @public
 */
export const serviceCatalogueReviewDecidePermission = createPermission({
  name: 'service-catalogue.review.decide',
  attributes: { action: 'update' },
});

/**
 * Open an access review campaign by hand, for an offering or for everything
 * a group owns. The service catalogue itself lets the owners and
 * administrators do it; a policy can only narrow that.
 *
 * @public
 */
export const serviceCatalogueReviewCreatePermission = createPermission({
  name: 'service-catalogue.review.create',
  attributes: { action: 'create' },
});

/**
 * See access review campaigns and their reports. The service catalogue
 * itself shows owners the campaigns of their offerings and administrators
 * and the desk all of them; a policy can only narrow that.
 *
 * @public
 */
export const serviceCatalogueReviewReadPermission = createPermission({
  name: 'service-catalogue.review.read',
  attributes: { action: 'read' },
});

/**
 * Every permission of the service catalogue, for the permissions registry.
 *
 * @public
 */
export const serviceCataloguePermissions = [
  serviceCatalogueRequestCreatePermission,
  serviceCatalogueRequestReadPermission,
  serviceCatalogueRequestDecidePermission,
  serviceCatalogueRequestCancelPermission,
  serviceCatalogueRequestCommentPermission,
  serviceCatalogueRequestFulfilPermission,
  serviceCatalogueAdministerPermission,
  serviceCatalogueReportReadPermission,
  serviceCatalogueReviewDecidePermission,
  serviceCatalogueReviewCreatePermission,
  serviceCatalogueReviewReadPermission,
];
