import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  Departure,
  Swap,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { SwapItem, SwapStore } from './SwapStore';
import { DepartureRow, GrantRow, SwapItemRow, SwapRow } from './tables';
import { toIso } from './timestamps';

/**
 * The {@link SwapStore} on the plugin's database: SQLite or PostgreSQL.
 *
 * @internal
 */
export class DatabaseSwapStore implements SwapStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseSwapStore> {
    return new DatabaseSwapStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

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
