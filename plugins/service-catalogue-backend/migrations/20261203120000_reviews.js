// @ts-check

/**
 * Access reviews. A campaign is a snapshot of the grants active when it
 * opened, one line per grant, each with the reviewers resolved then; lines
 * keep what the grant was (holder, offering, since when, why) so that later
 * changes do not rewrite what was reviewed. A scheduled campaign carries a
 * schedule key, unique, so that two replicas opening the same one at the
 * same instant open it once. An offering is under at most one open campaign,
 * which the database enforces: otherwise a keep in one campaign would not
 * count in the other, whose deadline would revoke what was just kept. A
 * grant remembers the review line that ended it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('review_campaigns', table => {
    table.comment('Access review campaigns');
    table.string('id', 36).primary();
    table.string('title').notNullable();
    table.string('scope_kind', 16).notNullable().comment('offering or owner');
    table.string('scope_ref').notNullable();
    table.string('trigger', 16).notNullable().comment('schedule or manual');
    table
      .string('schedule_key')
      .nullable()
      .unique()
      .comment('<offeringRef>#<n> for scheduled ones: opened once');
    table.string('opened_by_ref').notNullable();
    table.timestamp('opened_at', { useTz: true }).notNullable();
    table.timestamp('deadline_at', { useTz: true }).notNullable();
    table.string('state', 16).notNullable();
    table.timestamp('closed_at', { useTz: true }).nullable();
    table.timestamp('reminded_at', { useTz: true }).nullable();
    table
      .text('owner_refs')
      .notNullable()
      .comment('JSON: the owners of the offerings it covers');
    table
      .integer('version')
      .notNullable()
      .defaultTo(1)
      .comment('Bumped by every change; updates compare and set it');
    table.index(['state', 'deadline_at'], 'review_campaigns_open_idx');
    table.index(['opened_at', 'id'], 'review_campaigns_opened_idx');
    // The open (or closed) campaigns, newest first, by keyset.
    table.index(
      ['state', 'opened_at', 'id'],
      'review_campaigns_state_opened_idx',
    );
    // The job's "when did this offering's last scheduled campaign open".
    table.index(
      ['scope_ref', 'trigger', 'opened_at'],
      'review_campaigns_schedule_idx',
    );
  });

  await knex.schema.createTable('review_campaign_owners', table => {
    table.comment('Who owns what a campaign covers, for their list');
    table
      .string('campaign_id', 36)
      .notNullable()
      .references('id')
      .inTable('review_campaigns')
      .onDelete('CASCADE');
    table.string('owner_ref').notNullable();
    table.primary(['campaign_id', 'owner_ref']);
    table.index(['owner_ref', 'campaign_id'], 'review_campaign_owners_idx');
  });

  await knex.schema.createTable('review_campaign_offerings', table => {
    table.comment('The offerings a campaign covers; open while it is');
    table
      .string('campaign_id', 36)
      .notNullable()
      .references('id')
      .inTable('review_campaigns')
      .onDelete('CASCADE');
    table.string('offering_ref').notNullable();
    table.boolean('open').notNullable().defaultTo(true);
    table.primary(['campaign_id', 'offering_ref']);
  });
  // Two openings over one offering at once: the second insert fails.
  await knex.schema.alterTable('review_campaign_offerings', table => {
    table.unique(['offering_ref'], {
      indexName: 'review_campaign_offerings_open_idx',
      predicate: knex.whereRaw('open = true'),
    });
  });

  await knex.schema.createTable('review_lines', table => {
    table.comment('One grant in a campaign, as it was when it opened');
    table.string('id', 36).primary();
    table
      .string('campaign_id', 36)
      .notNullable()
      .references('id')
      .inTable('review_campaigns')
      .onDelete('CASCADE');
    table.string('grant_id', 36).notNullable().index();
    table.string('holder_ref').notNullable();
    table.string('offering_ref').notNullable();
    table.string('offering_title').notNullable();
    table.string('offering_owner_ref').notNullable();
    table.string('target_ref').nullable();
    table.timestamp('granted_at', { useTz: true }).notNullable();
    table.string('origin', 16).notNullable();
    table.string('tracking_number').notNullable();
    table.string('on_undecided', 8).notNullable();
    table
      .timestamp('deadline_at', { useTz: true })
      .notNullable()
      .comment("The campaign's deadline, for the reviewers' order");
    table.string('decision', 8).nullable();
    table.string('decided_by_ref').nullable();
    table.string('decided_for_ref').nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.boolean('automatic').notNullable().defaultTo(false);
    table.text('reason').nullable();
    table
      .boolean('no_reviewer')
      .notNullable()
      .defaultTo(false)
      .comment('Nobody could be resolved: administrators decide it');
    table.integer('version').notNullable().defaultTo(1);
    table.index(['campaign_id', 'id'], 'review_lines_campaign_idx');
    table.index(['deadline_at', 'id'], 'review_lines_no_reviewer_idx', {
      predicate: knex.whereRaw('no_reviewer = true and decision is null'),
    });
  });

  await knex.schema.createTable('review_line_reviewers', table => {
    table.comment('Who reviews a line, resolved when the campaign opened');
    table
      .string('line_id', 36)
      .notNullable()
      .references('id')
      .inTable('review_lines')
      .onDelete('CASCADE');
    table.string('reviewer_ref').notNullable();
    table
      .timestamp('deadline_at', { useTz: true })
      .notNullable()
      .comment("The campaign's deadline, for the reviewers' order");
    table
      .boolean('waiting')
      .notNullable()
      .defaultTo(true)
      .comment('Until the line is decided');
    table.primary(['line_id', 'reviewer_ref']);
  });
  // "The lines waiting for me", keyset-paged soonest deadline first: the
  // index holds only undecided lines, so a page costs a page, whatever was
  // decided. The deadline is the campaign's, copied here (it never moves)
  // because an index cannot span two tables.
  await knex.schema.alterTable('review_line_reviewers', table => {
    table.index(
      ['reviewer_ref', 'deadline_at', 'line_id'],
      'review_line_reviewers_inbox_idx',
      {
        predicate: knex.whereRaw('waiting = true'),
      },
    );
  });

  await knex.schema.createTable('review_events', table => {
    table.comment('The history of a campaign');
    table.increments('id').primary();
    table
      .string('campaign_id', 36)
      .notNullable()
      .references('id')
      .inTable('review_campaigns')
      .onDelete('CASCADE');
    table.string('type', 16).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('actor_ref').notNullable();
    table.string('line_id', 36).nullable();
    table.text('message').notNullable();
    table.index(['campaign_id', 'id'], 'review_events_campaign_idx');
  });

  await knex.schema.alterTable('grants', table => {
    table
      .string('ended_by_review_line_id', 36)
      .nullable()
      .comment('The review line whose decision ended the grant');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('grants', table => {
    table.dropColumn('ended_by_review_line_id');
  });
  await knex.schema.dropTable('review_events');
  await knex.schema.dropTable('review_line_reviewers');
  await knex.schema.dropTable('review_lines');
  await knex.schema.dropTable('review_campaign_offerings');
  await knex.schema.dropTable('review_campaign_owners');
  await knex.schema.dropTable('review_campaigns');
};
