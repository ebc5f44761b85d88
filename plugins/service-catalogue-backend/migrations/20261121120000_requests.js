// @ts-check

/**
 * Requests, their approval stages and approvers, decisions, comments, an
 * append-only history, and approvers' delegations.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('requests', table => {
    table.comment('Requests for offerings of the service catalogue');
    // The sequence gives the human tracking number (REQ-000123); the uuid is
    // what the API and other tables use, so numbers never have to be reused.
    table.increments('sequence').primary();
    table.string('id', 36).notNullable().unique();
    table.string('offering_ref').notNullable();
    table.string('offering_title').notNullable();
    table
      .string('offering_owner_ref')
      .notNullable()
      .index()
      .comment('The owner when submitted: owners see and fulfil the request');
    table.string('requester_ref').notNullable().index();
    table.string('submitted_by_ref').notNullable().index();
    table.string('state', 32).notNullable().index();
    table
      .integer('version')
      .notNullable()
      .defaultTo(1)
      .comment('Bumped by every change; updates compare and set it');
    table.text('form_values').notNullable().comment('JSON of the form values');
    table.integer('current_stage').nullable();
    table.string('assignee_ref').nullable();
    table.timestamp('sla_due_at', { useTz: true }).nullable();
    table.string('scaffolder_task_id').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('request_stages', table => {
    table.comment('Approval stages of a request, resolved at submission');
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('requests')
      .onDelete('CASCADE');
    table.integer('stage_index').notNullable();
    table
      .text('approver_spec')
      .notNullable()
      .comment('JSON: the offering words and refs of the stage');
    table.string('source', 16).notNullable();
    table.string('policy', 16).notNullable();
    table.integer('required').notNullable();
    table.string('status', 16).notNullable();
    table.primary(['request_id', 'stage_index']);
  });

  await knex.schema.createTable('request_stage_approvers', table => {
    table.comment('Who may decide a stage: a snapshot taken at submission');
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('requests')
      .onDelete('CASCADE');
    table.integer('stage_index').notNullable();
    table.string('approver_ref').notNullable().index();
    table.primary(['request_id', 'stage_index', 'approver_ref']);
  });

  await knex.schema.createTable('request_decisions', table => {
    table.comment('Approve and reject decisions, one per approver and stage');
    table.increments('id').primary();
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('requests')
      .onDelete('CASCADE');
    table.integer('stage_index').notNullable();
    table.string('approver_ref').notNullable();
    table.string('decided_by_ref').notNullable().index();
    table.string('decision', 16).notNullable();
    table.text('comment').nullable();
    table.timestamp('decided_at', { useTz: true }).notNullable();
    table.unique(['request_id', 'stage_index', 'approver_ref'], {
      indexName: 'request_decisions_one_per_approver_idx',
    });
    // A delegate standing in for several approvers still decides once.
    table.unique(['request_id', 'stage_index', 'decided_by_ref'], {
      indexName: 'request_decisions_one_per_person_idx',
    });
  });

  await knex.schema.createTable('request_comments', table => {
    table.comment('Comments, internal (approvers, owners, desk) or external');
    table.string('id', 36).primary();
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('requests')
      .onDelete('CASCADE');
    table.string('author_ref').notNullable();
    table.text('body').notNullable();
    table.string('visibility', 16).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['request_id', 'created_at']);
  });

  await knex.schema.createTable('request_events', table => {
    table.comment('Append-only history of every request');
    table.increments('id').primary();
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('requests')
      .onDelete('CASCADE');
    table.string('type', 32).notNullable();
    table.string('actor_ref').notNullable();
    table.string('from_state', 32).nullable();
    table.string('to_state', 32).nullable();
    table.text('data').nullable().comment('JSON with details of the event');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['request_id', 'id']);
  });

  await knex.schema.createTable('approval_delegations', table => {
    table.comment('An approver lets a delegate decide for them for a period');
    table.string('id', 36).primary();
    table.string('approver_ref').notNullable().index();
    table.string('delegate_ref').notNullable().index();
    table.timestamp('starts_at', { useTz: true }).notNullable();
    table.timestamp('ends_at', { useTz: true }).notNullable();
    table.text('reason').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('approval_delegations');
  await knex.schema.dropTable('request_events');
  await knex.schema.dropTable('request_comments');
  await knex.schema.dropTable('request_decisions');
  await knex.schema.dropTable('request_stage_approvers');
  await knex.schema.dropTable('request_stages');
  await knex.schema.dropTable('requests');
};
