import { FULFILMENT_REQUEST_STATES } from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import { SYSTEM_ACTOR_REF } from '../../systemActor';
import { hydrateRequests } from '../requestRows';
import { FulfilmentClaim, RequestStore } from '../RequestStore';
import { RequestRow } from '../tables';
import { compareAndSet, inTransaction, skipLocked } from '../transactions';

/**
 * Claims automatic requests whose scaffolder task has not started, for one
 * worker: see {@link RequestStore.claimFulfilment}.
 *
 * @internal
 */
export async function claimFulfilment(
  db: Knex,
  store: Pick<RequestStore, 'appendEvent'>,
  options: Parameters<RequestStore['claimFulfilment']>[0],
): Promise<FulfilmentClaim[]> {
  const claims = await inTransaction(db, async tx => {
    const now = options.now ?? new Date();
    const query = tx<RequestRow>('requests')
      .where('fulfilment', 'automatic')
      .whereNull('scaffolder_task_id')
      .whereIn('state', FULFILMENT_REQUEST_STATES)
      .whereNotIn('id', options.excludeIds ?? [])
      .where(builder =>
        builder
          .whereNull('fulfilment_claimed_until')
          .orWhere('fulfilment_claimed_until', '<', now),
      )
      .orderBy('sequence', 'asc')
      .limit(options.limit);
    const rows = await skipLocked(tx, query);
    const claimed: Array<{ id: string; run: number }> = [];
    for (const row of rows) {
      const start =
        row.state === options.start.from ? options.start : undefined;
      await compareAndSet<RequestRow>(tx, 'requests', row, {
        state: start?.to ?? row.state,
        fulfilment_claimed_by: options.worker,
        fulfilment_claimed_at: now,
        fulfilment_claimed_until: new Date(now.getTime() + options.leaseMs),
        updated_at: now,
      });
      if (start) {
        await store.appendEvent(tx, {
          requestId: row.id,
          type: start.action,
          actorRef: SYSTEM_ACTOR_REF,
          fromState: start.from,
          toState: start.to,
          at: now,
        });
      }
      claimed.push({
        id: row.id,
        run: row.fulfilment_run,
      });
    }
    return { claimed, at: now };
  });
  const requests = await hydrateRequests(
    db,
    await db<RequestRow>('requests')
      .whereIn(
        'id',
        claims.claimed.map(c => c.id),
      )
      .orderBy('sequence', 'asc'),
  );
  return requests.map(request => {
    const { run } = claims.claimed.find(c => c.id === request.id)!;
    return { request, claimedAt: claims.at, run };
  });
}
