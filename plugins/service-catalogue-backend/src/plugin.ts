import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { CategoryRegistry } from './catalogue/CategoryRegistry';
import { OfferingCatalogue } from './catalogue/OfferingCatalogue';
import { createRouter } from './service/router';

/**
 * The service catalogue backend plugin.
 *
 * @public
 */
export const serviceCataloguePlugin = createBackendPlugin({
  pluginId: 'service-catalogue',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
      },
      async init({ config, auth, httpAuth, httpRouter, userInfo, catalog }) {
        httpRouter.use(
          await createRouter({
            httpAuth,
            categories: CategoryRegistry.fromConfig(config),
            offerings: OfferingCatalogue.create({ auth, catalog, userInfo }),
          }),
        );
        httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
