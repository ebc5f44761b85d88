// The databases a run uses: SQLite files in the work folder, or throw-away
// PostgreSQL databases on 127.0.0.1:5432 (trust auth, as scripts/postgres.sh
// sets it up), one a plugin under a prefix of this run, dropped at the end.
import fs from 'node:fs';
import path from 'node:path';

const PG = {
  host: process.env.POSTGRES_HOST ?? '127.0.0.1',
  port: Number(process.env.POSTGRES_PORT ?? 5432),
  user: process.env.POSTGRES_USER ?? 'postgres',
  password: process.env.POSTGRES_PASSWORD ?? '',
};

export function sqliteTarget(workDir) {
  const directory = path.join(workDir, 'sqlite');
  fs.mkdirSync(directory, { recursive: true });
  return {
    config: { client: 'better-sqlite3', connection: { directory } },
    sqliteFile: path.join(directory, 'service-catalogue.sqlite'),
  };
}

export async function postgresTarget() {
  const prefix = `bench_${process.pid}_${Date.now().toString(36)}_`;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...PG, database: 'postgres' });
  await client.connect().catch(error => {
    throw new Error(
      `PostgreSQL does not answer on ${PG.host}:${PG.port} (${error.message}); start it with bash scripts/postgres.sh`,
    );
  });
  await client.end();
  return {
    config: { client: 'pg', prefix, connection: PG },
    pg: { ...PG, database: `${prefix}service-catalogue` },
    prefix,
    drop: true,
  };
}

export async function dropDatabases(target) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [target.prefix],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
