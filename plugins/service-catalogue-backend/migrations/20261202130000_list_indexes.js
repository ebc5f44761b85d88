// @ts-check

/**
 * Indexes for the keyset-paginated lists, so that a page costs what the
 * page holds rather than what the tables hold: the approver's inbox finds
 * the requests naming them on a stage and the pending ones in order, My
 * requests walks the requester's and the submitter's in order, and the
 * decided history finds a person's decisions.
 */
const indexes = [
  {
    table: 'requests',
    name: 'requests_state_sequence_idx',
    columns: ['state', 'sequence'],
  },
  {
    table: 'requests',
    name: 'requests_requester_sequence_idx',
    columns: ['requester_ref', 'sequence'],
  },
  {
    table: 'requests',
    name: 'requests_submitted_by_sequence_idx',
    columns: ['submitted_by_ref', 'sequence'],
  },
  {
    table: 'request_stage_approvers',
    name: 'request_stage_approvers_inbox_idx',
    columns: ['approver_ref', 'stage_index', 'request_id'],
  },
  {
    table: 'request_decisions',
    name: 'request_decisions_decided_by_idx',
    columns: ['decided_by_ref', 'request_id'],
  },
];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const { table, name, columns } of indexes) {
    await knex.schema.alterTable(table, t => {
      t.index(columns, name);
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const { table, name, columns } of [...indexes].reverse()) {
    await knex.schema.alterTable(table, t => {
      t.dropIndex(columns, name);
    });
  }
};
