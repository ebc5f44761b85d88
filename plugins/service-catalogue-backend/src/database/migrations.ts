import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';

const migrationsDir = resolvePackagePath(
  '@service-catalogue/plugin-service-catalogue-backend',
  'migrations',
);

/**
 * Brings the plugin's tables up to date, once at start-up, before any store
 * uses them; unless the deployment runs migrations itself.
 *
 * @internal
 */
export async function applyDatabaseMigrations(
  database: DatabaseService,
): Promise<void> {
  if (database.migrations?.skip) {
    return;
  }
  const client = await database.getClient();
  await client.migrate.latest({ directory: migrationsDir });
}
