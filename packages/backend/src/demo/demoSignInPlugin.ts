import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import Router from 'express-promise-router';

/** What the demo sign-in page shows of an example user. */
export interface DemoUser {
  name: string;
  entityRef: string;
  displayName: string;
  email?: string;
  memberOf: string[];
  description?: string;
}

/**
 * Lists the catalog's users for the demo sign-in page, which has no identity
 * yet and so cannot ask the catalog itself. Mounted only when the demo
 * sign-in is enabled; answers 404 otherwise, like the auth provider.
 *
 * @internal
 */
export const demoSignInPlugin = createBackendPlugin({
  pluginId: 'demo-sign-in',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
      },
      async init({ config, auth, httpRouter, catalog }) {
        const enabled =
          config.getOptionalBoolean('auth.providers.demo.signInAsAnyUser') ===
          true;
        const router = Router();
        router.get('/users', async (_req, res) => {
          if (!enabled) {
            res.status(404).json({
              error: {
                name: 'NotFoundError',
                message: 'The demo sign-in is not enabled',
              },
            });
            return;
          }
          const { items } = await catalog.getEntities(
            {
              filter: { kind: 'User' },
              fields: ['kind', 'metadata', 'spec.profile', 'spec.memberOf'],
            },
            { credentials: await auth.getOwnServiceCredentials() },
          );
          const users: DemoUser[] = items.map(entity => {
            const profile = (entity.spec?.profile ?? {}) as {
              displayName?: string;
              email?: string;
            };
            return {
              name: entity.metadata.name,
              entityRef: stringifyEntityRef(entity),
              displayName: profile.displayName ?? entity.metadata.name,
              email: profile.email,
              memberOf: (entity.spec?.memberOf as string[] | undefined) ?? [],
              description: entity.metadata.description,
            };
          });
          users.sort((a, b) => a.displayName.localeCompare(b.displayName));
          res.json({ items: users });
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/users', allow: 'unauthenticated' });
      },
    });
  },
});
