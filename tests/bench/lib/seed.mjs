// Bulk seeding straight into the service catalogue's tables, after the
// backend has run its migrations and while it is stopped. Columns are read
// from the database itself, so a migration that adds a nullable column does
// not break the seed, and one that adds a required column fails it loudly.
import { requestRows, departureRow } from './seedRows.mjs';

const BATCH = 5000;
const TABLES = [
  ['requests', 'request'],
  ['request_stages', 'stages'],
  ['request_stage_approvers', 'approvers'],
  ['request_decisions', 'decisions'],
  ['request_events', 'events'],
  ['grants', 'grants'],
];

class SqliteWriter {
  static async open(file) {
    const { default: Database } = await import('better-sqlite3');
    return new SqliteWriter(new Database(file));
  }
  constructor(db) {
    this.db = db;
    // For this connection only: the backend's own journal mode stays as it is.
    this.db.pragma('synchronous = OFF');
    this.statements = new Map();
  }
  async columns(table) {
    return this.db
      .prepare(`PRAGMA table_info(${table})`)
      .all()
      .map(c => ({
        name: c.name,
        required: c.notnull === 1 && c.dflt_value === null && c.pk === 0,
      }));
  }
  async maxSequence() {
    return (
      this.db.prepare('SELECT MAX(sequence) AS m FROM requests').get().m ?? 0
    );
  }
  async count(table) {
    return this.db.prepare(`SELECT COUNT(*) AS c FROM ${table}`).get().c;
  }
  async write(batches) {
    // knex stores dates in SQLite as milliseconds since the epoch.
    const value = v => (v instanceof Date ? v.getTime() : v);
    this.db.transaction(() => {
      for (const { table, columns, rows } of batches) {
        const key = `${table}:${columns.join(',')}`;
        let statement = this.statements.get(key);
        if (!statement) {
          statement = this.db.prepare(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns
              .map(() => '?')
              .join(', ')})`,
          );
          this.statements.set(key, statement);
        }
        for (const row of rows) {
          statement.run(columns.map(c => value(row[c])));
        }
      }
    })();
  }
  async analyze() {
    this.db.exec('ANALYZE');
  }
  async close() {
    this.db.close();
  }
}

class PostgresWriter {
  static async open(config) {
    const { default: pg } = await import('pg');
    const client = new pg.Client(config);
    await client.connect();
    return new PostgresWriter(client);
  }
  constructor(client) {
    this.client = client;
    this.types = new Map();
  }
  async columns(table) {
    const { rows } = await this.client.query(
      `SELECT column_name, data_type, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = $1`,
      [table],
    );
    for (const r of rows) {
      this.types.set(`${table}.${r.column_name}`, pgArrayType(r.data_type));
    }
    return rows.map(r => ({
      name: r.column_name,
      required: r.is_nullable === 'NO' && r.column_default === null,
    }));
  }
  async maxSequence() {
    const { rows } = await this.client.query(
      'SELECT COALESCE(MAX(sequence), 0) AS m FROM requests',
    );
    return Number(rows[0].m);
  }
  async count(table) {
    const { rows } = await this.client.query(
      `SELECT COUNT(*) AS c FROM ${table}`,
    );
    return Number(rows[0].c);
  }
  async write(batches) {
    // One statement a table and batch: every column as an array, unnested
    // on the server, which is as fast as COPY without another dependency.
    await this.client.query('BEGIN');
    try {
      for (const { table, columns, rows } of batches) {
        if (rows.length === 0) {
          continue;
        }
        const arrays = columns.map(c => rows.map(r => r[c] ?? null));
        const casts = columns.map(
          (c, n) => `$${n + 1}::${this.types.get(`${table}.${c}`)}`,
        );
        await this.client.query(
          `INSERT INTO ${table} (${columns.join(', ')})
           SELECT * FROM unnest(${casts.join(', ')})`,
          arrays,
        );
      }
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK');
      throw error;
    }
  }
  async analyze() {
    await this.client.query(
      `SELECT setval(pg_get_serial_sequence('requests', 'sequence'),
              (SELECT MAX(sequence) FROM requests))`,
    );
    await this.client.query('ANALYZE');
  }
  async close() {
    await this.client.end();
  }
}

function pgArrayType(dataType) {
  switch (dataType) {
    case 'integer':
      return 'integer[]';
    case 'bigint':
      return 'bigint[]';
    case 'boolean':
      return 'boolean[]';
    case 'timestamp with time zone':
      return 'timestamptz[]';
    case 'timestamp without time zone':
      return 'timestamp[]';
    default:
      return 'text[]';
  }
}

/** The columns of `table` the seed fills: those both it and the table know. */
async function columnsFor(writer, table, sample) {
  const columns = await writer.columns(table);
  if (columns.length === 0) {
    throw new Error(
      `The table ${table} does not exist: did the migrations run?`,
    );
  }
  const missing = columns.filter(c => c.required && !(c.name in sample));
  if (missing.length > 0) {
    throw new Error(
      `The seed does not know the required columns ${missing
        .map(c => `${table}.${c.name}`)
        .join(', ')}: teach tests/bench/lib/seedRows.mjs about them`,
    );
  }
  return columns.map(c => c.name).filter(name => name in sample);
}

export async function openWriter(target) {
  return target.sqliteFile
    ? SqliteWriter.open(target.sqliteFile)
    : PostgresWriter.open(target.pg);
}

/**
 * Adds requests until the database holds `size` of them, and a departure
 * for every thousand requests. Returns how many were added and how long it
 * took.
 */
export async function seedTo(writer, size, context) {
  const started = Date.now();
  const existing = await writer.count('requests');
  const toAdd = size - existing;
  if (toAdd <= 0) {
    return { added: 0, seconds: 0 };
  }
  const firstSequence = (await writer.maxSequence()) + 1;
  context.total = size;
  const columns = {};
  for (const [table, key] of TABLES) {
    columns[table] = await columnsFor(writer, table, sampleOf(key, context));
  }
  for (let start = 0; start < toAdd; start += BATCH) {
    const end = Math.min(toAdd, start + BATCH);
    const collected = Object.fromEntries(TABLES.map(([t]) => [t, []]));
    for (let n = start; n < end; n++) {
      const i = existing + n;
      const rows = requestRows(i, firstSequence + n, context);
      for (const [table, key] of TABLES) {
        const value = rows[key];
        if (Array.isArray(value)) {
          collected[table].push(...value);
        } else {
          collected[table].push(value);
        }
      }
    }
    await writer.write(
      TABLES.map(([table]) => ({
        table,
        columns: columns[table],
        rows: collected[table],
      })),
    );
  }

  const departures =
    Math.floor(size / 1000) - (await writer.count('departures'));
  if (departures > 0) {
    const rows = Array.from({ length: departures }, (_, d) =>
      departureRow(d, context),
    );
    await writer.write([
      {
        table: 'departures',
        columns: await columnsFor(writer, 'departures', rows[0]),
        rows,
      },
    ]);
  }
  await writer.analyze();
  return { added: toAdd, seconds: Math.round((Date.now() - started) / 1000) };
}

/** A row of the kind `key` names, from the first request that has one. */
function sampleOf(key, context) {
  for (let i = 0; ; i++) {
    const value = requestRows(i, i, { ...context, heavyWaiting: 0 })[key];
    const row = Array.isArray(value) ? value[0] : value;
    if (row) {
      return row;
    }
  }
}
