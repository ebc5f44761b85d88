import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import serviceCataloguePlugin from '@service-catalogue/plugin-service-catalogue/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    serviceCataloguePlugin,
    navModule,
    homeModule,
    signInModule,
  ],
});
