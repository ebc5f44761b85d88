// @ts-check

/**
 * The gate: before the backend creates a provisioning or revoke task, it
 * records a one-time ticket for the run (only its hash), and the gate step
 * of the task lets exactly one task through with it. One row per request or
 * grant: a new run replaces the ticket of the last one. A worker that takes
 * over from one that died now finds the task through the ticket, so the
 * claims no longer count their attempts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await dropColumnIfThere(knex, 'requests', 'fulfilment_attempts');
  await dropColumnIfThere(knex, 'grants', 'revoke_attempts');
  if (await knex.schema.hasTable('gate_tickets')) {
    return;
  }
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
  await knex.schema.dropTableIfExists('gate_tickets');
  await addAttemptsIfMissing(knex, 'grants', 'revoke_attempts');
  await addAttemptsIfMissing(knex, 'requests', 'fulfilment_attempts');
};

/**
 * SQLite drops a column by rebuilding the table. Inside a transaction it
 * cannot switch foreign keys off for that, and dropping the old table would
 * cascade to the stages, decisions and history of every request; outside
 * one, knex switches them off around the rebuild. Each step is atomic on
 * its own and checks before it acts, so a run that stopped half-way can run
 * again.
 */
exports.config = { transaction: false };

/**
 * @param {import('knex').Knex} knex
 * @param {string} tableName
 * @param {string} columnName
 */
async function dropColumnIfThere(knex, tableName, columnName) {
  if (await knex.schema.hasColumn(tableName, columnName)) {
    await knex.schema.alterTable(tableName, table => {
      table.dropColumn(columnName);
    });
  }
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} tableName
 * @param {string} columnName
 */
async function addAttemptsIfMissing(knex, tableName, columnName) {
  if (!(await knex.schema.hasColumn(tableName, columnName))) {
    await knex.schema.alterTable(tableName, table => {
      table
        .integer(columnName)
        .notNullable()
        .defaultTo(0)
        .comment('Claims in this run; more than one means a worker died');
    });
  }
}
