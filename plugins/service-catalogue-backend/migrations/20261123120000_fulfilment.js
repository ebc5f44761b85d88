// @ts-check

/**
 * Fulfilment: how each request is fulfilled (a snapshot of the offering's
 * mode and template when it was submitted), and the claim that lets exactly
 * one backend replica start its scaffolder task.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('requests', table => {
    table
      .string('fulfilment', 16)
      .notNullable()
      .defaultTo('manual')
      .comment('automatic (a scaffolder task) or manual (the desk)');
    table
      .string('template_ref')
      .nullable()
      .comment('The template whose steps provision an automatic request');
    table
      .string('fulfilment_claimed_by')
      .nullable()
      .comment('The worker run that may start the task until the lease ends');
    table.timestamp('fulfilment_claimed_at', { useTz: true }).nullable();
    table.timestamp('fulfilment_claimed_until', { useTz: true }).nullable();
    table
      .integer('fulfilment_run')
      .notNullable()
      .defaultTo(1)
      .comment('Counts retries: each run starts at most one task');
    table
      .integer('fulfilment_attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Claims in this run; more than one means a worker died');
    table
      .text('failure')
      .nullable()
      .comment('JSON: the failing step and its message, while FAILED');
    table.index(['state', 'fulfilment'], 'requests_fulfilment_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('requests', table => {
    table.dropIndex(['state', 'fulfilment'], 'requests_fulfilment_idx');
    table.dropColumn('failure');
    table.dropColumn('fulfilment_attempts');
    table.dropColumn('fulfilment_run');
    table.dropColumn('fulfilment_claimed_until');
    table.dropColumn('fulfilment_claimed_at');
    table.dropColumn('fulfilment_claimed_by');
    table.dropColumn('template_ref');
    table.dropColumn('fulfilment');
  });
};
