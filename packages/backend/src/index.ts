import { createBackend } from '@backstage/backend-defaults';
import { authModuleDemoProvider } from './demo/demoAuthProvider';
import { demoSignInPlugin } from './demo/demoSignInPlugin';
import { permissionModuleDemoPolicy } from './demo/demoPermissionPolicy';
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
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

backend.add(import('@service-catalogue/plugin-service-catalogue-backend'));

backend.start();
