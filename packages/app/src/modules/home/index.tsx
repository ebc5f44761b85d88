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

// The service catalogue is the point of the demo, so it is where visitors
// land; the home plugin's page, with the service catalogue's card, is at
// /home.
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
