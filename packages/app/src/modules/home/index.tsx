import { Navigate } from 'react-router-dom';
import {
  PageBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';

// The demo has no home page of its own: the service catalogue is the point.
const homeRedirect = PageBlueprint.make({
  name: 'home-redirect',
  params: {
    path: '/',
    loader: async () => <Navigate to="/service-catalogue" replace />,
  },
});

/** Sends visitors of `/` to the service catalogue. */
export const homeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [homeRedirect],
});
