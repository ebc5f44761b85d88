import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';

/**
 * Thrown inside a transaction when another one changed the row first; the
 * transaction rolls back whole and {@link inTransaction} tries again on
 * fresh state.
 *
 * @internal
 */
export class StaleVersionError extends Error {}

// Enough for the contention of a handful of approvers clicking at once; each
// attempt re-reads, so a retry decides on fresh state.
const MAX_ATTEMPTS = 10;

/** @internal */
export function isPostgres(db: Knex | Knex.Transaction): boolean {
  return db.client.config.client === 'pg';
}

/**
 * Reads rows to change inside a transaction. On PostgreSQL they stay locked
 * until it ends, so concurrent changes queue up rather than retry; SQLite
 * runs one write transaction at a time anyway.
 *
 * @internal
 */
export function forUpdate<T extends Knex.QueryBuilder>(
  tx: Knex.Transaction,
  query: T,
): T {
  if (isPostgres(tx)) {
    query.forUpdate();
  }
  return query;
}

/**
 * Claims rows for a worker: on PostgreSQL another replica's claim in
 * flight is skipped, not waited for.
 *
 * @internal
 */
export function skipLocked<T extends Knex.QueryBuilder>(
  tx: Knex.Transaction,
  query: T,
): T {
  if (isPostgres(tx)) {
    query.forUpdate().skipLocked();
  }
  return query;
}

/**
 * Serialises transactions about the same thing that has no row yet, such as
 * two records of the same access; SQLite serialises every write anyway.
 *
 * @internal
 */
export async function lockKey(tx: Knex.Transaction, key: string) {
  if (isPostgres(tx)) {
    await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [key]);
  }
}

/**
 * Writes a change only if nobody changed the row since it was read, and
 * moves its version on; tells whether it did. Claims use it to skip what
 * another replica took first.
 *
 * @internal
 */
export async function setIfUnchanged<
  Row extends { id: string; version: number },
>(
  tx: Knex.Transaction,
  table: string,
  row: { id: string; version: number },
  changes: Partial<Row>,
): Promise<boolean> {
  const updated = await tx(table)
    .where({ id: row.id, version: row.version })
    .update({ ...changes, version: row.version + 1 });
  return updated === 1;
}

/**
 * Writes a change only if nobody changed the row since it was read, and
 * moves its version on; otherwise the transaction fails with a
 * {@link StaleVersionError}.
 *
 * @internal
 */
export async function compareAndSet<
  Row extends { id: string; version: number },
>(
  tx: Knex.Transaction,
  table: string,
  row: { id: string; version: number },
  changes: Partial<Row>,
): Promise<void> {
  if (!(await setIfUnchanged<Row>(tx, table, row, changes))) {
    throw new StaleVersionError();
  }
}

/**
 * Runs `fn` in a transaction, again on fresh state when it lost a race: a
 * stale version, or a unique index that another transaction filled first.
 * A race lost every time is a ConflictError.
 *
 * @internal
 */
export async function inTransaction<T>(
  db: Knex,
  fn: (tx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction(fn);
    } catch (error) {
      const retriable =
        error instanceof StaleVersionError || isUniqueViolation(error);
      if (!retriable || i >= MAX_ATTEMPTS) {
        if (error instanceof StaleVersionError) {
          throw new ConflictError(
            'The request changed while saving; reload and try again',
          );
        }
        throw error;
      }
    }
  }
}

/** Two identical writes racing: the database's unique index wins. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}
