import { useEffect } from 'react';
import {
  PageBlueprint,
  createFrontendModule,
  useAppNavigate,
} from '@backstage/frontend-plugin-api';

// The app owns the browser history, so the redirect goes through it rather
// than through a router the page would have to bring.
function RedirectToServiceCatalogue() {
  const navigate = useAppNavigate();
  useEffect(() => {
    navigate('/service-catalogue', { replace: true });
  }, [navigate]);
  return null;
}

// The demo has no home page of its own: the service catalogue is the point.
const homeRedirect = PageBlueprint.make({
  name: 'home-redirect',
  params: {
    path: '/',
    loader: async () => <RedirectToServiceCatalogue />,
  },
});

/** Sends visitors of `/` to the service catalogue. */
export const homeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [homeRedirect],
});
