import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { serviceCataloguePermissions } from '@service-catalogue/plugin-service-catalogue-common';
import { CategoryRegistry } from './catalogue/CategoryRegistry';
import { OfferingCatalogue } from './catalogue/OfferingCatalogue';
import { DatabaseRequestStore } from './database/DatabaseRequestStore';
import {
  requestPermissionResourceRef,
  requestPermissionRules,
} from './permissions';
import { RequestService } from './requests/RequestService';
import { ApproverResolver } from './routing/ApproverResolver';
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
        logger: coreServices.logger,
        database: coreServices.database,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { config, httpRouter, permissionsRegistry } = deps;
        const store = await DatabaseRequestStore.create({
          database: deps.database,
        });
        const offerings = OfferingCatalogue.create(deps);

        permissionsRegistry.addPermissions(serviceCataloguePermissions);
        permissionsRegistry.addResourceType({
          resourceRef: requestPermissionResourceRef,
          permissions: serviceCataloguePermissions,
          rules: Object.values(requestPermissionRules),
          getResources: refs =>
            Promise.all(refs.map(ref => store.getRequest(ref))),
        });

        const requests = RequestService.fromConfig(config, {
          ...deps,
          store,
          offerings,
          stages: ApproverResolver.create(deps),
        });

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            categories: CategoryRegistry.fromConfig(config),
            offerings,
            requests,
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
