// @ts-check

/**
 * Grants: the access a fulfilled request for a revocable offering leaves
 * behind, until it is revoked, given up or runs out. Requests keep what they
 * need to create one: the offering's target and its `grant` settings as they
 * were when the request was submitted.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('requests', table => {
    table.string('target_ref').nullable();
    table
      .text('grant_spec')
      .nullable()
      .comment(
        'JSON: the offering grant settings; absent for one-off services',
      );
  });

  await knex.schema.createTable('grants', table => {
    table.comment('Access held because a request was fulfilled');
    table.string('id', 36).primary();
    table
      .string('request_id', 36)
      .notNullable()
      .unique()
      .references('id')
      .inTable('requests')
      .comment('One grant per fulfilled request');
    table.string('holder_ref').notNullable().index();
    table.string('offering_ref').notNullable().index();
    table.string('offering_title').notNullable();
    table.string('offering_owner_ref').notNullable().index();
    table.string('target_ref').nullable().index();
    table.string('state', 16).notNullable().index();
    table
      .integer('version')
      .notNullable()
      .defaultTo(1)
      .comment('Bumped by every change; updates compare and set it');
    table.timestamp('granted_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable().index();
    table.timestamp('reminded_at', { useTz: true }).nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.string('end_reason', 16).nullable();
    table.string('ended_by_ref').nullable();
    table.string('revoke_template_ref').nullable();
    table.string('revoke_task_id').nullable();
    table.integer('revoke_run').notNullable().defaultTo(1);
    table.integer('revoke_attempts').notNullable().defaultTo(0);
    table.string('revoke_claimed_by').nullable();
    table.timestamp('revoke_claimed_until', { useTz: true }).nullable();
    table.text('failure').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('grants');
  await knex.schema.alterTable('requests', table => {
    table.dropColumn('grant_spec');
    table.dropColumn('target_ref');
  });
};
