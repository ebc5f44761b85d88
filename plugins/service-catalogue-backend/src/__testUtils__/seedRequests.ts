import { RequestState } from '@service-catalogue/plugin-service-catalogue-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

/** A request as a list test needs it, written straight into the tables. */
export interface SeededRequest {
  requesterRef: string;
  submittedByRef?: string;
  offeringOwnerRef?: string;
  state?: RequestState;
  currentStage?: number | null;
  /** The approvers of each stage. */
  stages: string[][];
  decisions?: { stage: number; approverRef: string; decidedByRef?: string }[];
}

const BATCH = 200;

/**
 * Writes many requests in a few bulk inserts, where going through the
 * lifecycle one by one would take minutes: for the tests of lists that
 * must hold at thousands of rows. Returns the ids in insertion order,
 * which is the order of their sequence.
 */
export async function seedRequests(
  knex: Knex,
  requests: SeededRequest[],
): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date();
  for (let start = 0; start < requests.length; start += BATCH) {
    const batch = requests.slice(start, start + BATCH);
    const batchIds = batch.map(() => randomUUID());
    ids.push(...batchIds);
    await knex('requests').insert(
      batch.map((r, i) => ({
        id: batchIds[i],
        offering_ref: 'offering:default/vpn-access',
        offering_title: 'VPN access',
        offering_owner_ref: r.offeringOwnerRef ?? 'group:default/network-team',
        requester_ref: r.requesterRef,
        submitted_by_ref: r.submittedByRef ?? r.requesterRef,
        state: r.state ?? 'PENDING_APPROVAL',
        version: 1,
        form_values: '{}',
        current_stage: r.currentStage === undefined ? 0 : r.currentStage,
        fulfilment: 'manual',
        created_at: now,
        updated_at: now,
      })),
    );
    const stages = batch.flatMap((r, i) =>
      r.stages.map((_, index) => ({
        request_id: batchIds[i],
        stage_index: index,
        approver_spec: '["owner"]',
        source: 'resolved',
        policy: 'any',
        required: 1,
        status: index === (r.currentStage ?? 0) ? 'active' : 'waiting',
      })),
    );
    const approvers = batch.flatMap((r, i) =>
      r.stages.flatMap((refs, index) =>
        refs.map(approverRef => ({
          request_id: batchIds[i],
          stage_index: index,
          approver_ref: approverRef,
        })),
      ),
    );
    const decisions = batch.flatMap((r, i) =>
      (r.decisions ?? []).map(d => ({
        request_id: batchIds[i],
        stage_index: d.stage,
        approver_ref: d.approverRef,
        decided_by_ref: d.decidedByRef ?? d.approverRef,
        decision: 'approve',
        decided_at: now,
      })),
    );
    for (const [table, rows] of [
      ['request_stages', stages],
      ['request_stage_approvers', approvers],
      ['request_decisions', decisions],
    ] as const) {
      for (let at = 0; at < rows.length; at += BATCH) {
        await knex(table).insert(rows.slice(at, at + BATCH));
      }
    }
  }
  return ids;
}
