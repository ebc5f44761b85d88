import {
  AuditorServiceCreateEventOptions,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { RELATION_MEMBER_OF } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';

/** An audit event as a test reads it back. */
export type RecordedAudit = {
  plugin: string;
  options: AuditorServiceCreateEventOptions;
  outcome?: 'success' | 'fail';
  error?: string;
};

/** An auditor that keeps every plugin's events, with how each ended. */
export function recordingAuditor() {
  const audits: RecordedAudit[] = [];
  const factory = createServiceFactory({
    service: coreServices.auditor,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => ({
      async createEvent(options) {
        const audit: RecordedAudit = { plugin: plugin.getId(), options };
        audits.push(audit);
        return {
          async success() {
            audit.outcome = 'success';
          },
          async fail({ error }) {
            audit.outcome = 'fail';
            audit.error = error.message;
          },
        };
      },
    }),
  });
  return { audits, factory };
}

/**
 * Notifications kept instead of sent, and signals dropped: the two services
 * the service catalogue tells people through.
 */
export function recordingNotifications() {
  const sent: Array<{ recipients: unknown; title: string }> = [];
  const factories = [
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({
        send: async (notification: any) => {
          sent.push({
            recipients: notification.recipients,
            title: notification.payload.title,
          });
        },
      }),
    }),
    createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({ publish: async () => {} }),
    }),
  ];
  return { sent, factories };
}

/**
 * Who a caller is and which groups they are in, as a sign-in resolver would
 * put it in their token: from the catalog.
 */
export const userInfoFromCatalog = createServiceFactory({
  service: coreServices.userInfo,
  deps: { catalog: catalogServiceRef, auth: coreServices.auth },
  async factory({ catalog, auth }) {
    return {
      async getUserInfo(credentials: BackstageCredentials) {
        const { userEntityRef } = (
          credentials as BackstageCredentials<BackstageUserPrincipal>
        ).principal;
        const user = await catalog.getEntityByRef(userEntityRef, {
          credentials: await auth.getOwnServiceCredentials(),
        });
        return {
          userEntityRef,
          ownershipEntityRefs: [
            userEntityRef,
            ...(user?.relations ?? [])
              .filter(r => r.type === RELATION_MEMBER_OF)
              .map(r => r.targetRef),
          ],
        };
      },
    };
  },
});

/**
 * Like the real auth service, and unlike the mock one, a plugin's token on
 * behalf of a user is a user token naming the plugin as the actor: the
 * permission backend takes resource permissions without a resource only
 * from such tokens, and a plugin called on behalf of a user sees that user.
 */
export const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => auth.authenticate(token, options),
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      getNoneCredentials: () => auth.getNoneCredentials(),
      getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
      getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => auth.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        if (auth.isPrincipal(options.onBehalfOf, 'user')) {
          return {
            token: mockCredentials.user.token(
              options.onBehalfOf.principal.userEntityRef,
              { actor: { subject: `plugin:${plugin.getId()}` } },
            ),
          };
        }
        return auth.getPluginRequestToken(options);
      },
    };
  },
});
