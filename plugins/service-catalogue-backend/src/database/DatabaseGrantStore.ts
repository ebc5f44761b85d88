import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Grant,
  GrantEndReason,
  RequestFailure,
  OPEN_EXTENSION_STATES,
  formatTrackingNumber,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  GrantStore,
  LockedGrant,
  NewGrant,
  RevocationClaim,
} from './GrantStore';
import { StoreTransaction } from './RequestStore';
import {
  compareAndSet,
  forUpdate,
  setIfUnchanged,
  skipLocked,
} from './transactions';
import { GrantRow } from './tables';
import { toIso } from './timestamps';
import { SYSTEM_ACTOR_REF } from '../systemActor';

/**
 * A grant row with its request's sequence, for the tracking number, and its
 * open extension request, if any.
 */
type JoinedRow = GrantRow & {
  sequence: number;
  extension_id: string | null;
  extension_sequence: number | null;
  review_campaign_id: string | null;
};

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
    return new DatabaseGrantStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async insertGrant(tx: StoreTransaction, grant: NewGrant): Promise<string> {
    const id = randomUUID();
    await tx<GrantRow>('grants').insert({
      id,
      request_id: grant.requestId,
      holder_ref: grant.holderRef,
      offering_ref: grant.offeringRef,
      offering_title: grant.offeringTitle,
      offering_owner_ref: grant.offeringOwnerRef,
      target_ref: grant.targetRef ?? null,
      state: 'active',
      version: 1,
      granted_at: grant.grantedAt,
      expires_at: grant.expiresAt ?? null,
      revoke_template_ref: grant.revokeTemplateRef ?? null,
      birthright_group_ref: grant.birthrightGroupRef ?? null,
    });
    return id;
  }

  async findActiveGrant(
    tx: StoreTransaction,
    options: { holderRef: string; offeringRef: string },
  ): Promise<Grant | undefined> {
    const [row] = await this.select(tx)
      .where({
        'g.holder_ref': options.holderRef,
        'g.offering_ref': options.offeringRef,
        'g.state': 'active',
      })
      .orderBy('g.granted_at', 'desc')
      .limit(1);
    return row ? toGrant(row) : undefined;
  }

  async lockGrant(
    tx: StoreTransaction,
    grantId: string,
  ): Promise<LockedGrant | undefined> {
    const row = await forUpdate(
      tx,
      tx<GrantRow>('grants').where('id', grantId),
    ).first();
    if (!row) {
      return undefined;
    }
    const [joined] = await this.select(tx).where('g.id', grantId);
    return { ...toGrant(joined), version: row.version };
  }

  async setExpiry(
    tx: StoreTransaction,
    grant: { id: string; version: number },
    expiresAt: Date,
  ): Promise<void> {
    await compareAndSet<GrantRow>(tx, 'grants', grant, {
      expires_at: expiresAt,
      // The new end deserves its own reminder.
      reminded_at: null,
    });
  }

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
    await this.db.transaction(tx => this.revokeGrantIn(tx, options));
    return (await this.getGrant(options.grantId))!;
  }

  async revokeGrantIn(
    tx: StoreTransaction,
    options: {
      grantId: string;
      reason: GrantEndReason;
      actorRef: string;
      reviewLineId?: string;
    },
  ): Promise<void> {
    await this.changeIn(tx, options.grantId, async (row, now) => {
      const failedRevocation = row.state === 'revoking' && row.failure !== null;
      if (row.state !== 'active' && !failedRevocation) {
        throw new ConflictError(
          row.state === 'ended'
            ? `${row.offering_title} of ${row.holder_ref} has already ended`
            : `${row.offering_title} of ${row.holder_ref} is being revoked`,
        );
      }
      const review = options.reviewLineId
        ? { ended_by_review_line_id: options.reviewLineId }
        : {};
      if (failedRevocation) {
        // Try the revoke template again, as a new run with its own task.
        // A review that decides it now is why it ends, whoever started it.
        return {
          ...(options.reviewLineId
            ? { end_reason: options.reason, ended_by_ref: options.actorRef }
            : {}),
          failure: null,
          revoke_task_id: null,
          revoke_claimed_by: null,
          revoke_claimed_until: null,
          revoke_run: row.revoke_run + 1,
          ...review,
        };
      }
      return {
        ...endingChanges(row, options.reason, options.actorRef, now),
        ...review,
      };
    });
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
          if (
            row.state !== 'active' ||
            !row.expires_at ||
            new Date(toIso(row.expires_at)) > options.now
          ) {
            throw new StaleGrantError();
          }
          return endingChanges(row, 'expired', SYSTEM_ACTOR_REF, now);
        });
        expired.push((await this.getGrant(id))!);
      } catch (error) {
        // Revoked, given up or extended in the meantime: nothing to expire.
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
        // Two replicas never remind the same holder twice.
        if (
          await setIfUnchanged<GrantRow>(tx, 'grants', row, {
            reminded_at: options.now,
          })
        ) {
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
    now?: Date;
  }): Promise<RevocationClaim[]> {
    const now = options.now ?? new Date();
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
      const rows = await skipLocked(tx, query);
      const result: Array<{ id: string; run: number }> = [];
      for (const row of rows) {
        if (
          await setIfUnchanged<GrantRow>(tx, 'grants', row, {
            revoke_claimed_by: options.worker,
            revoke_claimed_until: new Date(now.getTime() + options.leaseMs),
          })
        ) {
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
    now?: Date;
  }): Promise<void> {
    // Only the claim's holder, only ever shorter, and without a version
    // bump: nothing about the grant changed.
    const now = options.now ?? new Date();
    const until = new Date(now.getTime() + options.retryAfterMs);
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

  private select(db: Knex | Knex.Transaction) {
    return db<JoinedRow>('grants as g')
      .join('requests as r', 'r.id', 'g.request_id')
      .leftJoin('requests as x', builder =>
        builder
          .on('x.extends_grant_id', 'g.id')
          .onIn('x.state', [...OPEN_EXTENSION_STATES]),
      )
      .leftJoin('review_lines as rl', 'rl.id', 'g.ended_by_review_line_id')
      .select(
        'g.*',
        'r.sequence',
        'x.id as extension_id',
        'x.sequence as extension_sequence',
        'rl.campaign_id as review_campaign_id',
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
    await this.db.transaction(tx => this.changeIn(tx, grantId, decide));
  }

  private async changeIn(
    tx: StoreTransaction,
    grantId: string,
    decide: (row: GrantRow, now: Date) => Promise<Partial<GrantRow>>,
  ): Promise<void> {
    const row = await forUpdate(
      tx,
      tx<GrantRow>('grants').where('id', grantId),
    ).first();
    if (!row) {
      throw new NotFoundError(`No grant ${grantId}`);
    }
    const now = new Date();
    const changes = await decide(row, now);
    if (!(await setIfUnchanged<GrantRow>(tx, 'grants', row, changes))) {
      throw new ConflictError(`Grant ${grantId} changed; reload and try again`);
    }
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
    ...(row.ended_by_review_line_id && row.review_campaign_id
      ? {
          endedByReview: {
            campaignId: row.review_campaign_id,
            lineId: row.ended_by_review_line_id,
          },
        }
      : {}),
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
