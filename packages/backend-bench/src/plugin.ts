import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';

const TABLE = 'bench_inserts';

async function ensureTable(db: Knex): Promise<void> {
  if (await db.schema.hasTable(TABLE)) {
    return;
  }
  await db.schema.createTable(TABLE, table => {
    table.string('id', 36).primary();
    table.string('user_ref').notNullable().index();
    table.text('body').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
}

/**
 * The floor the benchmark compares submission with: what any authenticated
 * write costs in this backend, on the same database server, with none of
 * the service catalogue's work. One route, `POST /inserts`, that takes the
 * caller's identity from their Backstage token and stores one row.
 *
 * @internal
 */
export const benchInsertPlugin = createBackendPlugin({
  pluginId: 'bench-insert',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
      },
      async init({ database, httpAuth, httpRouter }) {
        const db = await database.getClient();
        await ensureTable(db);

        const router = Router();
        router.use(express.json());
        router.post('/inserts', async (req, res) => {
          const credentials = await httpAuth.credentials(req, {
            allow: ['user'],
          });
          if (
            typeof req.body !== 'object' ||
            req.body === null ||
            Array.isArray(req.body)
          ) {
            throw new InputError('The body must be a JSON object');
          }
          const id = randomUUID();
          await db(TABLE).insert({
            id,
            user_ref: credentials.principal.userEntityRef,
            body: JSON.stringify(req.body),
            created_at: new Date(),
          });
          res.status(201).json({ id });
        });
        httpRouter.use(router);
      },
    });
  },
});
