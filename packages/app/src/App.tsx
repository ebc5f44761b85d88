import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import homePlugin from '@backstage/plugin-home/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import serviceCataloguePlugin from '@service-catalogue/plugin-service-catalogue/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    homePlugin,
    serviceCataloguePlugin,
    navModule,
    homeModule,
    signInModule,
  ],
  bindRoutes({ bind }) {
    // Request pages link the provisioning task's log in the scaffolder.
    bind(serviceCataloguePlugin.externalRoutes, {
      scaffolderTask: scaffolderPlugin.routes.ongoingTask,
    });
  },
});
