import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  ReviewCampaign,
  ReviewEvent,
  ReviewLine,
  ReviewProgress,
  formatTrackingNumber,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { StoreTransaction } from './RequestStore';
import {
  CampaignKey,
  LineKey,
  LockedReviewCampaign,
  LockedReviewLine,
  NewReviewCampaign,
  ReviewPage,
  ReviewStore,
  SnapshotGrant,
} from './ReviewStore';
import {
  GrantRow,
  ReviewCampaignRow,
  ReviewEventRow,
  ReviewLineRow,
} from './tables';
import { toIso } from './timestamps';
import {
  compareAndSet,
  forUpdate,
  inTransaction,
  isPostgres,
  setIfUnchanged,
} from './transactions';

type LineWithCampaign = ReviewLineRow & {
  campaign_title: string;
  campaign_deadline_at: ReviewCampaignRow['deadline_at'];
  campaign_state: ReviewCampaignRow['state'];
  grant_state?: GrantRow['state'] | null;
};

const INSERT_BATCH = 200;

/**
 * The {@link ReviewStore} on the plugin's database: SQLite or PostgreSQL.
 *
 * @internal
 */
export class DatabaseReviewStore implements ReviewStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseReviewStore> {
    return new DatabaseReviewStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.db, fn);
  }

  async activeGrants(
    tx: StoreTransaction,
    offeringRefs: string[],
  ): Promise<SnapshotGrant[]> {
    if (offeringRefs.length === 0) {
      return [];
    }
    // Access the desk recorded is a request completed at once, whose
    // completing history event says so (`POST /grants`).
    const recorded = tx('request_events as e')
      .whereRaw('e.request_id = g.request_id')
      .where('e.type', 'complete')
      .where('e.data', 'like', '%"recorded":true%')
      .select(tx.raw('1'));
    const rows: Array<
      GrantRow & { sequence: number; recorded: boolean | number }
    > = await tx('grants as g')
      .join('requests as r', 'r.id', 'g.request_id')
      .whereIn('g.offering_ref', offeringRefs)
      .where('g.state', 'active')
      .orderBy('g.offering_ref')
      .orderBy('g.holder_ref')
      .orderBy('g.id')
      .select('g.*', 'r.sequence', tx.raw('exists ? as recorded', [recorded]));
    return rows.map(row => ({
      grantId: row.id,
      holderRef: row.holder_ref,
      offeringRef: row.offering_ref,
      offeringTitle: row.offering_title,
      offeringOwnerRef: row.offering_owner_ref,
      ...(row.target_ref ? { targetRef: row.target_ref } : {}),
      grantedAt: toIso(row.granted_at),
      trackingNumber: formatTrackingNumber(row.sequence),
      ...(row.birthright_group_ref
        ? { birthrightGroupRef: row.birthright_group_ref }
        : {}),
      recorded: Boolean(row.recorded),
    }));
  }

  async oldestActiveGrant(offeringRef: string): Promise<Date | undefined> {
    const row = await this.db<GrantRow>('grants')
      .where({ offering_ref: offeringRef, state: 'active' })
      .min({ oldest: 'granted_at' })
      .first();
    return row?.oldest ? new Date(toIso(row.oldest)) : undefined;
  }

  async lastScheduled(
    tx: StoreTransaction | undefined,
    offeringRef: string,
  ): Promise<{ scheduleKey: string; openedAt: Date } | undefined> {
    const row = await (tx ?? this.db)<ReviewCampaignRow>('review_campaigns')
      .where({
        scope_kind: 'offering',
        scope_ref: offeringRef,
        trigger: 'schedule',
      })
      .orderBy('opened_at', 'desc')
      .first('schedule_key', 'opened_at');
    return row?.schedule_key
      ? {
          scheduleKey: row.schedule_key,
          openedAt: new Date(toIso(row.opened_at)),
        }
      : undefined;
  }

  async openCampaignsOver(
    tx: StoreTransaction | undefined,
    offeringRefs: string[],
  ): Promise<Map<string, { id: string; title: string }>> {
    if (offeringRefs.length === 0) {
      return new Map();
    }
    const rows: Array<{ offering_ref: string; id: string; title: string }> =
      await (tx ?? this.db)('review_campaign_offerings as o')
        .join('review_campaigns as c', 'c.id', 'o.campaign_id')
        .whereIn('o.offering_ref', offeringRefs)
        .whereRaw('o.open = true')
        .select('o.offering_ref', 'c.id', 'c.title');
    return new Map(
      rows.map(r => [r.offering_ref, { id: r.id, title: r.title }]),
    );
  }

  async insertCampaign(
    tx: StoreTransaction,
    campaign: NewReviewCampaign,
    message: string,
  ): Promise<string> {
    const id = randomUUID();
    await tx<ReviewCampaignRow>('review_campaigns').insert({
      id,
      title: campaign.title,
      scope_kind: campaign.scope.kind,
      scope_ref:
        campaign.scope.kind === 'offering'
          ? campaign.scope.offeringRef
          : campaign.scope.ownerRef,
      trigger: campaign.trigger,
      schedule_key: campaign.scheduleKey ?? null,
      opened_by_ref: campaign.openedByRef,
      opened_at: campaign.openedAt,
      deadline_at: campaign.deadlineAt,
      state: 'open',
      owner_refs: JSON.stringify(campaign.ownerRefs),
      version: 1,
    });
    await tx('review_campaign_owners').insert(
      campaign.ownerRefs.map(ownerRef => ({
        campaign_id: id,
        owner_ref: ownerRef,
      })),
    );
    for (let i = 0; i < campaign.offeringRefs.length; i += INSERT_BATCH) {
      await tx('review_campaign_offerings').insert(
        campaign.offeringRefs.slice(i, i + INSERT_BATCH).map(offeringRef => ({
          campaign_id: id,
          offering_ref: offeringRef,
          open: true,
        })),
      );
    }
    const lines = campaign.lines.map(line => ({ id: randomUUID(), line }));
    for (let start = 0; start < lines.length; start += INSERT_BATCH) {
      const batch = lines.slice(start, start + INSERT_BATCH);
      await tx<ReviewLineRow>('review_lines').insert(
        batch.map(({ id: lineId, line }) => ({
          id: lineId,
          campaign_id: id,
          grant_id: line.grant.grantId,
          holder_ref: line.grant.holderRef,
          offering_ref: line.grant.offeringRef,
          offering_title: line.grant.offeringTitle,
          offering_owner_ref: line.grant.offeringOwnerRef,
          target_ref: line.grant.targetRef ?? null,
          granted_at: new Date(line.grant.grantedAt),
          origin: line.origin,
          tracking_number: line.grant.trackingNumber,
          on_undecided: line.onUndecided,
          deadline_at: campaign.deadlineAt,
          automatic: false,
          no_reviewer: line.reviewerRefs.length === 0,
          version: 1,
        })),
      );
      const reviewers = batch.flatMap(({ id: lineId, line }) =>
        line.reviewerRefs.map(reviewerRef => ({
          line_id: lineId,
          reviewer_ref: reviewerRef,
          deadline_at: campaign.deadlineAt,
        })),
      );
      for (let r = 0; r < reviewers.length; r += INSERT_BATCH) {
        await tx('review_line_reviewers').insert(
          reviewers.slice(r, r + INSERT_BATCH),
        );
      }
    }
    await this.addEvent(tx, id, {
      type: 'opened',
      at: campaign.openedAt.toISOString(),
      actorRef: campaign.openedByRef,
      message,
    });
    return id;
  }

  async getCampaign(id: string): Promise<ReviewCampaign | undefined> {
    const row = await this.db<ReviewCampaignRow>('review_campaigns')
      .where('id', id)
      .first();
    if (!row) {
      return undefined;
    }
    const progress = await this.progressOf(this.db, [id]);
    return toCampaign(row, progress.get(id));
  }

  async listCampaigns(query: {
    ownerRefs?: string[];
    state?: ReviewCampaign['state'];
    after?: CampaignKey;
    limit: number;
  }): Promise<ReviewPage<ReviewCampaign, CampaignKey>> {
    const rows: ReviewCampaignRow[] = await this.db<ReviewCampaignRow>(
      'review_campaigns as c',
    )
      .modify(builder => {
        if (query.ownerRefs) {
          builder.whereIn(
            'c.id',
            this.db('review_campaign_owners')
              .whereIn('owner_ref', query.ownerRefs)
              .select('campaign_id'),
          );
        }
        if (query.state) {
          builder.where('c.state', query.state);
        }
        if (query.after) {
          const openedAt = new Date(query.after.openedAt);
          const id = query.after.id;
          builder.where(b =>
            b
              .where('c.opened_at', '<', openedAt)
              .orWhere(b2 =>
                b2.where('c.opened_at', '=', openedAt).where('c.id', '<', id),
              ),
          );
        }
      })
      .orderBy('c.opened_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(query.limit + 1)
      .select('c.*');
    const page = rows.slice(0, query.limit);
    const progress = await this.progressOf(
      this.db,
      page.map(r => r.id),
    );
    const last = page[page.length - 1];
    return {
      items: page.map(row => toCampaign(row, progress.get(row.id))),
      ...(rows.length > query.limit
        ? { next: { openedAt: toIso(last.opened_at), id: last.id } }
        : {}),
    };
  }

  async listCampaignLines(campaignId: string): Promise<ReviewLine[]> {
    const rows = await this.selectLines(this.db)
      .leftJoin('grants as g', 'g.id', 'l.grant_id')
      .select('g.state as grant_state')
      .where('l.campaign_id', campaignId)
      .orderBy('l.offering_ref')
      .orderBy('l.holder_ref')
      .orderBy('l.id');
    // A campaign can have more lines than a statement can bind ids: its
    // reviewers are read by campaign instead.
    return this.withReviewers(this.db, rows, campaignId);
  }

  async listDecidableLines(query: {
    now: Date;
    reviewerRefs: string[];
    unreviewed: boolean;
    notHolderRef: string;
    campaignId?: string;
    offeringRef?: string;
    targetRef?: string;
    holder?: string;
    after?: LineKey;
    limit: number;
  }): Promise<ReviewPage<ReviewLine, LineKey>> {
    const after = query.after && {
      deadlineAt: new Date(query.after.deadlineAt),
      id: query.after.id,
    };
    const rows = await this.selectLines(this.db)
      .where(builder => {
        // Both conditions read as their partial indexes' predicates, so
        // that the database reads only undecided lines, from the cursor on.
        builder.whereIn(
          'l.id',
          this.db('review_line_reviewers')
            .whereIn('reviewer_ref', query.reviewerRefs)
            .whereRaw('waiting = true')
            .modify(b => {
              if (after) {
                b.where(afterKey('deadline_at', 'line_id', after));
              }
            })
            .select('line_id'),
        );
        if (query.unreviewed) {
          builder.orWhere(b =>
            b.whereRaw('l.no_reviewer = true').whereNull('l.decision'),
          );
        }
      })
      .whereNull('l.decision')
      .where('c.state', 'open')
      .where('c.deadline_at', '>', query.now)
      .whereNot('l.holder_ref', query.notHolderRef)
      .modify(builder => {
        if (query.campaignId) {
          builder.where('l.campaign_id', query.campaignId);
        }
        if (query.offeringRef) {
          builder.where('l.offering_ref', query.offeringRef);
        }
        if (query.targetRef) {
          builder.where('l.target_ref', query.targetRef);
        }
        if (query.holder) {
          builder.whereRaw("lower(l.holder_ref) like ? escape '\\'", [
            `%${escapeLike(query.holder.toLocaleLowerCase('en-US'))}%`,
          ]);
        }
        if (after) {
          builder.where(afterKey('l.deadline_at', 'l.id', after));
        }
      })
      .orderBy('l.deadline_at', 'asc')
      .orderBy('l.id', 'asc')
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: await this.withReviewers(this.db, page),
      ...(rows.length > query.limit
        ? { next: { deadlineAt: toIso(last.deadline_at), id: last.id } }
        : {}),
    };
  }

  async getLine(id: string): Promise<ReviewLine | undefined> {
    const [line] = await this.getLines([id]);
    return line;
  }

  async getLines(ids: string[]): Promise<ReviewLine[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await this.selectLines(this.db)
      .leftJoin('grants as g', 'g.id', 'l.grant_id')
      .select('g.state as grant_state')
      .whereIn('l.id', ids)
      .orderBy('l.id');
    return this.withReviewers(this.db, rows);
  }

  async lockLine(
    tx: StoreTransaction,
    lineId: string,
  ): Promise<LockedReviewLine | undefined> {
    const row = await forUpdate(
      tx,
      tx<ReviewLineRow>('review_lines').where('id', lineId),
    ).first();
    if (!row) {
      return undefined;
    }
    const rows = await this.selectLines(tx).where('l.id', lineId);
    const [line] = await this.withReviewers(tx, rows);
    return {
      ...line,
      version: row.version,
      campaignState: rows[0].campaign_state,
    };
  }

  async recordDecision(
    tx: StoreTransaction,
    line: { id: string; version: number },
    decision: {
      decision: ReviewLine['onUndecided'];
      decidedByRef: string;
      decidedForRef?: string;
      reason?: string;
      automatic: boolean;
      at: Date;
    },
  ): Promise<void> {
    await compareAndSet<ReviewLineRow>(tx, 'review_lines', line, {
      decision: decision.decision,
      decided_by_ref: decision.decidedByRef,
      decided_for_ref: decision.decidedForRef ?? null,
      decided_at: decision.at,
      automatic: decision.automatic,
      reason: decision.reason ?? null,
    });
    await tx('review_line_reviewers')
      .where('line_id', line.id)
      .update({ waiting: false });
  }

  async addEvent(
    tx: StoreTransaction,
    campaignId: string,
    event: ReviewEvent,
  ): Promise<void> {
    await tx('review_events').insert({
      campaign_id: campaignId,
      type: event.type,
      at: new Date(event.at),
      actor_ref: event.actorRef,
      line_id: event.lineId ?? null,
      message: event.message,
    });
  }

  async listEvents(campaignId: string): Promise<ReviewEvent[]> {
    const rows: ReviewEventRow[] = await this.db<ReviewEventRow>(
      'review_events',
    )
      .where('campaign_id', campaignId)
      .orderBy('id', 'asc');
    return rows.map(row => ({
      type: row.type,
      at: toIso(row.at),
      actorRef: row.actor_ref,
      ...(row.line_id ? { lineId: row.line_id } : {}),
      message: row.message,
    }));
  }

  async claimReminders(options: {
    now: Date;
    beforeMs: number;
  }): Promise<Array<{ campaign: ReviewCampaign; reviewerRefs: string[] }>> {
    const horizon = new Date(options.now.getTime() + options.beforeMs);
    const claimed = await this.db.transaction(async tx => {
      const rows = await tx<ReviewCampaignRow>('review_campaigns')
        .where('state', 'open')
        .whereNull('reminded_at')
        .where('deadline_at', '<=', horizon)
        .where('deadline_at', '>', options.now)
        .select('id', 'version');
      const ids: string[] = [];
      for (const row of rows) {
        // Two replicas never remind the same campaign's reviewers twice.
        if (
          await setIfUnchanged<ReviewCampaignRow>(tx, 'review_campaigns', row, {
            reminded_at: options.now,
          })
        ) {
          ids.push(row.id);
        }
      }
      return ids;
    });
    const result = [];
    for (const id of claimed) {
      const reviewerRefs: string[] = await this.db('review_line_reviewers as r')
        .join('review_lines as l', 'l.id', 'r.line_id')
        .where('l.campaign_id', id)
        .whereNull('l.decision')
        .distinct('r.reviewer_ref')
        .orderBy('r.reviewer_ref')
        .pluck('r.reviewer_ref');
      result.push({ campaign: (await this.getCampaign(id))!, reviewerRefs });
    }
    return result;
  }

  async listDue(now: Date): Promise<string[]> {
    return this.db<ReviewCampaignRow>('review_campaigns')
      .where('state', 'open')
      .where('deadline_at', '<=', now)
      .orderBy('deadline_at')
      .pluck('id');
  }

  async lockCampaign(
    tx: StoreTransaction,
    id: string,
  ): Promise<LockedReviewCampaign | undefined> {
    // Not FOR UPDATE: a reviewer's decision locks its line, then its event's
    // foreign key takes KEY SHARE on the campaign, which FOR UPDATE blocks;
    // closing, which locks the campaign and then its lines, would deadlock
    // with it. Closing changes no key, so NO KEY UPDATE is enough.
    const query = tx<ReviewCampaignRow>('review_campaigns').where('id', id);
    const row = await (isPostgres(tx) ? query.forNoKeyUpdate() : query).first();
    if (!row) {
      return undefined;
    }
    const progress = await this.progressOf(tx, [id]);
    return { ...toCampaign(row, progress.get(id)), version: row.version };
  }

  async lockUndecidedLines(
    tx: StoreTransaction,
    campaignId: string,
    limit: number,
  ): Promise<LockedReviewLine[]> {
    const versions = await forUpdate(
      tx,
      tx<ReviewLineRow>('review_lines')
        .where('campaign_id', campaignId)
        .whereNull('decision')
        .orderBy('id')
        .limit(limit),
    ).select('id', 'version');
    const byId = new Map(versions.map(v => [v.id, v.version]));
    const rows = await this.selectLines(tx)
      .whereIn('l.id', [...byId.keys()])
      .orderBy('l.id');
    return (await this.withReviewers(tx, rows)).map((line, i) => ({
      ...line,
      version: byId.get(line.id)!,
      campaignState: rows[i].campaign_state,
    }));
  }

  async countAutomatic(
    tx: StoreTransaction,
    campaignId: string,
  ): Promise<{ automatic: number; revoked: number }> {
    const rows: Array<{ decision: string; n: string | number }> = await tx(
      'review_lines',
    )
      .where('campaign_id', campaignId)
      .whereRaw('automatic = true')
      .groupBy('decision')
      .select('decision')
      .count({ n: '*' });
    return {
      automatic: rows.reduce((sum, r) => sum + Number(r.n), 0),
      revoked: Number(rows.find(r => r.decision === 'revoke')?.n ?? 0),
    };
  }

  async closeCampaign(
    tx: StoreTransaction,
    campaign: { id: string; version: number },
    at: Date,
  ): Promise<void> {
    await compareAndSet<ReviewCampaignRow>(tx, 'review_campaigns', campaign, {
      state: 'closed',
      closed_at: at,
    });
    await tx('review_campaign_offerings')
      .where('campaign_id', campaign.id)
      .update({ open: false });
  }

  private selectLines(db: Knex | Knex.Transaction) {
    return db<LineWithCampaign>('review_lines as l')
      .join('review_campaigns as c', 'c.id', 'l.campaign_id')
      .select(
        'l.*',
        'c.title as campaign_title',
        'c.deadline_at as campaign_deadline_at',
        'c.state as campaign_state',
      );
  }

  /** Rows of one page, or all the lines of `campaignId`. */
  private async withReviewers(
    db: Knex | Knex.Transaction,
    rows: LineWithCampaign[],
    campaignId?: string,
  ): Promise<ReviewLine[]> {
    const reviewers = new Map<string, string[]>();
    if (rows.length > 0) {
      const found: Array<{ line_id: string; reviewer_ref: string }> = await db(
        'review_line_reviewers as rr',
      )
        .modify(builder => {
          if (campaignId) {
            builder
              .join('review_lines as rl', 'rl.id', 'rr.line_id')
              .where('rl.campaign_id', campaignId);
          } else {
            builder.whereIn(
              'rr.line_id',
              rows.map(r => r.id),
            );
          }
        })
        .orderBy('rr.reviewer_ref')
        .select('rr.line_id', 'rr.reviewer_ref');
      for (const { line_id, reviewer_ref } of found) {
        reviewers.set(line_id, [
          ...(reviewers.get(line_id) ?? []),
          reviewer_ref,
        ]);
      }
    }
    return rows.map(row => toLine(row, reviewers.get(row.id) ?? []));
  }

  private async progressOf(
    db: Knex | Knex.Transaction,
    campaignIds: string[],
  ): Promise<Map<string, ReviewProgress>> {
    const progress = new Map<string, ReviewProgress>();
    if (campaignIds.length === 0) {
      return progress;
    }
    const rows: Array<{
      campaign_id: string;
      decision: string | null;
      count: string | number;
    }> = await db('review_lines')
      .whereIn('campaign_id', campaignIds)
      .groupBy('campaign_id', 'decision')
      .select('campaign_id', 'decision')
      .count({ count: '*' });
    for (const row of rows) {
      const p = progress.get(row.campaign_id) ?? {
        total: 0,
        kept: 0,
        revoked: 0,
        undecided: 0,
      };
      const n = Number(row.count);
      p.total += n;
      if (row.decision === 'keep') {
        p.kept += n;
      } else if (row.decision === 'revoke') {
        p.revoked += n;
      } else {
        p.undecided += n;
      }
      progress.set(row.campaign_id, p);
    }
    return progress;
  }
}

function toCampaign(
  row: ReviewCampaignRow,
  progress: ReviewProgress | undefined,
): ReviewCampaign {
  return {
    id: row.id,
    title: row.title,
    scope:
      row.scope_kind === 'offering'
        ? { kind: 'offering', offeringRef: row.scope_ref }
        : { kind: 'owner', ownerRef: row.scope_ref },
    trigger: row.trigger,
    openedByRef: row.opened_by_ref,
    openedAt: toIso(row.opened_at),
    deadlineAt: toIso(row.deadline_at),
    state: row.state,
    ...(row.closed_at ? { closedAt: toIso(row.closed_at) } : {}),
    ownerRefs: JSON.parse(row.owner_refs),
    progress: progress ?? { total: 0, kept: 0, revoked: 0, undecided: 0 },
  };
}

function toLine(row: LineWithCampaign, reviewerRefs: string[]): ReviewLine {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    campaignTitle: row.campaign_title,
    deadlineAt: toIso(row.campaign_deadline_at),
    grantId: row.grant_id,
    holderRef: row.holder_ref,
    offeringRef: row.offering_ref,
    offeringTitle: row.offering_title,
    offeringOwnerRef: row.offering_owner_ref,
    ...(row.target_ref ? { targetRef: row.target_ref } : {}),
    grantedAt: toIso(row.granted_at),
    origin: row.origin,
    trackingNumber: row.tracking_number,
    reviewerRefs,
    onUndecided: row.on_undecided,
    ...(row.decision ? { decision: row.decision } : {}),
    ...(row.decided_by_ref ? { decidedByRef: row.decided_by_ref } : {}),
    ...(row.decided_for_ref ? { decidedForRef: row.decided_for_ref } : {}),
    ...(row.decided_at ? { decidedAt: toIso(row.decided_at) } : {}),
    ...(row.decision ? { automatic: Boolean(row.automatic) } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.grant_state ? { grantState: row.grant_state } : {}),
  };
}

/** A holder filter is a substring, not a pattern. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, c => `\\${c}`);
}

/** Rows after `key` in the order (`first`, `second`). */
function afterKey(
  first: string,
  second: string,
  key: { deadlineAt: Date; id: string },
) {
  return (builder: Knex.QueryBuilder) =>
    builder
      .where(first, '>', key.deadlineAt)
      .orWhere(b =>
        b.where(first, '=', key.deadlineAt).where(second, '>', key.id),
      );
}
