import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Departure,
  Grant,
  GrantEndReason,
  RequestFailure,
  OPEN_EXTENSION_STATES,
  Swap,
  formatTrackingNumber,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import { Duration } from 'luxon';
import { randomUUID } from 'node:crypto';
import { GrantStore, RevocationClaim, SwapItem } from './GrantStore';
import { Timestamp, toIso } from './timestamps';
import { SYSTEM_ACTOR_REF } from '../systemActor';

type GrantRow = {
  id: string;
  request_id: string;
  holder_ref: string;
  offering_ref: string;
  offering_title: string;
  offering_owner_ref: string;
  target_ref: string | null;
  state: Grant['state'];
  version: number;
  granted_at: Timestamp;
  expires_at: Timestamp | null;
  reminded_at: Timestamp | null;
  ended_at: Timestamp | null;
  end_reason: GrantEndReason | null;
  ended_by_ref: string | null;
  revoke_template_ref: string | null;
  revoke_task_id: string | null;
  revoke_run: number;
  revoke_claimed_by: string | null;
  revoke_claimed_until: Timestamp | null;
  failure: string | null;
  birthright_group_ref: string | null;
  review_reason: string | null;
  review_flagged_at: Timestamp | null;
};

type DepartureRow = {
  id: string;
  user_ref: string;
  detected_at: Timestamp;
  reason: Departure['reason'];
  revoked_grants: string;
  cancelled_requests: string;
};

type SwapRow = {
  id: string;
  from_offering_ref: string;
  to_offering_ref: string;
  actor_ref: string;
  state: Swap['state'];
  total: number;
  created_at: Timestamp;
  finished_at: Timestamp | null;
};

type SwapItemRow = {
  swap_id: string;
  grant_id: string;
  holder_ref: string;
  state: SwapItem['state'];
  request_id: string | null;
  failure: string | null;
};

/**
 * A grant row with its request's sequence, for the tracking number, and its
 * open extension request, if any.
 */
type JoinedRow = GrantRow & {
  sequence: number;
  extension_id: string | null;
  extension_sequence: number | null;
};

/**
 * What a request remembers of its offering's `grant` settings.
 *
 * @internal
 */
export type GrantSpec = {
  duration?: string;
  revokeTemplateRef?: string;
  birthrightGroupRef?: string;
};

/**
 * The fields of a request a grant is made from.
 *
 * @internal
 */
export type GrantedRequestRow = {
  id: string;
  requester_ref: string;
  offering_ref: string;
  offering_title: string;
  offering_owner_ref: string;
  target_ref: string | null;
  grant_spec: string | null;
};

/**
 * Records the grant of a request that was just fulfilled, inside the
 * transaction that moved it to DONE, so that access is never given without
 * a record of it. One-off services leave no grant.
 *
 * @internal
 */
export async function insertGrantFor(
  tx: Knex.Transaction,
  request: GrantedRequestRow,
  now: Date,
  options?: { expiresAt?: Date },
): Promise<string | undefined> {
  if (!request.grant_spec) {
    return undefined;
  }
  const spec: GrantSpec = JSON.parse(request.grant_spec);
  const duration = spec.duration ? Duration.fromISO(spec.duration) : undefined;
  const id = randomUUID();
  const defaultEnd =
    duration?.isValid && duration.toMillis() > 0
      ? new Date(now.getTime() + duration.toMillis())
      : null;
  await tx<GrantRow>('grants').insert({
    id,
    request_id: request.id,
    holder_ref: request.requester_ref,
    offering_ref: request.offering_ref,
    offering_title: request.offering_title,
    offering_owner_ref: request.offering_owner_ref,
    target_ref: request.target_ref,
    state: 'active',
    version: 1,
    granted_at: now,
    expires_at: options?.expiresAt ?? defaultEnd,
    revoke_template_ref: spec.revokeTemplateRef ?? null,
    birthright_group_ref: spec.birthrightGroupRef ?? null,
  });
  return id;
}

/**
 * The active grant a holder has on an offering, if any, read inside the
 * caller's transaction.
 *
 * @internal
 */
export async function findActiveGrant(
  tx: Knex.Transaction,
  options: { holderRef: string; offeringRef: string },
): Promise<string | undefined> {
  const row = await tx<GrantRow>('grants')
    .where({
      holder_ref: options.holderRef,
      offering_ref: options.offeringRef,
      state: 'active',
    })
    .orderBy('granted_at', 'desc')
    .first('id');
  return row?.id;
}

/**
 * Locks a grant its holder asks more time for, inside the transaction that
 * stores the extension request, and refuses one that cannot be extended:
 * someone else's, one that ended or never ends, or one that already has an
 * open extension request. The lock makes two concurrent asks one request.
 *
 * @internal
 */
export async function lockExtendableGrant(
  tx: Knex.Transaction,
  options: { grantId: string; holderRef: string },
): Promise<{ offeringRef: string }> {
  const query = tx<GrantRow>('grants').where('id', options.grantId);
  if (tx.client.config.client === 'pg') {
    query.forUpdate();
  }
  const row = await query.first();
  if (!row || row.holder_ref !== options.holderRef) {
    throw new NotFoundError(`No grant ${options.grantId}`);
  }
  if (row.state !== 'active') {
    throw new ConflictError(
      `${row.offering_title} of ${row.holder_ref} has ended; request it again instead`,
    );
  }
  if (!row.expires_at) {
    throw new ConflictError(
      `${row.offering_title} of ${row.holder_ref} does not expire`,
    );
  }
  const open = await tx('requests')
    .where('extends_grant_id', row.id)
    .whereIn('state', OPEN_EXTENSION_STATES)
    .first('sequence');
  if (open) {
    throw new ConflictError(
      `More time for ${
        row.offering_title
      } was already asked for in ${formatTrackingNumber(open.sequence)}`,
    );
  }
  return { offeringRef: row.offering_ref };
}

/**
 * Moves the end of an extended grant by the offering's duration, from its
 * current end or from now when that is sooner, inside the transaction that
 * completes the extension request. A grant that ended meanwhile is not
 * brought back: the caller fails the request with the message returned.
 *
 * @internal
 */
export async function extendGrantFor(
  tx: Knex.Transaction,
  request: { extends_grant_id: string; grant_spec: string | null },
  now: Date,
): Promise<{ expiresAt: Date } | { failure: string }> {
  const query = tx<GrantRow>('grants').where('id', request.extends_grant_id);
  if (tx.client.config.client === 'pg') {
    query.forUpdate();
  }
  const row = await query.first();
  if (!row || row.state !== 'active') {
    return { failure: 'The access ended before the extension was approved' };
  }
  const spec: GrantSpec = request.grant_spec
    ? JSON.parse(request.grant_spec)
    : {};
  const duration = spec.duration ? Duration.fromISO(spec.duration) : undefined;
  if (!duration?.isValid || duration.toMillis() <= 0) {
    return { failure: 'The offering no longer limits how long access lasts' };
  }
  const currentEnd = row.expires_at
    ? new Date(toIso(row.expires_at)).getTime()
    : now.getTime();
  const from = Math.max(now.getTime(), currentEnd);
  const expiresAt = new Date(from + duration.toMillis());
  await tx<GrantRow>('grants')
    .where({ id: row.id })
    .update({
      expires_at: expiresAt,
      // The new end deserves its own reminder.
      reminded_at: null,
      version: row.version + 1,
    });
  return { expiresAt };
}

class StaleGrantError extends Error {}

/**
 * The {@link GrantStore} on the plugin's database: SQLite or PostgreSQL.
 *
 * @internal
 */
export class DatabaseGrantStore implements GrantStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseGrantStore> {
    // The request store runs the migrations both stores share.
    return new DatabaseGrantStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async getGrant(id: string): Promise<Grant | undefined> {
    const [row] = await this.select(this.db).where('g.id', id);
    return row ? toGrant(row) : undefined;
  }

  async listGrants(query: {
    holderRef?: string;
    offeringRefs?: string[];
    states?: Grant['state'][];
  }): Promise<Grant[]> {
    const rows = await this.select(this.db)
      .modify(builder => {
        if (query.holderRef) {
          builder.where('g.holder_ref', query.holderRef);
        }
        if (query.offeringRefs) {
          builder.whereIn('g.offering_ref', query.offeringRefs);
        }
        if (query.states) {
          builder.whereIn('g.state', query.states);
        }
      })
      .orderBy('g.granted_at', 'desc')
      .orderBy('g.id', 'asc');
    return rows.map(toGrant);
  }

  async revokeGrant(options: {
    grantId: string;
    reason: GrantEndReason;
    actorRef: string;
  }): Promise<Grant> {
    await this.change(options.grantId, async (row, now) => {
      const failedRevocation = row.state === 'revoking' && row.failure !== null;
      if (row.state !== 'active' && !failedRevocation) {
        throw new ConflictError(
          row.state === 'ended'
            ? `${row.offering_title} of ${row.holder_ref} has already ended`
            : `${row.offering_title} of ${row.holder_ref} is being revoked`,
        );
      }
      if (failedRevocation) {
        // Try the revoke template again, as a new run with its own task.
        return {
          failure: null,
          revoke_task_id: null,
          revoke_claimed_by: null,
          revoke_claimed_until: null,
          revoke_run: row.revoke_run + 1,
        };
      }
      return endingChanges(row, options.reason, options.actorRef, now);
    });
    return (await this.getGrant(options.grantId))!;
  }

  async expireDue(options: { now: Date }): Promise<Grant[]> {
    const due = await this.db<GrantRow>('grants')
      .where('state', 'active')
      .whereNotNull('expires_at')
      .where('expires_at', '<=', options.now)
      .select('id');
    const expired: Grant[] = [];
    for (const { id } of due) {
      try {
        await this.change(id, async (row, now) => {
          if (row.state !== 'active') {
            throw new StaleGrantError();
          }
          return endingChanges(row, 'expired', SYSTEM_ACTOR_REF, now);
        });
        expired.push((await this.getGrant(id))!);
      } catch (error) {
        // Revoked or given up in the meantime: nothing to expire.
        if (!(error instanceof StaleGrantError)) {
          throw error;
        }
      }
    }
    return expired;
  }

  async claimReminders(options: {
    now: Date;
    withinMs: number;
  }): Promise<Grant[]> {
    const horizon = new Date(options.now.getTime() + options.withinMs);
    const ids = await this.db.transaction(async tx => {
      const rows = await tx<GrantRow>('grants')
        .where('state', 'active')
        .whereNull('reminded_at')
        .whereNotNull('expires_at')
        .where('expires_at', '<=', horizon)
        .select('id', 'version');
      const claimed: string[] = [];
      for (const row of rows) {
        // Compare and set: two replicas never remind the same holder twice.
        const updated = await tx<GrantRow>('grants')
          .where({ id: row.id, version: row.version })
          .update({ reminded_at: options.now, version: row.version + 1 });
        if (updated === 1) {
          claimed.push(row.id);
        }
      }
      return claimed;
    });
    const rows = ids.length
      ? await this.select(this.db).whereIn('g.id', ids)
      : [];
    return rows.map(toGrant);
  }

  async claimRevocations(options: {
    worker: string;
    leaseMs: number;
    limit: number;
    excludeIds?: string[];
  }): Promise<RevocationClaim[]> {
    const now = new Date();
    const claimed = await this.db.transaction(async tx => {
      const query = tx<GrantRow>('grants')
        .where('state', 'revoking')
        .whereNull('revoke_task_id')
        .whereNull('failure')
        .whereNotNull('revoke_template_ref')
        .whereNotIn('id', options.excludeIds ?? [])
        .where(builder =>
          builder
            .whereNull('revoke_claimed_until')
            .orWhere('revoke_claimed_until', '<', now),
        )
        .orderBy('id', 'asc')
        .limit(options.limit);
      if (this.db.client.config.client === 'pg') {
        query.forUpdate().skipLocked();
      }
      const rows = await query;
      const result: Array<{ id: string; run: number }> = [];
      for (const row of rows) {
        const updated = await tx<GrantRow>('grants')
          .where({ id: row.id, version: row.version })
          .update({
            revoke_claimed_by: options.worker,
            revoke_claimed_until: new Date(now.getTime() + options.leaseMs),
            version: row.version + 1,
          });
        if (updated === 1) {
          result.push({ id: row.id, run: row.revoke_run });
        }
      }
      return result;
    });
    const claims: RevocationClaim[] = [];
    for (const { id, run } of claimed) {
      const [row] = await this.select(this.db).where('g.id', id);
      claims.push({
        grant: toGrant(row),
        revokeTemplateRef: row.revoke_template_ref!,
        run,
      });
    }
    return claims;
  }

  async releaseRevocationClaim(options: {
    grantId: string;
    worker: string;
    retryAfterMs: number;
  }): Promise<void> {
    // Only the claim's holder, only ever shorter, and without a version
    // bump: nothing about the grant changed.
    const until = new Date(Date.now() + options.retryAfterMs);
    await this.db<GrantRow>('grants')
      .where({ id: options.grantId, revoke_claimed_by: options.worker })
      .whereNull('revoke_task_id')
      .where('revoke_claimed_until', '>', until)
      .update({ revoke_claimed_until: until });
  }

  async recordRevokeTask(options: {
    grantId: string;
    worker: string;
    taskId: string;
  }): Promise<Grant> {
    await this.change(options.grantId, async row => {
      if (
        row.revoke_claimed_by !== options.worker ||
        row.revoke_task_id !== null
      ) {
        throw new ConflictError(
          `The revocation of grant ${row.id} is no longer claimed by ${options.worker}`,
        );
      }
      return { revoke_task_id: options.taskId };
    });
    return (await this.getGrant(options.grantId))!;
  }

  async listRevoking(options: { limit: number }): Promise<Grant[]> {
    const rows = await this.select(this.db)
      .where('g.state', 'revoking')
      .whereNotNull('g.revoke_task_id')
      .whereNull('g.failure')
      .limit(options.limit);
    return rows.map(toGrant);
  }

  async finishRevocation(options: { grantId: string }): Promise<Grant> {
    await this.change(options.grantId, async (row, now) => {
      if (row.state !== 'revoking') {
        throw new ConflictError(`Grant ${row.id} is not being revoked`);
      }
      return { state: 'ended', ended_at: now };
    });
    return (await this.getGrant(options.grantId))!;
  }

  async failRevocation(options: {
    grantId: string;
    failure: RequestFailure;
  }): Promise<Grant> {
    await this.change(options.grantId, async row => {
      if (row.state !== 'revoking') {
        throw new ConflictError(`Grant ${row.id} is not being revoked`);
      }
      return { failure: JSON.stringify(options.failure) };
    });
    return (await this.getGrant(options.grantId))!;
  }

  async setReview(options: {
    grantId: string;
    reason: string | null;
  }): Promise<boolean> {
    let changed = false;
    await this.change(options.grantId, async (row, now) => {
      changed = row.review_reason !== options.reason;
      return changed
        ? {
            review_reason: options.reason,
            review_flagged_at: options.reason ? now : null,
          }
        : {};
    });
    return changed;
  }

  async recordDeparture(departure: Omit<Departure, 'id'>): Promise<Departure> {
    const id = randomUUID();
    await this.db<DepartureRow>('departures').insert({
      id,
      user_ref: departure.userRef,
      detected_at: new Date(departure.detectedAt),
      reason: departure.reason,
      revoked_grants: JSON.stringify(departure.revokedGrants),
      cancelled_requests: JSON.stringify(departure.cancelledRequests),
    });
    return { id, ...departure };
  }

  async listDepartures(options: { limit: number }): Promise<Departure[]> {
    const rows = await this.db<DepartureRow>('departures')
      .orderBy('detected_at', 'desc')
      .orderBy('id', 'asc')
      .limit(options.limit);
    return rows.map(row => ({
      id: row.id,
      userRef: row.user_ref,
      detectedAt: toIso(row.detected_at),
      reason: row.reason,
      revokedGrants: JSON.parse(row.revoked_grants),
      cancelledRequests: JSON.parse(row.cancelled_requests),
    }));
  }

  async createSwap(options: {
    fromOfferingRef: string;
    toOfferingRef: string;
    actorRef: string;
  }): Promise<Swap> {
    const id = randomUUID();
    await this.db.transaction(async tx => {
      // The holders at this moment; who gets the old offering later is not
      // part of the swap.
      const holders = await tx<GrantRow>('grants')
        .where({ offering_ref: options.fromOfferingRef, state: 'active' })
        .select('id', 'holder_ref');
      await tx<SwapRow>('swaps').insert({
        id,
        from_offering_ref: options.fromOfferingRef,
        to_offering_ref: options.toOfferingRef,
        actor_ref: options.actorRef,
        state: holders.length ? 'running' : 'done',
        total: holders.length,
        created_at: new Date(),
        finished_at: holders.length ? null : new Date(),
      });
      // Batches keep each insert within every database's parameter limit.
      for (let i = 0; i < holders.length; i += 100) {
        await tx<SwapItemRow>('swap_items').insert(
          holders.slice(i, i + 100).map(holder => ({
            swap_id: id,
            grant_id: holder.id,
            holder_ref: holder.holder_ref,
            state: 'waiting',
          })),
        );
      }
    });
    return (await this.getSwap(id))!;
  }

  async getSwap(id: string): Promise<Swap | undefined> {
    const row = await this.db<SwapRow>('swaps').where({ id }).first();
    if (!row) {
      return undefined;
    }
    const counts = await this.db<SwapItemRow>('swap_items')
      .where({ swap_id: id })
      .groupBy('state')
      .select('state')
      .count<Array<{ state: SwapItem['state']; count: number | string }>>({
        count: '*',
      });
    const count = (state: SwapItem['state']) =>
      Number(counts.find(c => c.state === state)?.count ?? 0);
    return toSwap(row, { moved: count('moved'), failed: count('failed') });
  }

  async listWaitingSwapItems(options: {
    limit: number;
  }): Promise<Array<SwapItem & { swap: Swap }>> {
    const rows = await this.db<SwapItemRow & SwapRow>('swap_items as i')
      .join('swaps as s', 's.id', 'i.swap_id')
      .where('i.state', 'waiting')
      .orderBy('s.created_at', 'asc')
      .orderBy('i.grant_id', 'asc')
      .limit(options.limit)
      .select('i.*', 's.from_offering_ref', 's.to_offering_ref', 's.actor_ref');
    const swaps = new Map<string, Swap>();
    const items: Array<SwapItem & { swap: Swap }> = [];
    for (const row of rows) {
      if (!swaps.has(row.swap_id)) {
        swaps.set(row.swap_id, (await this.getSwap(row.swap_id))!);
      }
      items.push({
        swapId: row.swap_id,
        grantId: row.grant_id,
        holderRef: row.holder_ref,
        state: row.state,
        swap: swaps.get(row.swap_id)!,
      });
    }
    return items;
  }

  async finishSwapItem(options: {
    swapId: string;
    grantId: string;
    state: 'moved' | 'failed';
    requestId?: string;
    failure?: string;
  }): Promise<void> {
    await this.db.transaction(async tx => {
      await tx<SwapItemRow>('swap_items')
        .where({
          swap_id: options.swapId,
          grant_id: options.grantId,
          state: 'waiting',
        })
        .update({
          state: options.state,
          request_id: options.requestId ?? null,
          failure: options.failure ?? null,
        });
      const waiting = await tx<SwapItemRow>('swap_items')
        .where({ swap_id: options.swapId, state: 'waiting' })
        .first('grant_id');
      if (!waiting) {
        await tx<SwapRow>('swaps')
          .where({ id: options.swapId, state: 'running' })
          .update({ state: 'done', finished_at: new Date() });
      }
    });
  }

  private select(db: Knex | Knex.Transaction) {
    return db<JoinedRow>('grants as g')
      .join('requests as r', 'r.id', 'g.request_id')
      .leftJoin('requests as x', builder =>
        builder
          .on('x.extends_grant_id', 'g.id')
          .onIn('x.state', [...OPEN_EXTENSION_STATES]),
      )
      .select(
        'g.*',
        'r.sequence',
        'x.id as extension_id',
        'x.sequence as extension_sequence',
      );
  }

  /**
   * Changes one grant in a transaction that compares and sets its version;
   * the loser of a race is told to reload.
   */
  private async change(
    grantId: string,
    decide: (row: GrantRow, now: Date) => Promise<Partial<GrantRow>>,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const query = tx<GrantRow>('grants').where('id', grantId);
      if (this.db.client.config.client === 'pg') {
        query.forUpdate();
      }
      const row = await query.first();
      if (!row) {
        throw new NotFoundError(`No grant ${grantId}`);
      }
      const now = new Date();
      const changes = await decide(row, now);
      const updated = await tx<GrantRow>('grants')
        .where({ id: row.id, version: row.version })
        .update({ ...changes, version: row.version + 1 });
      if (updated !== 1) {
        throw new ConflictError(
          `Grant ${grantId} changed; reload and try again`,
        );
      }
    });
  }
}

/** Without a revoke template access ends at once; with one, when it ran. */
function endingChanges(
  row: GrantRow,
  reason: GrantEndReason,
  actorRef: string,
  now: Date,
): Partial<GrantRow> {
  return {
    state: row.revoke_template_ref ? 'revoking' : 'ended',
    end_reason: reason,
    ended_by_ref: actorRef,
    ended_at: row.revoke_template_ref ? null : now,
  };
}

function toGrant(row: JoinedRow): Grant {
  return {
    id: row.id,
    holderRef: row.holder_ref,
    offeringRef: row.offering_ref,
    offeringTitle: row.offering_title,
    offeringOwnerRef: row.offering_owner_ref,
    ...(row.target_ref ? { targetRef: row.target_ref } : {}),
    requestId: row.request_id,
    trackingNumber: formatTrackingNumber(row.sequence),
    state: row.state,
    grantedAt: toIso(row.granted_at),
    ...(row.expires_at ? { expiresAt: toIso(row.expires_at) } : {}),
    ...(row.ended_at ? { endedAt: toIso(row.ended_at) } : {}),
    ...(row.end_reason ? { endReason: row.end_reason } : {}),
    ...(row.ended_by_ref ? { endedByRef: row.ended_by_ref } : {}),
    ...(row.revoke_task_id ? { revokeTaskId: row.revoke_task_id } : {}),
    ...(row.failure ? { failure: JSON.parse(row.failure) } : {}),
    ...(row.extension_id && row.extension_sequence !== null
      ? {
          pendingExtension: {
            requestId: row.extension_id,
            trackingNumber: formatTrackingNumber(row.extension_sequence),
          },
        }
      : {}),
    ...(row.birthright_group_ref
      ? { birthrightGroupRef: row.birthright_group_ref }
      : {}),
    ...(row.review_reason && row.review_flagged_at
      ? {
          review: {
            reason: row.review_reason,
            flaggedAt: toIso(row.review_flagged_at),
          },
        }
      : {}),
  };
}

function toSwap(row: SwapRow, counts: { moved: number; failed: number }): Swap {
  return {
    id: row.id,
    fromOfferingRef: row.from_offering_ref,
    toOfferingRef: row.to_offering_ref,
    actorRef: row.actor_ref,
    state: row.state,
    total: row.total,
    moved: counts.moved,
    failed: counts.failed,
    createdAt: toIso(row.created_at),
    ...(row.finished_at ? { finishedAt: toIso(row.finished_at) } : {}),
  };
}
