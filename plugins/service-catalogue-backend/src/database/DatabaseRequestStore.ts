import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  ApprovalDecision,
  FULFILMENT_REQUEST_STATES,
  ApprovalPolicy,
  ApprovalStageStatus,
  ApproverSource,
  CommentVisibility,
  RequestAction,
  RequestActor,
  RequestApprovalStage,
  RequestComment,
  RequestEvent,
  RequestState,
  OfferingFulfilment,
  ServiceRequest,
  findRequestTransition,
  formatTrackingNumber,
} from '@service-catalogue/plugin-service-catalogue-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { Timestamp, toIso } from './timestamps';
import {
  extendGrantFor,
  findActiveGrant,
  insertGrantFor,
  lockExtendableGrant,
} from './DatabaseGrantStore';
import {
  DecisionOutcome,
  Delegation,
  FulfilmentClaim,
  ListRequestsQuery,
  NewRequest,
  RequestStore,
} from './RequestStore';
import { SYSTEM_ACTOR_REF } from '../systemActor';

const migrationsDir = resolvePackagePath(
  '@service-catalogue/plugin-service-catalogue-backend',
  'migrations',
);

type RequestRow = {
  sequence: number;
  id: string;
  offering_ref: string;
  offering_title: string;
  offering_owner_ref: string;
  requester_ref: string;
  submitted_by_ref: string;
  state: RequestState;
  version: number;
  form_values: string;
  current_stage: number | null;
  assignee_ref: string | null;
  sla_due_at: Timestamp | null;
  scaffolder_task_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  fulfilment: OfferingFulfilment;
  template_ref: string | null;
  fulfilment_claimed_by: string | null;
  fulfilment_claimed_at: Timestamp | null;
  fulfilment_claimed_until: Timestamp | null;
  fulfilment_run: number;
  failure: string | null;
  target_ref: string | null;
  grant_spec: string | null;
  extends_grant_id: string | null;
};

type StageRow = {
  request_id: string;
  stage_index: number;
  approver_spec: string;
  source: ApproverSource;
  policy: string;
  required: number;
  status: ApprovalStageStatus;
};

type StageApproverRow = {
  request_id: string;
  stage_index: number;
  approver_ref: string;
};

type DecisionRow = {
  id: number;
  request_id: string;
  stage_index: number;
  approver_ref: string;
  decided_by_ref: string;
  decision: ApprovalDecision['decision'];
  comment: string | null;
  decided_at: Timestamp;
};

type CommentRow = {
  id: string;
  request_id: string;
  author_ref: string;
  body: string;
  visibility: CommentVisibility;
  created_at: Timestamp;
};

type EventRow = {
  id: number;
  request_id: string;
  type: RequestEvent['type'];
  actor_ref: string;
  from_state: RequestState | null;
  to_state: RequestState | null;
  data: string | null;
  created_at: Timestamp;
};

type DelegationRow = {
  id: string;
  approver_ref: string;
  delegate_ref: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string | null;
  created_at: Timestamp;
};

/** Thrown inside a transaction when another one changed the request first. */
class StaleVersionError extends Error {}

// Enough for the contention of a handful of approvers clicking at once; each
// attempt re-reads the request, so a retry decides on fresh state.
const MAX_ATTEMPTS = 10;

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
    skipMigrations?: boolean;
  }): Promise<DatabaseRequestStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseRequestStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async createRequest(
    input: NewRequest,
  ): Promise<{ request: ServiceRequest; events: RequestEvent[] }> {
    const id = randomUUID();
    const now = new Date();
    const needsApproval = input.stages.length > 0;
    const routed = findRequestTransition({
      from: 'NEW',
      action: needsApproval ? 'route' : 'start',
      actor: 'system',
    })!;

    await this.db.transaction(async tx => {
      if (input.extendsGrantId) {
        await lockExtendableGrant(tx, {
          grantId: input.extendsGrantId,
          holderRef: input.requesterRef,
        });
      }
      await this.insertRequestRow(tx, {
        id,
        input,
        state: routed.to,
        currentStage: needsApproval ? 0 : null,
        now,
      });
      for (const stage of input.stages) {
        await tx<StageRow>('request_stages').insert({
          request_id: id,
          stage_index: stage.index,
          approver_spec: JSON.stringify(stage.approverSpec),
          source: stage.source,
          policy: String(stage.policy),
          required: stage.required,
          status: stage.index === 0 ? 'active' : 'waiting',
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
      await this.appendEvent(tx, {
        requestId: id,
        type: 'submit',
        actorRef: input.submittedByRef,
        toState: 'NEW',
        data: { requesterRef: input.requesterRef },
        at: now,
      });
      await this.appendEvent(tx, {
        requestId: id,
        type: routed.action,
        actorRef: input.submittedByRef,
        fromState: 'NEW',
        toState: routed.to,
        at: now,
      });
      if (input.extendsGrantId && !needsApproval) {
        await this.settleExtension(tx, id, now);
      }
    });

    const request = (await this.getRequest(id))!;
    return { request, events: await this.listEvents(id) };
  }

  async recordFulfilled(
    input: NewRequest & { expiresAt?: string; data?: JsonObject },
  ): Promise<{ request: ServiceRequest; grantId: string; created: boolean }> {
    if (!input.grant) {
      throw new InputError(
        `${input.offeringTitle} is a one-off service and leaves no grant`,
      );
    }
    const recorded = await this.withRetries(() =>
      this.db.transaction(async tx => {
        if (this.db.client.config.client === 'pg') {
          // Two records of the same access at once make one grant.
          await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [
            `grant:${input.requesterRef}:${input.offeringRef}`,
          ]);
        }
        const existing = await findActiveGrant(tx, {
          holderRef: input.requesterRef,
          offeringRef: input.offeringRef,
        });
        if (existing) {
          const { request_id } = await tx('grants')
            .where('id', existing)
            .first('request_id');
          return { requestId: request_id, grantId: existing, created: false };
        }
        const id = randomUUID();
        const now = new Date();
        await this.insertRequestRow(tx, {
          id,
          input,
          state: 'DONE',
          currentStage: null,
          now,
        });
        const start = findRequestTransition({
          from: 'NEW',
          action: 'start',
          actor: 'system',
        })!;
        const complete = findRequestTransition({
          from: start.to,
          action: 'complete',
          actor: 'fulfiller',
        })!;
        await this.appendEvent(tx, {
          requestId: id,
          type: 'submit',
          actorRef: input.submittedByRef,
          toState: 'NEW',
          data: { requesterRef: input.requesterRef },
          at: now,
        });
        for (const transition of [start, complete]) {
          await this.appendEvent(tx, {
            requestId: id,
            type: transition.action,
            actorRef: input.submittedByRef,
            fromState: transition.from,
            toState: transition.to,
            data: transition === complete ? input.data : undefined,
            at: now,
          });
        }
        const row = await this.requireRow(tx, id);
        const grantId = (await insertGrantFor(tx, row, now, {
          expiresAt: input.expiresAt ? new Date(input.expiresAt) : undefined,
        }))!;
        return { requestId: id, grantId, created: true };
      }),
    );
    return {
      request: (await this.getRequest(recorded.requestId))!,
      grantId: recorded.grantId,
      created: recorded.created,
    };
  }

  private async insertRequestRow(
    tx: Knex.Transaction,
    options: {
      id: string;
      input: NewRequest;
      state: RequestState;
      currentStage: number | null;
      now: Date;
    },
  ): Promise<void> {
    const { id, input, now } = options;
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
      sla_due_at: input.slaDueAt ? new Date(input.slaDueAt) : null,
      fulfilment: input.fulfilment,
      template_ref: input.templateRef ?? null,
      target_ref: input.targetRef ?? null,
      grant_spec: input.grant ? JSON.stringify(input.grant) : null,
      extends_grant_id: input.extendsGrantId ?? null,
      created_at: now,
      updated_at: now,
    });
  }

  async getRequest(
    idOrTrackingNumber: string,
  ): Promise<ServiceRequest | undefined> {
    const tracking = TRACKING_NUMBER.exec(idOrTrackingNumber.trim());
    const row = await this.db<RequestRow>('requests')
      .where(
        tracking
          ? { sequence: Number(tracking[1]) }
          : { id: idOrTrackingNumber },
      )
      .first();
    if (!row) {
      return undefined;
    }
    const [request] = await this.hydrate(this.db, [row]);
    return request;
  }

  async listRequests(
    query: ListRequestsQuery,
  ): Promise<{ items: ServiceRequest[]; totalCount: number }> {
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
    const rows = await filtered
      .clone()
      .orderBy('sequence', 'desc')
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0);
    return {
      items: await this.hydrate(this.db, rows),
      totalCount: Number(count),
    };
  }

  async listAwaitingDecision(options: {
    approverRefs: string[];
  }): Promise<ServiceRequest[]> {
    if (options.approverRefs.length === 0) {
      return [];
    }
    const rows = await this.db<RequestRow>('requests as r')
      .distinct('r.*')
      .join('request_stage_approvers as a', join =>
        join
          .on('a.request_id', '=', 'r.id')
          .andOn('a.stage_index', '=', 'r.current_stage'),
      )
      .where('r.state', 'PENDING_APPROVAL')
      .whereIn('a.approver_ref', options.approverRefs)
      .whereNotExists(sub =>
        sub
          .select(this.db.raw('1'))
          .from('request_decisions as d')
          .whereRaw('d.request_id = r.id')
          .andWhereRaw('d.stage_index = r.current_stage')
          .andWhereRaw('d.approver_ref = a.approver_ref'),
      )
      .orderBy('r.sequence', 'asc');
    return this.hydrate(this.db, rows as RequestRow[]);
  }

  async listDecidedBy(options: { userRef: string }): Promise<ServiceRequest[]> {
    const rows = await this.db<RequestRow>('requests')
      .whereIn(
        'id',
        this.db('request_decisions')
          .select('request_id')
          .where('decided_by_ref', options.userRef),
      )
      .orderBy('sequence', 'desc');
    return this.hydrate(this.db, rows);
  }

  async decide(options: {
    requestId: string;
    approverRef: string;
    decidedByRef: string;
    decision: ApprovalDecision['decision'];
    comment?: string;
    expectedStage?: number;
  }): Promise<{
    request: ServiceRequest;
    outcome: DecisionOutcome;
    events: RequestEvent[];
  }> {
    const { outcome, eventIds } = await this.withRetries(() =>
      this.db.transaction(tx => this.decideOnce(tx, options)),
    );
    const request = (await this.getRequest(options.requestId))!;
    const events = (await this.listEvents(options.requestId)).filter(e =>
      eventIds.includes(e.id),
    );
    return { request, outcome, events };
  }

  private async decideOnce(
    tx: Knex.Transaction,
    options: {
      requestId: string;
      approverRef: string;
      decidedByRef: string;
      decision: ApprovalDecision['decision'];
      comment?: string;
      expectedStage?: number;
    },
  ): Promise<{ outcome: DecisionOutcome; eventIds: string[] }> {
    const row = await this.requireRow(tx, options.requestId);
    const tracking = formatTrackingNumber(row.sequence);
    if (row.state !== 'PENDING_APPROVAL' || row.current_stage === null) {
      throw new ConflictError(
        `${tracking} is ${row.state} and takes no more decisions`,
      );
    }
    const stageIndex = row.current_stage;
    if (
      options.expectedStage !== undefined &&
      options.expectedStage !== stageIndex
    ) {
      throw new ConflictError(
        `Stage ${
          options.expectedStage + 1
        } of ${tracking} takes no more decisions; it is at stage ${
          stageIndex + 1
        } now`,
      );
    }
    const onStage = await tx<StageApproverRow>('request_stage_approvers')
      .where({
        request_id: row.id,
        stage_index: stageIndex,
        approver_ref: options.approverRef,
      })
      .first();
    if (!onStage) {
      throw new NotAllowedError(
        `${options.approverRef} is not an approver of stage ${
          stageIndex + 1
        } of ${tracking}`,
      );
    }
    const previous = await tx<DecisionRow>('request_decisions')
      .where({
        request_id: row.id,
        stage_index: stageIndex,
        approver_ref: options.approverRef,
      })
      .first();
    if (previous) {
      throw new ConflictError(
        `${options.approverRef} already decided stage ${
          stageIndex + 1
        } of ${tracking} (${previous.decision})`,
      );
    }
    // Standing in for several approvers still makes one voice per stage.
    const byPerson = await tx<DecisionRow>('request_decisions')
      .where({
        request_id: row.id,
        stage_index: stageIndex,
        decided_by_ref: options.decidedByRef,
      })
      .first();
    if (byPerson) {
      throw new ConflictError(
        `${options.decidedByRef} already decided stage ${
          stageIndex + 1
        } of ${tracking} (for ${byPerson.approver_ref})`,
      );
    }

    const now = new Date();
    await tx<DecisionRow>('request_decisions').insert({
      request_id: row.id,
      stage_index: stageIndex,
      approver_ref: options.approverRef,
      decided_by_ref: options.decidedByRef,
      decision: options.decision,
      comment: options.comment ?? null,
      decided_at: now,
    });

    const stage = (await tx<StageRow>('request_stages')
      .where({ request_id: row.id, stage_index: stageIndex })
      .first())!;
    const stageCount = Number(
      (
        await tx('request_stages')
          .where({ request_id: row.id })
          .count<{ count: number | string }[]>({ count: '*' })
      )[0].count,
    );
    const approvals = Number(
      (
        await tx('request_decisions')
          .where({
            request_id: row.id,
            stage_index: stageIndex,
            decision: 'approve',
          })
          .count<{ count: number | string }[]>({ count: '*' })
      )[0].count,
    );

    // One rejection ends the request: a later stage cannot undo it.
    let outcome: DecisionOutcome;
    if (options.decision === 'reject') {
      outcome = 'rejected';
    } else if (approvals < stage.required) {
      outcome = 'recorded';
    } else if (stageIndex + 1 < stageCount) {
      outcome = 'stage-approved';
    } else {
      outcome = 'approved';
    }

    const transition =
      outcome === 'rejected' || outcome === 'approved'
        ? findRequestTransition({
            from: row.state,
            action: outcome === 'rejected' ? 'reject' : 'approve',
            actor: 'approver',
          })!
        : undefined;

    // A finished request has no current stage; a completed stage hands over
    // to the next one.
    let currentStage: number | null = stageIndex;
    if (transition) {
      currentStage = null;
    } else if (outcome === 'stage-approved') {
      currentStage = stageIndex + 1;
    }
    await this.compareAndSet(tx, row, {
      state: transition?.to ?? row.state,
      current_stage: currentStage,
      updated_at: now,
    });

    if (outcome !== 'recorded') {
      await tx<StageRow>('request_stages')
        .where({ request_id: row.id, stage_index: stageIndex })
        .update({ status: outcome === 'rejected' ? 'rejected' : 'approved' });
    }
    if (outcome === 'stage-approved') {
      await tx<StageRow>('request_stages')
        .where({ request_id: row.id, stage_index: stageIndex + 1 })
        .update({ status: 'active' });
    }
    if (transition) {
      await tx<StageRow>('request_stages')
        .where({ request_id: row.id, status: 'waiting' })
        .update({ status: 'skipped' });
    }

    const eventIds = [
      await this.appendEvent(tx, {
        requestId: row.id,
        type: 'decide',
        actorRef: options.decidedByRef,
        data: {
          stageIndex,
          approverRef: options.approverRef,
          decision: options.decision,
          outcome,
          ...(options.comment ? { comment: options.comment } : {}),
        },
        at: now,
      }),
    ];
    if (transition) {
      eventIds.push(
        await this.appendEvent(tx, {
          requestId: row.id,
          type: transition.action,
          actorRef: options.decidedByRef,
          fromState: transition.from,
          toState: transition.to,
          at: now,
        }),
      );
    }
    if (outcome === 'approved' && row.extends_grant_id) {
      eventIds.push(...(await this.settleExtension(tx, row.id, now)));
    }
    return { outcome, eventIds };
  }

  /**
   * Carries out an approved extension in the caller's transaction: there is
   * nothing to provision, so the request starts, moves its grant's end and
   * completes at once, or fails when the grant ended meanwhile.
   */
  private async settleExtension(
    tx: Knex.Transaction,
    requestId: string,
    now: Date,
  ): Promise<string[]> {
    let row = await this.requireRow(tx, requestId);
    const eventIds: string[] = [];
    if (row.state === 'APPROVED') {
      const start = findRequestTransition({
        from: 'APPROVED',
        action: 'start',
        actor: 'system',
      })!;
      await this.compareAndSet(tx, row, { state: start.to, updated_at: now });
      row = { ...row, state: start.to, version: row.version + 1 };
      eventIds.push(
        await this.appendEvent(tx, {
          requestId,
          type: start.action,
          actorRef: SYSTEM_ACTOR_REF,
          fromState: start.from,
          toState: start.to,
          at: now,
        }),
      );
    }
    const result = await extendGrantFor(
      tx,
      { extends_grant_id: row.extends_grant_id!, grant_spec: row.grant_spec },
      now,
    );
    const settled = findRequestTransition({
      from: row.state,
      action: 'expiresAt' in result ? 'complete' : 'fail',
      actor: 'system',
    })!;
    const failure = 'failure' in result ? { message: result.failure } : null;
    await this.compareAndSet(tx, row, {
      state: settled.to,
      updated_at: now,
      failure: failure ? JSON.stringify(failure) : null,
    });
    eventIds.push(
      await this.appendEvent(tx, {
        requestId,
        type: settled.action,
        actorRef: SYSTEM_ACTOR_REF,
        fromState: settled.from,
        toState: settled.to,
        data:
          'expiresAt' in result
            ? {
                grantId: row.extends_grant_id!,
                expiresAt: result.expiresAt.toISOString(),
              }
            : { failure },
        at: now,
      }),
    );
    return eventIds;
  }

  async transition(options: {
    requestId: string;
    action: RequestAction;
    actor: RequestActor;
    actorRef: string;
    expectedVersion?: number;
    data?: JsonObject;
  }): Promise<{ request: ServiceRequest; event: RequestEvent }> {
    const eventId = await this.withRetries(() =>
      this.db.transaction(async tx => {
        const row = await this.requireRow(tx, options.requestId);
        const tracking = formatTrackingNumber(row.sequence);
        if (
          options.expectedVersion !== undefined &&
          options.expectedVersion !== row.version
        ) {
          throw new ConflictError(
            `${tracking} changed since you loaded it; reload and try again`,
          );
        }
        const transition = findRequestTransition({
          from: row.state,
          action: options.action,
          actor: options.actor,
          request: {
            fulfilment: row.fulfilment,
            assigneeRef: row.assignee_ref ?? undefined,
          },
        });
        if (!transition) {
          throw new ConflictError(
            `Cannot ${options.action} ${tracking}: it is ${row.state}`,
          );
        }
        const now = new Date();
        await this.compareAndSet(tx, row, {
          state: transition.to,
          current_stage: transition.to === 'PENDING_APPROVAL' ? 0 : null,
          updated_at: now,
          ...fulfilmentChanges(row, transition.action, options.data),
        });
        if (transition.to === 'DONE') {
          await insertGrantFor(tx, row, now);
        }
        if (transition.to === 'CANCELLED') {
          await tx<StageRow>('request_stages')
            .where({ request_id: row.id })
            .whereIn('status', ['waiting', 'active'])
            .update({ status: 'skipped' });
        }
        return this.appendEvent(tx, {
          requestId: row.id,
          type: transition.action,
          actorRef: options.actorRef,
          fromState: transition.from,
          toState: transition.to,
          data: options.data,
          at: now,
        });
      }),
    );
    const request = (await this.getRequest(options.requestId))!;
    const event = (await this.listEvents(options.requestId)).find(
      e => e.id === eventId,
    )!;
    return { request, event };
  }

  async assign(options: {
    requestId: string;
    assigneeRef: string;
    actorRef: string;
    expectedVersion?: number;
  }): Promise<ServiceRequest> {
    await this.withRetries(() =>
      this.db.transaction(async tx => {
        const row = await this.requireRow(tx, options.requestId);
        const tracking = formatTrackingNumber(row.sequence);
        if (
          options.expectedVersion !== undefined &&
          options.expectedVersion !== row.version
        ) {
          throw new ConflictError(
            `${tracking} changed since you loaded it; reload and try again`,
          );
        }
        const start =
          row.state === 'APPROVED'
            ? findRequestTransition({
                from: 'APPROVED',
                action: 'start',
                actor: 'fulfiller',
              })
            : undefined;
        if (!start && !FULFILMENT_REQUEST_STATES.includes(row.state)) {
          throw new ConflictError(
            `${tracking} is ${row.state}: only approved requests and those in progress are assigned`,
          );
        }
        const now = new Date();
        await this.compareAndSet(tx, row, {
          assignee_ref: options.assigneeRef,
          state: start?.to ?? row.state,
          updated_at: now,
        });
        await this.appendEvent(tx, {
          requestId: row.id,
          type: 'assign',
          actorRef: options.actorRef,
          data: { assigneeRef: options.assigneeRef },
          at: now,
        });
        if (start) {
          await this.appendEvent(tx, {
            requestId: row.id,
            type: start.action,
            actorRef: options.actorRef,
            fromState: start.from,
            toState: start.to,
            at: now,
          });
        }
      }),
    );
    return (await this.getRequest(options.requestId))!;
  }

  async claimFulfilment(options: {
    worker: string;
    leaseMs: number;
    limit: number;
    excludeIds?: string[];
  }): Promise<FulfilmentClaim[]> {
    const claims = await this.withRetries(() =>
      this.db.transaction(async tx => {
        const now = new Date();
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
        if (this.db.client.config.client === 'pg') {
          // Another replica's claim in flight is skipped, not waited for.
          query.forUpdate().skipLocked();
        }
        const rows = await query;
        const claimed: Array<{ id: string; run: number }> = [];
        for (const row of rows) {
          const start =
            row.state === 'APPROVED'
              ? findRequestTransition({
                  from: 'APPROVED',
                  action: 'start',
                  actor: 'system',
                })!
              : undefined;
          await this.compareAndSet(tx, row, {
            state: start?.to ?? row.state,
            fulfilment_claimed_by: options.worker,
            fulfilment_claimed_at: now,
            fulfilment_claimed_until: new Date(now.getTime() + options.leaseMs),
            updated_at: now,
          });
          if (start) {
            await this.appendEvent(tx, {
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
      }),
    );
    const requests = await this.hydrate(
      this.db,
      await this.db<RequestRow>('requests')
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

  async recordTask(options: {
    requestId: string;
    worker: string;
    taskId: string;
  }): Promise<ServiceRequest> {
    await this.withRetries(() =>
      this.db.transaction(async tx => {
        const row = await this.requireRow(tx, options.requestId);
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
        await this.compareAndSet(tx, row, {
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
      }),
    );
    return (await this.getRequest(options.requestId))!;
  }

  async releaseClaim(options: {
    requestId: string;
    worker: string;
    retryAfterMs: number;
  }): Promise<void> {
    // Only the claim's holder, only ever shorter, and without a version
    // bump: nothing about the request changed.
    const until = new Date(Date.now() + options.retryAfterMs);
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
    return this.hydrate(this.db, rows);
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
      const row = await this.requireRow(tx, options.requestId);
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
    return rows.map(row => ({
      id: String(row.id),
      type: row.type,
      actorRef: row.actor_ref,
      ...(row.from_state ? { fromState: row.from_state } : {}),
      ...(row.to_state ? { toState: row.to_state } : {}),
      ...(row.data ? { data: JSON.parse(row.data) } : {}),
      createdAt: toIso(row.created_at),
    }));
  }

  async addDelegation(delegation: Omit<Delegation, 'id'>): Promise<Delegation> {
    const startsAt = new Date(delegation.startsAt);
    const endsAt = new Date(delegation.endsAt);
    if (isNaN(startsAt.getTime()) || isNaN(endsAt.getTime())) {
      throw new InputError('A delegation needs valid start and end times');
    }
    if (endsAt <= startsAt) {
      throw new InputError('A delegation must end after it starts');
    }
    if (delegation.approverRef === delegation.delegateRef) {
      throw new InputError('An approver cannot delegate to themselves');
    }
    const row: DelegationRow = {
      id: randomUUID(),
      approver_ref: delegation.approverRef,
      delegate_ref: delegation.delegateRef,
      starts_at: startsAt,
      ends_at: endsAt,
      reason: delegation.reason ?? null,
      created_at: new Date(),
    };
    await this.db<DelegationRow>('approval_delegations').insert(row);
    return toDelegation(row);
  }

  async removeDelegation(options: {
    id: string;
    approverRef: string;
  }): Promise<void> {
    const deleted = await this.db<DelegationRow>('approval_delegations')
      .where({ id: options.id, approver_ref: options.approverRef })
      .delete();
    if (deleted === 0) {
      throw new NotFoundError(`No delegation ${options.id}`);
    }
  }

  async listDelegations(options: {
    approverRef: string;
  }): Promise<Delegation[]> {
    const rows = await this.db<DelegationRow>('approval_delegations')
      .where({ approver_ref: options.approverRef })
      .orderBy('starts_at', 'asc');
    return rows.map(toDelegation);
  }

  async listDelegatorsOf(options: {
    delegateRef: string;
    at: Date;
  }): Promise<string[]> {
    const rows = await this.db<DelegationRow>('approval_delegations')
      .where({ delegate_ref: options.delegateRef })
      .where('starts_at', '<=', options.at)
      .where('ends_at', '>', options.at)
      .distinct('approver_ref');
    return rows.map(row => row.approver_ref).sort();
  }

  /**
   * Reads the request inside a transaction. On PostgreSQL the row stays
   * locked until the transaction ends, so concurrent changes queue up rather
   * than retry; SQLite runs one write transaction at a time anyway.
   */
  private async requireRow(
    tx: Knex.Transaction,
    requestId: string,
  ): Promise<RequestRow> {
    const query = tx<RequestRow>('requests').where({ id: requestId });
    if (this.db.client.config.client === 'pg') {
      query.forUpdate();
    }
    const row = await query.first();
    if (!row) {
      throw new NotFoundError(`No request ${requestId}`);
    }
    return row;
  }

  /**
   * Writes the change only if nobody changed the request since it was read;
   * the losing transaction rolls back whole and the caller retries on fresh
   * state.
   */
  private async compareAndSet(
    tx: Knex.Transaction,
    row: RequestRow,
    changes: Partial<RequestRow>,
  ): Promise<void> {
    const updated = await tx<RequestRow>('requests')
      .where({ id: row.id, version: row.version })
      .update({ ...changes, version: row.version + 1 });
    if (updated !== 1) {
      throw new StaleVersionError();
    }
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
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

  private async appendEvent(
    tx: Knex.Transaction,
    event: {
      requestId: string;
      type: RequestEvent['type'];
      actorRef: string;
      fromState?: RequestState;
      toState?: RequestState;
      data?: JsonObject;
      at: Date;
    },
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

  private async hydrate(
    db: Knex | Knex.Transaction,
    rows: RequestRow[],
  ): Promise<ServiceRequest[]> {
    if (rows.length === 0) {
      return [];
    }
    const ids = rows.map(row => row.id);
    const [stages, approvers, decisions] = await Promise.all([
      db<StageRow>('request_stages')
        .whereIn('request_id', ids)
        .orderBy('stage_index', 'asc'),
      db<StageApproverRow>('request_stage_approvers')
        .whereIn('request_id', ids)
        .orderBy('approver_ref', 'asc'),
      db<DecisionRow>('request_decisions')
        .whereIn('request_id', ids)
        .orderBy('id', 'asc'),
    ]);
    return rows.map(row => {
      const ownStages = stages
        .filter(stage => stage.request_id === row.id)
        .map(
          (stage): RequestApprovalStage => ({
            index: stage.stage_index,
            approverSpec: JSON.parse(stage.approver_spec),
            approvers: approvers
              .filter(
                a =>
                  a.request_id === row.id &&
                  a.stage_index === stage.stage_index,
              )
              .map(a => a.approver_ref),
            source: stage.source,
            policy: parsePolicy(stage.policy),
            required: stage.required,
            status: stage.status,
            decisions: decisions
              .filter(
                d =>
                  d.request_id === row.id &&
                  d.stage_index === stage.stage_index,
              )
              .map(d => ({
                stageIndex: d.stage_index,
                approverRef: d.approver_ref,
                decidedByRef: d.decided_by_ref,
                decision: d.decision,
                ...(d.comment ? { comment: d.comment } : {}),
                decidedAt: toIso(d.decided_at),
              })),
          }),
        );
      return {
        id: row.id,
        trackingNumber: formatTrackingNumber(row.sequence),
        offeringRef: row.offering_ref,
        offeringTitle: row.offering_title,
        offeringOwnerRef: row.offering_owner_ref,
        requesterRef: row.requester_ref,
        submittedByRef: row.submitted_by_ref,
        state: row.state,
        version: row.version,
        formValues: JSON.parse(row.form_values),
        stages: ownStages,
        ...(row.current_stage !== null
          ? { currentStage: row.current_stage }
          : {}),
        ...(row.assignee_ref ? { assigneeRef: row.assignee_ref } : {}),
        ...(row.sla_due_at ? { slaDueAt: toIso(row.sla_due_at) } : {}),
        fulfilment: row.fulfilment,
        ...(row.template_ref ? { templateRef: row.template_ref } : {}),
        ...(row.scaffolder_task_id
          ? { scaffolderTaskId: row.scaffolder_task_id }
          : {}),
        ...(row.failure ? { failure: JSON.parse(row.failure) } : {}),
        ...(row.extends_grant_id
          ? { extendsGrantId: row.extends_grant_id }
          : {}),
        createdAt: toIso(row.created_at),
        updatedAt: toIso(row.updated_at),
      };
    });
  }
}

/**
 * What a fulfilment transition changes besides the state: a failure keeps
 * its reason, and a retry clears the old task and claim so that a worker
 * starts a new one.
 */
function fulfilmentChanges(
  row: RequestRow,
  action: RequestAction,
  data: JsonObject | undefined,
): Partial<RequestRow> {
  if (action === 'fail') {
    const failure = data?.failure;
    return { failure: failure ? JSON.stringify(failure) : null };
  }
  if (action === 'retry') {
    return {
      failure: null,
      scaffolder_task_id: null,
      fulfilment_claimed_by: null,
      fulfilment_claimed_at: null,
      fulfilment_claimed_until: null,
      fulfilment_run: row.fulfilment_run + 1,
    };
  }
  return {};
}

function parsePolicy(policy: string): ApprovalPolicy {
  return policy === 'any' || policy === 'all' ? policy : Number(policy);
}

function toComment(row: CommentRow): RequestComment {
  return {
    id: row.id,
    authorRef: row.author_ref,
    body: row.body,
    visibility: row.visibility,
    createdAt: toIso(row.created_at),
  };
}

function toDelegation(row: DelegationRow): Delegation {
  return {
    id: row.id,
    approverRef: row.approver_ref,
    delegateRef: row.delegate_ref,
    startsAt: toIso(row.starts_at),
    endsAt: toIso(row.ends_at),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

/** Two identical decisions racing: the database's unique index wins. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}
