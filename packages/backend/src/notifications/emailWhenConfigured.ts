import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import notificationsModuleEmail from '@backstage/plugin-notifications-backend-module-email';

/**
 * Notifications by email, with `@backstage/plugin-notifications-backend-module-email`,
 * once `notifications.processors.email` is configured (app-config.email.yaml).
 * The module needs its transport and sender to start, so without them the
 * demo is not given it and notifications stay in the app.
 */
export const notificationsEmailWhenConfigured = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    if (config.has('notifications.processors.email')) {
      yield notificationsModuleEmail;
    }
  },
});
