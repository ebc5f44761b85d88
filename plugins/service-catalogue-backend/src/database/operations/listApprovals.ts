import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { RequestFilter } from '../../permissions/rules';
import { applyRequestFilter } from '../requestFilter';
import { hydrateRequests } from '../requestRows';
import { RequestPage } from '../RequestStore';
import { RequestRow } from '../tables';

/**
 * How far a paged list counts its rows.
 *
 * @internal
 */
export const COUNT_LIMIT = 1000;

/**
 * The approver's inbox as one query: the rule of `approverToDecideFor`
 * (approvals/whoMayDecide.ts) in SQL, so that a page holds exactly the
 * requests the user can act on and its cost does not grow with the rows
 * the rule would have thrown away.
 *
 * @internal
 */
export async function listAwaitingDecision(
  db: Knex,
  query: {
    userRef: string;
    delegatorRefs: string[];
    readable?: PermissionCriteria<RequestFilter>;
    afterSequence?: number;
    limit: number;
  },
): Promise<RequestPage> {
  const { userRef } = query;
  const delegators = query.delegatorRefs.filter(ref => ref !== userRef);

  // An approver of the current stage whose voice is not counted yet.
  const undecidedApprover = (refs: string[]) =>
    db('request_stage_approvers as a')
      .select(db.raw('1'))
      .whereRaw('a.request_id = requests.id')
      .whereRaw('a.stage_index = requests.current_stage')
      .whereIn('a.approver_ref', refs)
      .whereNotExists(
        db('request_decisions as d')
          .select(db.raw('1'))
          .whereRaw('d.request_id = a.request_id')
          .whereRaw('d.stage_index = a.stage_index')
          .whereRaw('d.approver_ref = a.approver_ref'),
      );

  const inbox = db<RequestRow>('requests')
    .where('requests.state', 'PENDING_APPROVAL')
    .whereNotNull('requests.current_stage')
    // One voice per person and stage, whoever they stood in for.
    .whereNotExists(
      db('request_decisions as mine')
        .select(db.raw('1'))
        .whereRaw('mine.request_id = requests.id')
        .whereRaw('mine.stage_index = requests.current_stage')
        .where('mine.decided_by_ref', userRef),
    )
    .where(who => {
      who.whereExists(undecidedApprover([userRef]));
      if (delegators.length > 0) {
        // Never as someone's delegate on one's own request.
        who.orWhere(delegated =>
          delegated
            .whereNot('requests.requester_ref', userRef)
            .whereNot('requests.submitted_by_ref', userRef)
            .whereExists(undecidedApprover(delegators)),
        );
      }
    });
  if (query.readable) {
    inbox.where(builder => applyRequestFilter(builder, query.readable!, db));
  }
  return page(db, inbox, {
    order: 'asc',
    from: query.afterSequence,
    limit: query.limit,
  });
}

/**
 * The requests a user decided on, newest first.
 *
 * @internal
 */
export async function listDecidedBy(
  db: Knex,
  query: {
    userRef: string;
    readable?: PermissionCriteria<RequestFilter>;
    beforeSequence?: number;
    limit: number;
  },
): Promise<RequestPage> {
  const decided = db<RequestRow>('requests').whereExists(
    db('request_decisions as d')
      .select(db.raw('1'))
      .whereRaw('d.request_id = requests.id')
      .where('d.decided_by_ref', query.userRef),
  );
  if (query.readable) {
    decided.where(builder => applyRequestFilter(builder, query.readable!, db));
  }
  return page(db, decided, {
    order: 'desc',
    from: query.beforeSequence,
    limit: query.limit,
  });
}

/**
 * One keyset page of a filtered query on `requests`, ordered by sequence:
 * one row more than asked tells whether another page follows, and the
 * page is hydrated in a fixed number of queries. The total is counted up
 * to {@link COUNT_LIMIT}.
 *
 * @internal
 */
export async function page(
  db: Knex,
  filtered: Knex.QueryBuilder<RequestRow>,
  options: { order: 'asc' | 'desc'; from?: number; limit: number },
): Promise<RequestPage> {
  // Counting stops past COUNT_LIMIT: an exact count would cost what the
  // whole list costs, and nobody pages through thousands to check it.
  const [{ count }] = await db
    .count<{ count: number | string }[]>({ count: '*' })
    .from(
      filtered
        .clone()
        .select(db.raw('1 as one'))
        .limit(COUNT_LIMIT + 1)
        .as('capped'),
    );
  const rows: RequestRow[] = await filtered
    .clone()
    .modify(builder => {
      if (options.from !== undefined) {
        builder.where(
          'requests.sequence',
          options.order === 'asc' ? '>' : '<',
          options.from,
        );
      }
    })
    .select('requests.*')
    .orderBy('requests.sequence', options.order)
    .limit(options.limit + 1);
  const shown = rows.slice(0, options.limit);
  return {
    items: await hydrateRequests(db, shown),
    totalCount: Math.min(Number(count), COUNT_LIMIT),
    ...(Number(count) > COUNT_LIMIT ? { totalCountCapped: true } : {}),
    ...(rows.length > options.limit
      ? { next: shown[shown.length - 1].sequence }
      : {}),
  };
}
