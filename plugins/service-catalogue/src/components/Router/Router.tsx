import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import { Progress } from '@backstage/core-components';
import { ApprovalsPage } from '../ApprovalsPage';
import { CataloguePage, NfsCataloguePage } from '../CataloguePage';
import { DeskQueuePage } from '../DeskQueuePage';
import { MyAccessPage } from '../MyAccessPage';
import { MyRequestsPage } from '../MyRequestsPage';
import { ReportsPage } from '../ReportsPage';
import { RequestPage } from '../RequestPage';
import { ReviewCampaignPage, ReviewsPage } from '../ReviewsPage';
import { NewFrontendSystemProvider } from '../shared';

// Loaded on demand: the request form brings the scaffolder's form machinery
// and field extensions, which the other pages do not need.
const OfferingPage = lazy(() =>
  import('../OfferingPage').then(m => ({ default: m.OfferingPage })),
);

// Relative to where the app mounts the plugin; the same as the sub route
// refs in routes.ts.
function PluginRoutes(props: { nfs: boolean }) {
  return (
    <Routes>
      <Route
        path="/"
        element={props.nfs ? <NfsCataloguePage /> : <CataloguePage />}
      />
      <Route
        path="/offerings/:namespace/:name"
        element={
          <Suspense fallback={<Progress />}>
            <OfferingPage />
          </Suspense>
        }
      />
      <Route path="/requests" element={<MyRequestsPage />} />
      <Route path="/requests/:requestId" element={<RequestPage />} />
      <Route path="/approvals/*" element={<ApprovalsPage />} />
      <Route path="/access" element={<MyAccessPage />} />
      <Route path="/desk/*" element={<DeskQueuePage />} />
      <Route path="/reports" element={<ReportsPage />} />
      <Route
        path="/reviews/campaigns/:campaignId"
        element={<ReviewCampaignPage />}
      />
      <Route path="/reviews/*" element={<ReviewsPage />} />
    </Routes>
  );
}

/**
 * The plugin's pages for the legacy frontend system, each with its own
 * header.
 *
 * @internal
 */
export function Router() {
  return <PluginRoutes nfs={false} />;
}

/**
 * The plugin's pages for the new frontend system, inside the header that the
 * page blueprint draws.
 *
 * @internal
 */
export function NfsRouter() {
  // Since 1.57 the app owns the browser history; the adapter scopes React
  // Router to this page so its relative routes and params keep working.
  return (
    <ReactRouterV6PageRouter>
      <NewFrontendSystemProvider>
        <PluginRoutes nfs />
      </NewFrontendSystemProvider>
    </ReactRouterV6PageRouter>
  );
}
