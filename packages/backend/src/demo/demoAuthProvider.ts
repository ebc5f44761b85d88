import { createBackendModule } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';

/** Header (or `user` query parameter) that names the example user to sign in as. */
export const DEMO_USER_HEADER = 'x-demo-user';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

/**
 * Signs in as any user of the catalog, named by the `x-demo-user` header.
 * It exists so that people trying the demo, and scripts and browser tests,
 * can act as the example requesters and approvers without an identity
 * provider. The auth backend only mounts it when `auth.providers.demo` is
 * configured, and it refuses to start unless that block says
 * `signInAsAnyUser: true`, so it cannot be switched on by accident.
 */
export const demoAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { userName: string }) => ({
    profile: { displayName: result.userName },
  }),
  initialize({ config }) {
    if (config.getOptionalBoolean('signInAsAnyUser') !== true) {
      throw new NotAllowedError(
        'The demo sign-in lets anyone act as any user; enable it explicitly with auth.providers.demo.signInAsAnyUser: true, and only in a demo',
      );
    }
    return undefined;
  },
  async authenticate({ req }) {
    const fromHeader = req.get(DEMO_USER_HEADER);
    const fromQuery =
      typeof req.query.user === 'string' ? req.query.user : undefined;
    const userName = fromHeader ?? fromQuery;
    if (!userName) {
      throw new InputError(
        `Name the example user to sign in as in the ${DEMO_USER_HEADER} header`,
      );
    }
    if (!USER_NAME.test(userName)) {
      throw new InputError(`'${userName}' is not a user name`);
    }
    return { result: { userName } };
  },
});

/** @internal */
export const authModuleDemoProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoAuthenticator,
            async profileTransform(result, ctx) {
              const { entity } = await ctx.findCatalogUser({
                entityRef: { name: result.userName },
              });
              const profile = (entity.spec?.profile ?? {}) as {
                displayName?: string;
                email?: string;
                picture?: string;
              };
              return {
                profile: {
                  displayName:
                    profile.displayName ?? stringifyEntityRef(entity),
                  email: profile.email,
                  picture: profile.picture,
                },
              };
            },
            // Only users that exist in the catalog can be signed in as, and
            // their ownership comes from the catalog like any real sign-in.
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: { name: result.userName },
              }),
          }),
        });
      },
    });
  },
});
