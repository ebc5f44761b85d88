/*
 * A backend process that only runs fulfilment passes, for the restart test:
 * it runs the real worker and stores against a database and a scaffolder
 * whose addresses it is given, and can be killed at any moment. The
 * scaffolder is reached through the scaffolder's own client, as
 * `scaffolderServiceRef` does; the catalog holds only gated templates.
 *
 * Usage: node -r sucrase/register/ts fulfilmentProcess.ts <knex connection
 * as JSON> <scaffolder base URL> <lease in ms>
 */
import { ScaffolderClient } from '@backstage/plugin-scaffolder-common';
import { GATE_ACTION_ID } from '@service-catalogue/plugin-service-catalogue-common';
import knexFactory from 'knex';
import { TemplateChecks } from '../catalogue/TemplateChecks';
import { DatabaseGateTicketStore } from '../database/DatabaseGateTicketStore';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { DatabaseRequestStore } from '../database/DatabaseRequestStore';
import { FulfilmentWorker } from '../fulfilment/FulfilmentWorker';
import { ScaffolderServiceTasks } from '../fulfilment/ScaffolderTasks';
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
  const auth = { getOwnServiceCredentials: async () => ({}) } as any;
  const worker = FulfilmentWorker.create({
    store: await DatabaseRequestStore.create({ database }),
    grants: await DatabaseGrantStore.create({ database }),
    tickets: await DatabaseGateTicketStore.create({ database }),
    tasks: ScaffolderServiceTasks.create({
      auth,
      templates: TemplateChecks.create({
        auth,
        catalog: {
          getEntityByRef: async () => ({
            spec: { steps: [{ id: 'gate', action: GATE_ACTION_ID }] },
          }),
        } as any,
      }),
      scaffolder: scaffolderService(scaffolderUrl) as any,
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

/** The calls the worker makes of `scaffolderServiceRef`. */
function scaffolderService(baseUrl: string) {
  const client = new ScaffolderClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch },
    scmIntegrationsApi: {} as any,
  });
  return {
    scaffold: (request: any) => client.scaffold(request),
    getTask: ({ taskId }: { taskId: string }) => client.getTask(taskId),
  };
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
