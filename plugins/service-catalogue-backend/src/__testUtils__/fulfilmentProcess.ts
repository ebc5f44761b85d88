/*
 * A backend process that only runs fulfilment passes, for the restart test:
 * it runs the real worker and stores against a database and a scaffolder
 * whose addresses it is given, and can be killed at any moment.
 *
 * Usage: node -r sucrase/register/ts fulfilmentProcess.ts <knex connection
 * as JSON> <scaffolder base URL> <lease in ms>
 */
import knexFactory from 'knex';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { DatabaseRequestStore } from '../database/DatabaseRequestStore';
import { FulfilmentWorker } from '../fulfilment/FulfilmentWorker';
import { HttpScaffolderTasks } from '../fulfilment/ScaffolderTasks';
import { RequestNotifier } from '../requests/RequestNotifier';

async function main() {
  const [connection, scaffolderUrl, leaseMs] = process.argv.slice(2);
  const knex = knexFactory({
    client: 'pg',
    connection: JSON.parse(connection),
  });
  const database = { getClient: async () => knex };
  const logger = {
    info: () => {},
    debug: () => {},
    warn: (message: string) => process.stderr.write(`${message}\n`),
    error: (message: string) => process.stderr.write(`${message}\n`),
    child: () => logger,
  };
  const worker = FulfilmentWorker.create({
    store: await DatabaseRequestStore.create({
      database,
      skipMigrations: true,
    }),
    grants: await DatabaseGrantStore.create({ database }),
    tasks: HttpScaffolderTasks.create({
      discovery: {
        getBaseUrl: async () => scaffolderUrl,
        getExternalBaseUrl: async () => scaffolderUrl,
      },
      auth: {
        getOwnServiceCredentials: async () => ({}),
        getPluginRequestToken: async () => ({ token: 'fulfilment-process' }),
      } as any,
    }),
    notifier: RequestNotifier.create({
      notifications: { send: async () => {} } as any,
      signals: { publish: async () => {} } as any,
      logger: logger as any,
    }),
    logger: logger as any,
    leaseMs: Number(leaseMs),
  });
  await worker.run();
  await knex.destroy();
  process.stdout.write('pass done\n');
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
