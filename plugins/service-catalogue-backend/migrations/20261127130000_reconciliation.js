// @ts-check

/**
 * Joiners, movers, leavers and swaps. A grant remembers the group whose
 * members get it as a birthright, so that leaving the group ends it, and
 * carries a flag for its owners' review when its holder no longer fits the
 * offering's audience. Departures keep a report of what was taken away from
 * someone who left; swaps move every holder of one offering to another and
 * keep their progress.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('grants', table => {
    table
      .string('birthright_group_ref')
      .nullable()
      .index()
      .comment('The group whose members hold it as a birthright, if so');
    table
      .text('review_reason')
      .nullable()
      .comment('Why its owners should look at it; null when all is well');
    table.timestamp('review_flagged_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('departures', table => {
    table.comment('What was taken away from someone who left');
    table.string('id', 36).primary();
    table.string('user_ref').notNullable().index();
    table.timestamp('detected_at', { useTz: true }).notNullable();
    table.string('reason', 32).notNullable().comment('missing or marked');
    table.text('revoked_grants').notNullable().comment('JSON: grant summaries');
    table
      .text('cancelled_requests')
      .notNullable()
      .comment('JSON: request summaries');
  });

  await knex.schema.createTable('swaps', table => {
    table.comment('Every holder of one offering moved to another');
    table.string('id', 36).primary();
    table.string('from_offering_ref').notNullable();
    table.string('to_offering_ref').notNullable();
    table.string('actor_ref').notNullable();
    table.string('state', 16).notNullable().comment('running or done');
    table.integer('total').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('swap_items', table => {
    table.comment('One holder of a swap');
    table
      .string('swap_id', 36)
      .notNullable()
      .references('id')
      .inTable('swaps')
      .onDelete('CASCADE');
    table.string('grant_id', 36).notNullable();
    table.string('holder_ref').notNullable();
    table.string('state', 16).notNullable().comment('waiting, moved, failed');
    table
      .string('request_id', 36)
      .nullable()
      .comment('The request for the new offering');
    table.text('failure').nullable();
    table.primary(['swap_id', 'grant_id']);
    table.index(['swap_id', 'state']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('swap_items');
  await knex.schema.dropTable('swaps');
  await knex.schema.dropTable('departures');
  await knex.schema.alterTable('grants', table => {
    table.dropIndex(['birthright_group_ref']);
    table.dropColumn('review_flagged_at');
    table.dropColumn('review_reason');
    table.dropColumn('birthright_group_ref');
  });
};
