import {
  createExternalRouteRef,
  createRouteRef,
  createSubRouteRef,
} from '@backstage/core-plugin-api';

// One route ref serves both frontend systems: since core-plugin-api 1.12 the
// legacy route refs are the new system's, so no conversion is needed.
export const rootRouteRef = createRouteRef({
  id: 'service-catalogue',
});

// The paths below are also written into notifications by the backend, so
// changing one breaks the links in notifications already sent.

export const offeringRouteRef = createSubRouteRef({
  id: 'service-catalogue/offering',
  parent: rootRouteRef,
  path: '/offerings/:namespace/:name',
});

export const requestsRouteRef = createSubRouteRef({
  id: 'service-catalogue/requests',
  parent: rootRouteRef,
  path: '/requests',
});

export const requestRouteRef = createSubRouteRef({
  id: 'service-catalogue/request',
  parent: rootRouteRef,
  path: '/requests/:requestId',
});

export const approvalsRouteRef = createSubRouteRef({
  id: 'service-catalogue/approvals',
  parent: rootRouteRef,
  path: '/approvals',
});

export const accessRouteRef = createSubRouteRef({
  id: 'service-catalogue/access',
  parent: rootRouteRef,
  path: '/access',
});

export const deskRouteRef = createSubRouteRef({
  id: 'service-catalogue/desk',
  parent: rootRouteRef,
  path: '/desk',
});

export const reportsRouteRef = createSubRouteRef({
  id: 'service-catalogue/reports',
  parent: rootRouteRef,
  path: '/reports',
});

export const reviewsRouteRef = createSubRouteRef({
  id: 'service-catalogue/reviews',
  parent: rootRouteRef,
  path: '/reviews',
});

export const reviewCampaignRouteRef = createSubRouteRef({
  id: 'service-catalogue/review-campaign',
  parent: rootRouteRef,
  path: '/reviews/campaigns/:campaignId',
});

// The scaffolder's page of one task, with the log of every step. Optional:
// without it the request page shows no link to the task. The new frontend
// system binds it to the scaffolder by default.
export const scaffolderTaskRouteRef = createExternalRouteRef({
  id: 'service-catalogue/scaffolder-task',
  params: ['taskId'],
  optional: true,
  defaultTarget: 'scaffolder.ongoingTask',
});
