import { createBackend } from '@backstage/backend-defaults';
import { authModuleDemoProvider } from './demo/demoAuthProvider';
import { demoSignInPlugin } from './demo/demoSignInPlugin';
import { permissionModuleDemoPolicy } from './demo/demoPermissionPolicy';
import { notificationsEmailWhenConfigured } from './notifications/emailWhenConfigured';
import { catalogModuleDirectoryManagers } from './directory/catalogModuleDirectoryManagers';
import {
  demoAccessListsPlugin,
  scaffolderModuleDemoAccessLists,
} from './demo/demoAccessLists';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(authModuleDemoProvider);
backend.add(demoSignInPlugin);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-unprocessed'));
// Users and groups from a directory, with their managers, when
// catalog.providers.ldapOrg names one (app-config.ldap.yaml); without it
// the provider reads nothing and the organisation comes from the locations.
backend.add(import('@backstage/plugin-catalog-backend-module-ldap'));
backend.add(catalogModuleDirectoryManagers);
backend.add(
  import('@service-catalogue/plugin-catalog-backend-module-service-catalogue'),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import(
    '@service-catalogue/plugin-scaffolder-backend-module-service-catalogue'
  ),
);
// Demo stand-ins for the systems offerings give access to, so that
// provisioning changes something a person can look at.
backend.add(scaffolderModuleDemoAccessLists);
backend.add(demoAccessListsPlugin);

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleDemoPolicy);

// The events hub carries notifications and signals between backend replicas.
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
// Email as well, where app-config names a mail transport (app-config.email.yaml).
backend.add(notificationsEmailWhenConfigured);
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

backend.add(import('@service-catalogue/plugin-service-catalogue-backend'));

// Serves the actions of the plugins in backend.actions.pluginSources to AI
// assistants over MCP, at /api/mcp-actions/v1.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
