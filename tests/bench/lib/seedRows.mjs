// The rows of one seeded request, as the service catalogue's migrations
// define them (plugins/service-catalogue-backend/migrations): its stages and
// their approvers, the decisions taken, its history and, once fulfilled, the
// grant. Proportions follow a portal after a year of use: most requests
// done, about one in eight waiting for a decision, a few rejected,
// cancelled or failed.
import { randomUUID } from 'node:crypto';
import { HEAVY_APPROVER, HEAVY_REQUESTER, managerOf, userRef } from './org.mjs';

const DAY = 86_400_000;
const YEAR = 365 * DAY;

/** One request in a hundred, by state; the rest are DONE. */
const STATE_BANDS = [
  [12, 'PENDING_APPROVAL'],
  [17, 'REJECTED'],
  [20, 'CANCELLED'],
  [22, 'FAILED'],
  [25, 'IN_PROGRESS'],
  [28, 'APPROVED'],
];

/** How many of the heavy approver's requests wait for them at most. */
export const HEAVY_WAITING = 10_000;

function decisionOutcome(decision, index, stageCount) {
  if (decision === 'reject') {
    return 'rejected';
  }
  return index === stageCount - 1 ? 'approved' : 'stage-approved';
}

function stateOf(i) {
  const band = i % 100;
  for (const [limit, state] of STATE_BANDS) {
    if (band < limit) {
      return state;
    }
  }
  return 'DONE';
}

const isoDuration = text => {
  const m = /^P(\d+)D$/.exec(text ?? '');
  return m ? Number(m[1]) * DAY : 90 * DAY;
};

/**
 * Makes the rows of request number `i` (from zero across all seeded
 * requests) with tracking sequence `sequence`. `context` holds the
 * offerings, the organisation and a counter of the heavy approver's
 * waiting requests.
 */
export function requestRows(i, sequence, context) {
  const { offerings, users, usersPerGroup, ownerMembers, now } = context;
  const offering = offerings[i % offerings.length];
  const u = 1 + ((i * 7919) % users);
  const requester =
    i % 100 === 50 ? `user:default/${HEAVY_REQUESTER}` : userRef(u);
  const manager = managerOf(u, usersPerGroup);
  // Requests still moving are recent and automatic ones are finished, as
  // on a live portal: otherwise the backend's jobs would spend the
  // measurements escalating year-old stages and following tasks that the
  // scaffolder never had.
  let state = stateOf(i);
  if (
    ['APPROVED', 'IN_PROGRESS'].includes(state) &&
    offering.fulfilment !== 'manual'
  ) {
    state = 'DONE';
  }
  const open = ['PENDING_APPROVAL', 'APPROVED', 'IN_PROGRESS'].includes(state);
  const createdAt = open
    ? now - 3_600_000 - ((i * 997) % (11 * 3_600_000))
    : now - YEAR + Math.floor((i * (YEAR - 2 * DAY)) / context.total);
  const id = randomUUID();

  const heavy =
    state === 'PENDING_APPROVAL'
      ? context.heavyWaiting < HEAVY_WAITING && ++context.heavyWaiting > 0
      : i % 10 === 0;
  const stageApprovers = offering.stages.map((word, index) => {
    if (index === 0 && word === 'manager') {
      return heavy ? [manager, `user:default/${HEAVY_APPROVER}`] : [manager];
    }
    const members = ownerMembers(word, offering);
    return index === 0 && heavy
      ? [...members, `user:default/${HEAVY_APPROVER}`]
      : members;
  });

  const stageCount = stageApprovers.length;
  let currentStage = null;
  let decidedStages = stageCount;
  if (state === 'PENDING_APPROVAL') {
    currentStage = heavy || stageCount < 2 ? 0 : i % 2;
    decidedStages = currentStage;
  } else if (state === 'REJECTED') {
    decidedStages = 1;
  } else if (state === 'CANCELLED') {
    decidedStages = 0;
  }

  const at = offset => new Date(createdAt + offset);
  const updatedAt = at(
    open ? decidedStages * 60_000 : (decidedStages + 2) * 3_600_000,
  );
  const deciderOf = index =>
    index === 0 && heavy
      ? `user:default/${HEAVY_APPROVER}`
      : stageApprovers[index][0];

  const stages = [];
  const approvers = [];
  const decisions = [];
  const events = [
    {
      request_id: id,
      type: 'submit',
      actor_ref: requester,
      from_state: null,
      to_state: 'NEW',
      data: null,
      created_at: at(0),
    },
    {
      request_id: id,
      type: 'route',
      actor_ref: requester,
      from_state: 'NEW',
      to_state: 'PENDING_APPROVAL',
      data: null,
      created_at: at(0),
    },
  ];
  stageApprovers.forEach((refs, index) => {
    let status = 'waiting';
    if (index < decidedStages) {
      status = state === 'REJECTED' ? 'rejected' : 'approved';
    } else if (index === currentStage) {
      status = 'active';
    } else if (state !== 'PENDING_APPROVAL') {
      status = 'skipped';
    }
    stages.push({
      request_id: id,
      stage_index: index,
      approver_spec: JSON.stringify([offering.stages[index]]),
      source: 'resolved',
      policy: 'any',
      required: 1,
      status,
    });
    for (const ref of new Set(refs)) {
      approvers.push({ request_id: id, stage_index: index, approver_ref: ref });
    }
    if (index < decidedStages) {
      const decision = state === 'REJECTED' ? 'reject' : 'approve';
      const by = deciderOf(index);
      const decidedAt = at((index + 1) * (open ? 60_000 : 3_600_000));
      decisions.push({
        request_id: id,
        stage_index: index,
        approver_ref: by,
        decided_by_ref: by,
        decision,
        comment: decision === 'reject' ? 'Not needed for this role' : null,
        decided_at: decidedAt,
      });
      events.push({
        request_id: id,
        type: 'decide',
        actor_ref: by,
        from_state: null,
        to_state: null,
        data: JSON.stringify({
          stageIndex: index,
          approverRef: by,
          decision,
          outcome: decisionOutcome(decision, index, stageCount),
        }),
        created_at: decidedAt,
      });
    }
  });
  const transition = (type, from, to, actor) =>
    events.push({
      request_id: id,
      type,
      actor_ref: actor,
      from_state: from,
      to_state: to,
      data: null,
      created_at: updatedAt,
    });
  if (state === 'REJECTED') {
    transition('reject', 'PENDING_APPROVAL', 'REJECTED', deciderOf(0));
  } else if (state === 'CANCELLED') {
    transition('cancel', 'PENDING_APPROVAL', 'CANCELLED', requester);
  } else if (state !== 'PENDING_APPROVAL') {
    const last = deciderOf(stageCount - 1);
    transition('approve', 'PENDING_APPROVAL', 'APPROVED', last);
    if (state !== 'APPROVED') {
      transition(
        'start',
        'APPROVED',
        'IN_PROGRESS',
        'plugin:service-catalogue',
      );
    }
    if (state === 'DONE') {
      transition('complete', 'IN_PROGRESS', 'DONE', 'plugin:service-catalogue');
    } else if (state === 'FAILED') {
      transition('fail', 'IN_PROGRESS', 'FAILED', 'plugin:service-catalogue');
    }
  }

  const automatic = offering.fulfilment === 'automatic';
  const request = {
    sequence,
    id,
    offering_ref: offering.ref,
    offering_title: offering.title,
    offering_owner_ref: offering.owner,
    requester_ref: requester,
    submitted_by_ref: requester,
    state,
    version: events.length,
    form_values: JSON.stringify({
      forUser: requester,
      justification: `Needed for project ${i % 997}`,
    }),
    current_stage: currentStage,
    assignee_ref: state === 'IN_PROGRESS' ? 'user:default/ken' : null,
    sla_due_at: at(2 * DAY),
    scaffolder_task_id:
      automatic && ['IN_PROGRESS', 'DONE', 'FAILED'].includes(state)
        ? randomUUID()
        : null,
    created_at: at(0),
    updated_at: updatedAt,
    fulfilment: offering.fulfilment,
    template_ref: offering.template,
    fulfilment_claimed_by: null,
    fulfilment_claimed_at: null,
    fulfilment_claimed_until: null,
    fulfilment_run: 1,
    failure:
      state === 'FAILED'
        ? JSON.stringify({ stepId: 'provision', message: 'Timed out' })
        : null,
    target_ref: offering.target,
    grant_spec: offering.grant ? JSON.stringify(offering.grant) : null,
    extends_grant_id: null,
  };

  const grants = [];
  if (state === 'DONE' && offering.grant) {
    // Grants past their end have ended, and those ending within the
    // reminder window were reminded: the expiry job finds what it would on
    // a portal that has been running all along.
    const grantedAt = updatedAt.getTime();
    const expiresAt = grantedAt + isoDuration(offering.grant.duration);
    const ended = expiresAt <= now || i % 5 === 0;
    const endedAt = expiresAt <= now ? expiresAt : grantedAt + 10 * DAY;
    grants.push({
      id: randomUUID(),
      request_id: id,
      holder_ref: requester,
      offering_ref: offering.ref,
      offering_title: offering.title,
      offering_owner_ref: offering.owner,
      target_ref: offering.target,
      state: ended ? 'ended' : 'active',
      version: ended ? 2 : 1,
      granted_at: new Date(grantedAt),
      expires_at: new Date(expiresAt),
      reminded_at:
        !ended && expiresAt - now < 30 * DAY ? new Date(now - 3_600_000) : null,
      ended_at: ended ? new Date(Math.min(endedAt, now)) : null,
      end_reason: ended ? (expiresAt <= now ? 'expired' : 'revoked') : null,
      ended_by_ref: null,
      revoke_template_ref: offering.grant.revokeTemplate ?? null,
      revoke_task_id: null,
      revoke_run: 1,
      revoke_claimed_by: null,
      revoke_claimed_until: null,
      failure: null,
      birthright_group_ref: null,
      review_reason: null,
      review_flagged_at: null,
    });
  }

  return { request, stages, approvers, decisions, events, grants };
}

/** Someone who left, with what was taken away from them. */
export function departureRow(d, context) {
  return {
    id: randomUUID(),
    user_ref: `user:default/bench-leaver-${d}`,
    detected_at: new Date(context.now - (d % 365) * DAY),
    reason: d % 2 ? 'missing' : 'marked',
    revoked_grants: JSON.stringify([]),
    cancelled_requests: JSON.stringify([]),
  };
}
