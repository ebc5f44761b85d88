import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ApprovalDecision,
  ApprovalStageStatus,
  CommentVisibility,
  OPEN_EXTENSION_STATES,
  TERMINAL_REQUEST_STATES,
  RequestComment,
  RequestEvent,
  RequestState,
  ServiceRequest,
  formatTrackingNumber,
} from '@service-catalogue/plugin-service-catalogue-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { SYSTEM_ACTOR_REF } from '../systemActor';
import { NewSlaClock } from '../time/requestClock';
import { applyRequestFilter } from './requestFilter';
import { claimFulfilment } from './operations/claimFulfilment';
import {
  listAwaitingDecision,
  listDecidedBy,
} from './operations/listApprovals';
import { hydrateRequests, toComment, toEvent } from './requestRows';
import {
  FulfilmentClaim,
  ListRequestsQuery,
  LockedRequest,
  NewRequest,
  NewRequestEvent,
  RequestChanges,
  RequestPage,
  RequestStore,
  SlaAlarm,
  SlaMark,
  StageOnTheClock,
  StoreTransaction,
} from './RequestStore';
import {
  CommentRow,
  DecisionRow,
  EventRow,
  RequestRow,
  StageApproverRow,
  StageRow,
} from './tables';
import { toIso } from './timestamps';
import { compareAndSet, forUpdate, inTransaction } from './transactions';

/**
 * Past a due time of its SLA: one that ended late, or one still open past
 * its resolution due time, waiting for a first response past its due, or
 * answered after its response was due.
 */
function breachedNow(now: Date) {
  return (builder: Knex.QueryBuilder) =>
    builder.whereNotNull('sla_terms').where(inner =>
      inner.where('sla_met', false).orWhere(open =>
        open.whereNull('ended_at').where(due =>
          due
            .where('sla_due_at', '<', now)
            .orWhere(response =>
              response
                .whereNull('responded_at')
                .where('response_due_at', '<', now),
            )
            .orWhereNotNull('response_breached_at')
            .orWhereRaw('?? > ??', ['responded_at', 'response_due_at']),
        ),
      ),
    );
}

/**
 * The due time that counts now: the response while an open request awaits
 * it and it comes first, otherwise the resolution.
 */
const EFFECTIVE_DUE = `(CASE
  WHEN ended_at IS NULL AND responded_at IS NULL AND response_due_at IS NOT NULL
    AND (sla_due_at IS NULL OR response_due_at <= sla_due_at)
  THEN response_due_at
  ELSE sla_due_at
END)`;

/** The columns a warning or breach sets; a breach counts as its warning too. */
function markColumns(
  tx: StoreTransaction,
  mark: SlaMark,
  now: Date,
): Partial<RequestRow> {
  const warned = (column: string) =>
    tx.raw('COALESCE(??, ?)', [column, now]) as unknown as Date;
  switch (mark) {
    case 'response-warned':
      return { response_warned_at: now };
    case 'response-breached':
      return {
        response_breached_at: now,
        response_warned_at: warned('response_warned_at'),
      };
    case 'resolution-warned':
      return { resolution_warned_at: now };
    default:
      return {
        resolution_breached_at: now,
        resolution_warned_at: warned('resolution_warned_at'),
      };
  }
}

// Nine digits fit every database's integer column; longer is no request.
const TRACKING_NUMBER = /^REQ-(\d{1,9})$/i;

/**
 * The {@link RequestStore} on the plugin's database: SQLite or PostgreSQL.
 *
 * @internal
 */
export class DatabaseRequestStore implements RequestStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseRequestStore> {
    return new DatabaseRequestStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.db, fn);
  }

  async lockRequest(
    tx: StoreTransaction,
    requestId: string,
  ): Promise<LockedRequest> {
    const row = await this.lockRow(tx, requestId);
    const [request] = await hydrateRequests(tx, [row]);
    return {
      ...request,
      ...(row.target_ref ? { targetRef: row.target_ref } : {}),
      ...(row.grant_spec ? { grant: JSON.parse(row.grant_spec) } : {}),
      ...(row.sla_terms ? { slaTerms: JSON.parse(row.sla_terms) } : {}),
    };
  }

  async insertRequest(
    tx: StoreTransaction,
    options: {
      request: NewRequest;
      state: RequestState;
      currentStage: number | null;
      now: Date;
      sla?: NewSlaClock;
    },
  ): Promise<string> {
    const { request: input, now, sla } = options;
    const id = randomUUID();
    await tx<RequestRow>('requests').insert({
      id,
      offering_ref: input.offeringRef,
      offering_title: input.offeringTitle,
      offering_owner_ref: input.offeringOwnerRef,
      requester_ref: input.requesterRef,
      submitted_by_ref: input.submittedByRef,
      state: options.state,
      version: 1,
      form_values: JSON.stringify(input.formValues),
      current_stage: options.currentStage,
      sla_due_at: sla?.resolutionDueAt ?? null,
      sla_policy_id: sla?.terms.policyId ?? null,
      sla_terms: sla ? JSON.stringify(sla.terms) : null,
      response_due_at: sla?.responseDueAt ?? null,
      response_warn_at: sla?.responseWarnAt ?? null,
      resolution_warn_at: sla?.resolutionWarnAt ?? null,
      fulfilment: input.fulfilment,
      template_ref: input.templateRef ?? null,
      target_ref: input.targetRef ?? null,
      grant_spec: input.grant ? JSON.stringify(input.grant) : null,
      extends_grant_id: input.extendsGrantId ?? null,
      created_at: now,
      updated_at: now,
    });
    for (const stage of input.stages) {
      await tx<StageRow>('request_stages').insert({
        request_id: id,
        stage_index: stage.index,
        approver_spec: JSON.stringify(stage.approverSpec),
        source: stage.source,
        policy: String(stage.policy),
        required: stage.required,
        status: stage.index === options.currentStage ? 'active' : 'waiting',
        timeout: stage.timeout ?? null,
        on_timeout: stage.onTimeout ?? null,
        escalate_to: stage.escalateTo ? JSON.stringify(stage.escalateTo) : null,
        opened_at: stage.openedAt ? new Date(stage.openedAt) : null,
        deadline_at: stage.deadlineAt ? new Date(stage.deadlineAt) : null,
      });
      if (stage.approvers.length > 0) {
        await tx<StageApproverRow>('request_stage_approvers').insert(
          [...new Set(stage.approvers)].map(approverRef => ({
            request_id: id,
            stage_index: stage.index,
            approver_ref: approverRef,
          })),
        );
      }
    }
    return id;
  }

  async updateRequest(
    tx: StoreTransaction,
    request: { id: string; version: number },
    changes: RequestChanges,
    now: Date,
  ): Promise<void> {
    const row: Partial<RequestRow> = { updated_at: now };
    if (changes.state !== undefined) {
      row.state = changes.state;
    }
    if (changes.currentStage !== undefined) {
      row.current_stage = changes.currentStage;
    }
    if (changes.assigneeRef !== undefined) {
      row.assignee_ref = changes.assigneeRef;
    }
    if (changes.failure !== undefined) {
      row.failure = changes.failure ? JSON.stringify(changes.failure) : null;
    }
    if (changes.respondedAt) {
      row.responded_at = changes.respondedAt;
    }
    if (changes.slaEnd) {
      row.ended_at = changes.slaEnd.endedAt;
      row.sla_met = changes.slaEnd.met;
      row.sla_business_minutes = changes.slaEnd.businessMinutes;
    }
    if (changes.slaMark) {
      Object.assign(row, markColumns(tx, changes.slaMark, now));
    }
    if (changes.newFulfilmentRun) {
      Object.assign(row, {
        scaffolder_task_id: null,
        fulfilment_claimed_by: null,
        fulfilment_claimed_at: null,
        fulfilment_claimed_until: null,
        fulfilment_run: tx.raw('fulfilment_run + 1'),
      });
    }
    await compareAndSet<RequestRow>(tx, 'requests', request, row);
  }

  async updateStages(
    tx: StoreTransaction,
    options: {
      requestId: string;
      stageIndex?: number;
      from?: ApprovalStageStatus[];
      status: ApprovalStageStatus;
      opened?: { at: Date; deadlineAt?: Date };
    },
  ): Promise<void> {
    const query = tx<StageRow>('request_stages').where({
      request_id: options.requestId,
    });
    if (options.stageIndex !== undefined) {
      query.where('stage_index', options.stageIndex);
    }
    if (options.from) {
      query.whereIn('status', options.from);
    }
    await query.update({
      status: options.status,
      ...(options.opened
        ? {
            opened_at: options.opened.at,
            deadline_at: options.opened.deadlineAt ?? null,
          }
        : {}),
    });
  }

  async addStageApprovers(
    tx: StoreTransaction,
    options: { requestId: string; stageIndex: number; approverRefs: string[] },
  ): Promise<void> {
    const present = await tx<StageApproverRow>('request_stage_approvers')
      .where({ request_id: options.requestId, stage_index: options.stageIndex })
      .pluck('approver_ref');
    const added = [...new Set(options.approverRefs)].filter(
      ref => !present.includes(ref),
    );
    if (added.length > 0) {
      await tx<StageApproverRow>('request_stage_approvers').insert(
        added.map(approverRef => ({
          request_id: options.requestId,
          stage_index: options.stageIndex,
          approver_ref: approverRef,
        })),
      );
    }
  }

  async markStage(
    tx: StoreTransaction,
    options: {
      requestId: string;
      stageIndex: number;
      remindedAt?: Date;
      timedOutAt?: Date;
    },
  ): Promise<void> {
    await tx<StageRow>('request_stages')
      .where({ request_id: options.requestId, stage_index: options.stageIndex })
      .update({
        ...(options.remindedAt ? { reminded_at: options.remindedAt } : {}),
        ...(options.timedOutAt ? { timed_out_at: options.timedOutAt } : {}),
      });
  }

  async listSlaAlarms(options: {
    now: Date;
    limit: number;
  }): Promise<SlaAlarm[]> {
    const alarms: SlaAlarm[] = [];
    const points: Array<[SlaMark, string, string, boolean]> = [
      ['response-breached', 'response_due_at', 'response_breached_at', true],
      ['resolution-breached', 'sla_due_at', 'resolution_breached_at', false],
      ['response-warned', 'response_warn_at', 'response_warned_at', true],
      [
        'resolution-warned',
        'resolution_warn_at',
        'resolution_warned_at',
        false,
      ],
    ];
    for (const [mark, at, sent, response] of points) {
      const ids = await this.db<RequestRow>('requests')
        .whereNotNull('sla_terms')
        .whereNull('ended_at')
        .whereNotIn('state', TERMINAL_REQUEST_STATES)
        .where(at, '<=', options.now)
        .whereNull(sent)
        .modify(query => {
          if (response) {
            query.whereNull('responded_at');
          }
        })
        .orderBy(at, 'asc')
        .limit(options.limit)
        .pluck('id');
      alarms.push(...ids.map(requestId => ({ requestId, mark })));
    }
    return alarms;
  }

  async listStagesOnTheClock(options: {
    limit: number;
  }): Promise<StageOnTheClock[]> {
    const rows = await this.db<StageRow>('request_stages as s')
      .join('requests as r', join =>
        join
          .on('r.id', '=', 's.request_id')
          .andOn('r.current_stage', '=', 's.stage_index'),
      )
      .where('r.state', 'PENDING_APPROVAL')
      // A literal, not a parameter, so that SQLite matches the partial
      // index of stages on the clock.
      .whereRaw("s.status = 'active'")
      .whereNotNull('s.deadline_at')
      .whereNull('s.timed_out_at')
      .orderBy('s.deadline_at', 'asc')
      .limit(options.limit)
      .select(
        's.request_id',
        's.stage_index',
        's.opened_at',
        's.deadline_at',
        's.reminded_at',
      );
    return rows.map(row => ({
      requestId: row.request_id,
      stageIndex: row.stage_index,
      openedAt: new Date(toIso(row.opened_at!)),
      deadlineAt: new Date(toIso(row.deadline_at!)),
      reminded: row.reminded_at !== null,
    }));
  }

  async insertDecision(
    tx: StoreTransaction,
    decision: Omit<ApprovalDecision, 'decidedAt'> & {
      requestId: string;
      at: Date;
    },
  ): Promise<void> {
    await tx<DecisionRow>('request_decisions').insert({
      request_id: decision.requestId,
      stage_index: decision.stageIndex,
      approver_ref: decision.approverRef,
      decided_by_ref: decision.decidedByRef,
      decision: decision.decision,
      comment: decision.comment ?? null,
      decided_at: decision.at,
    });
  }

  async appendEvent(
    tx: StoreTransaction,
    event: NewRequestEvent,
  ): Promise<string> {
    const [inserted] = await tx<EventRow>('request_events').insert(
      {
        request_id: event.requestId,
        type: event.type,
        actor_ref: event.actorRef,
        from_state: event.fromState ?? null,
        to_state: event.toState ?? null,
        data: event.data ? JSON.stringify(event.data) : null,
        created_at: event.at,
      },
      ['id'],
    );
    return String(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async findOpenExtension(
    tx: StoreTransaction,
    grantId: string,
  ): Promise<string | undefined> {
    const open = await tx<RequestRow>('requests')
      .where('extends_grant_id', grantId)
      .whereIn('state', OPEN_EXTENSION_STATES)
      .first('sequence');
    return open ? formatTrackingNumber(open.sequence) : undefined;
  }

  async getRequest(
    idOrTrackingNumber: string,
    tx?: StoreTransaction,
  ): Promise<ServiceRequest | undefined> {
    const db = tx ?? this.db;
    const tracking = TRACKING_NUMBER.exec(idOrTrackingNumber.trim());
    const row = await db<RequestRow>('requests')
      .where(
        tracking
          ? { sequence: Number(tracking[1]) }
          : { id: idOrTrackingNumber },
      )
      .first();
    if (!row) {
      return undefined;
    }
    const [request] = await hydrateRequests(db, [row]);
    return request;
  }

  async listRequests(query: ListRequestsQuery): Promise<RequestPage> {
    const filtered = this.db<RequestRow>('requests').where(builder => {
      if (query.involvingUserRef) {
        const userRef = query.involvingUserRef;
        builder.where(inner =>
          inner
            .where('requester_ref', userRef)
            .orWhere('submitted_by_ref', userRef),
        );
      }
      if (query.states?.length) {
        builder.whereIn('state', query.states);
      }
      if (query.fulfilment) {
        builder.where('fulfilment', query.fulfilment);
      }
      if (query.offeringOwnerRefs) {
        builder.whereIn('offering_owner_ref', query.offeringOwnerRefs);
      }
      if (query.offeringRef) {
        builder.where('offering_ref', query.offeringRef);
      }
      if (query.offeringRefs) {
        builder.whereIn('offering_ref', query.offeringRefs);
      }
      if (query.readable) {
        applyRequestFilter(builder, query.readable, this.db);
      }
      if (query.breached !== undefined) {
        const breached = breachedNow(query.now ?? new Date());
        if (query.breached) {
          builder.where(breached);
        } else {
          // NOT of a condition over NULL columns is NULL, not true.
          builder.whereNotIn(
            'id',
            this.db<RequestRow>('requests').select('id').where(breached),
          );
        }
      }
      if (query.requesterRef) {
        builder.where('requester_ref', query.requesterRef);
      }
      if (query.assigneeRef === null) {
        builder.whereNull('assignee_ref');
      } else if (query.assigneeRef) {
        builder.where('assignee_ref', query.assigneeRef);
      }
      const search = query.search?.trim();
      if (search) {
        const tracking = TRACKING_NUMBER.exec(search);
        const pattern = `%${search.toLocaleLowerCase('en-US')}%`;
        builder.where(inner => {
          inner
            .whereRaw('LOWER(offering_title) LIKE ?', [pattern])
            .orWhereRaw('LOWER(offering_ref) LIKE ?', [pattern]);
          if (tracking) {
            inner.orWhere('sequence', Number(tracking[1]));
          }
        });
      }
    });

    const [{ count }] = await filtered
      .clone()
      .count<{ count: number | string }[]>({ count: '*' });
    // Oldest first also settles the order among equal due times.
    const ascending = query.order === 'oldest' || query.order === 'due';
    const keyset = query.order !== 'due';
    const limit = query.limit ?? 50;
    const ordered = filtered.clone();
    if (!keyset) {
      // Soonest first by the due time that counts now, the one the Due
      // column shows; without a due time last, on both databases.
      ordered
        .orderByRaw(`CASE WHEN ${EFFECTIVE_DUE} IS NULL THEN 1 ELSE 0 END`)
        .orderByRaw(`${EFFECTIVE_DUE} ASC`);
    } else if (query.fromSequence !== undefined) {
      ordered.where('sequence', ascending ? '>' : '<', query.fromSequence);
    }
    const rows = await ordered
      .orderBy('sequence', ascending ? 'asc' : 'desc')
      // One more tells whether a page follows.
      .limit(limit + 1)
      .offset(query.offset ?? 0);
    const shown = rows.slice(0, limit);
    return {
      items: await hydrateRequests(this.db, shown),
      totalCount: Number(count),
      // A keyset page follows sequence order, which the due order is not.
      ...(keyset && rows.length > limit
        ? { next: shown[shown.length - 1].sequence }
        : {}),
    };
  }

  listAwaitingDecision(
    query: Parameters<RequestStore['listAwaitingDecision']>[0],
  ): Promise<RequestPage> {
    return listAwaitingDecision(this.db, query);
  }

  listDecidedBy(
    query: Parameters<RequestStore['listDecidedBy']>[0],
  ): Promise<RequestPage> {
    return listDecidedBy(this.db, query);
  }

  claimFulfilment(
    options: Parameters<RequestStore['claimFulfilment']>[0],
  ): Promise<FulfilmentClaim[]> {
    return claimFulfilment(this.db, this, options);
  }

  async recordTask(options: {
    requestId: string;
    worker: string;
    taskId: string;
  }): Promise<ServiceRequest> {
    await inTransaction(this.db, async tx => {
      const row = await this.lockRow(tx, options.requestId);
      if (
        row.fulfilment_claimed_by !== options.worker ||
        row.scaffolder_task_id !== null
      ) {
        throw new ConflictError(
          `${formatTrackingNumber(row.sequence)} is no longer claimed by ${
            options.worker
          }`,
        );
      }
      const now = new Date();
      await compareAndSet<RequestRow>(tx, 'requests', row, {
        scaffolder_task_id: options.taskId,
        updated_at: now,
      });
      await this.appendEvent(tx, {
        requestId: row.id,
        type: 'task',
        actorRef: SYSTEM_ACTOR_REF,
        data: { taskId: options.taskId, run: row.fulfilment_run },
        at: now,
      });
    });
    return (await this.getRequest(options.requestId))!;
  }

  async releaseClaim(options: {
    requestId: string;
    worker: string;
    retryAfterMs: number;
    now?: Date;
  }): Promise<void> {
    // Only the claim's holder, only ever shorter, and without a version
    // bump: nothing about the request changed.
    const now = options.now ?? new Date();
    const until = new Date(now.getTime() + options.retryAfterMs);
    await this.db<RequestRow>('requests')
      .where({
        id: options.requestId,
        fulfilment_claimed_by: options.worker,
      })
      .whereNull('scaffolder_task_id')
      .where('fulfilment_claimed_until', '>', until)
      .update({ fulfilment_claimed_until: until });
  }

  async listFollowing(options: { limit: number }): Promise<ServiceRequest[]> {
    const rows = await this.db<RequestRow>('requests')
      .where({ state: 'IN_PROGRESS', fulfilment: 'automatic' })
      .whereNotNull('scaffolder_task_id')
      .orderBy('sequence', 'asc')
      .limit(options.limit);
    return hydrateRequests(this.db, rows);
  }

  async addComment(options: {
    requestId: string;
    authorRef: string;
    body: string;
    visibility: CommentVisibility;
  }): Promise<RequestComment> {
    const body = options.body.trim();
    if (!body) {
      throw new InputError('A comment needs some text');
    }
    const comment: CommentRow = {
      id: randomUUID(),
      request_id: options.requestId,
      author_ref: options.authorRef,
      body,
      visibility: options.visibility,
      created_at: new Date(),
    };
    await this.db.transaction(async tx => {
      const row = await this.lockRow(tx, options.requestId);
      await tx<CommentRow>('request_comments').insert(comment);
      await this.appendEvent(tx, {
        requestId: row.id,
        type: 'comment',
        actorRef: options.authorRef,
        data: { commentId: comment.id, visibility: comment.visibility },
        at: comment.created_at as Date,
      });
    });
    return toComment(comment);
  }

  async listComments(
    requestId: string,
    options: { includeInternal: boolean },
  ): Promise<RequestComment[]> {
    const rows = await this.db<CommentRow>('request_comments')
      .where({ request_id: requestId })
      .modify(builder => {
        if (!options.includeInternal) {
          builder.where('visibility', 'external');
        }
      })
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc');
    return rows.map(toComment);
  }

  async listEvents(requestId: string): Promise<RequestEvent[]> {
    const rows = await this.db<EventRow>('request_events')
      .where({ request_id: requestId })
      .orderBy('id', 'asc');
    return rows.map(toEvent);
  }

  private async lockRow(
    tx: StoreTransaction,
    requestId: string,
  ): Promise<RequestRow> {
    const row = await forUpdate(
      tx,
      tx<RequestRow>('requests').where({ id: requestId }),
    ).first();
    if (!row) {
      throw new NotFoundError(`No request ${requestId}`);
    }
    return row;
  }
}
