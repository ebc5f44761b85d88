// @ts-check

/**
 * The gate: before the backend creates a provisioning or revoke task, it
 * records a one-time ticket for the run (only its hash), and the gate step
 * of the task lets exactly one task through with it. One row per request or
 * grant: a new run replaces the ticket of the last one.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gate_tickets', table => {
    table.comment('One-time tickets that let a scaffolder task pass the gate');
    table
      .string('purpose', 16)
      .notNullable()
      .comment('provision (a request) or revoke (a grant)');
    table
      .string('subject_id', 36)
      .notNullable()
      .comment('The request or grant id');
    table.integer('run').notNullable().comment('The run the ticket is for');
    table
      .string('secret_hash', 64)
      .notNullable()
      .comment('SHA-256 of the ticket, hex; the ticket itself is not kept');
    table
      .string('template_ref')
      .notNullable()
      .comment('The template the task must run');
    table.timestamp('issued_at', { useTz: true }).notNullable();
    table
      .string('passed_task_id')
      .nullable()
      .comment('The task the gate let through with it, once one did');
    table.timestamp('passed_at', { useTz: true }).nullable();
    table.primary(['purpose', 'subject_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gate_tickets');
};
