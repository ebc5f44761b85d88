// @ts-check

/**
 * One partial index per warning or due time: its name, the time, and the
 * column that marks it sent.
 *
 * @type {Array<[string, string, string]>}
 */
const ALARM_INDEXES = [
  [
    'requests_response_due_alarm_idx',
    'response_due_at',
    'response_breached_at',
  ],
  [
    'requests_response_warn_alarm_idx',
    'response_warn_at',
    'response_warned_at',
  ],
  ['requests_sla_due_alarm_idx', 'sla_due_at', 'resolution_breached_at'],
  [
    'requests_resolution_warn_alarm_idx',
    'resolution_warn_at',
    'resolution_warned_at',
  ],
];

const STAGE_DEADLINE_INDEX = 'request_stages_deadline_alarm_idx';

/**
 * Time: the SLA clock on a request and the deadline of an approval stage.
 * A request keeps the terms of its SLA as they were when it was submitted
 * (the policy and its calendar), its due and warning times, when a person
 * first acted on it, markers for each warning and breach that was sent (so
 * that the job sends each once, also after a restart), and at its end
 * whether the SLA was met and the business time it took. A stage keeps its
 * timeout as the offering said, whom it escalates to, when it opened, its
 * deadline, and markers for the reminder and the timeout.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!(await knex.schema.hasColumn('requests', 'sla_terms'))) {
    await knex.schema.alterTable('requests', table => {
      table
        .string('sla_policy_id')
        .nullable()
        .comment('The SLA policy the offering named; null without one');
      table
        .text('sla_terms')
        .nullable()
        .comment('JSON: the policy and its calendar as at submission');
      table.timestamp('response_due_at', { useTz: true }).nullable();
      table.timestamp('response_warn_at', { useTz: true }).nullable();
      table.timestamp('resolution_warn_at', { useTz: true }).nullable();
      table
        .timestamp('responded_at', { useTz: true })
        .nullable()
        .comment('The first human action: a decision, or the desk taking it');
      table.timestamp('response_warned_at', { useTz: true }).nullable();
      table.timestamp('response_breached_at', { useTz: true }).nullable();
      table.timestamp('resolution_warned_at', { useTz: true }).nullable();
      table.timestamp('resolution_breached_at', { useTz: true }).nullable();
      table.timestamp('ended_at', { useTz: true }).nullable();
      table
        .boolean('sla_met')
        .nullable()
        .comment('Set when a request with an SLA ends');
      table
        .integer('sla_business_minutes')
        .nullable()
        .comment('Business minutes from submission to the end');
      table.index(['sla_due_at'], 'requests_sla_due_at_idx');
    });
    // Until now sla_due_at held a guess from the offering's estimatedDelay;
    // from here on it is an SLA's resolution due time, and a guess would
    // sort and alarm among real promises. Stepping down does not bring the
    // guesses back.
    await knex('requests')
      .whereNull('sla_terms')
      .whereNotNull('sla_due_at')
      .update({ sla_due_at: null });
    // The deadline job asks, every minute, which open requests passed a
    // warning or due time it has not yet acted on. Each index holds only
    // those rows, so the job reads what is due, not every request ever made;
    // a row leaves it when its mark is claimed or the request ends.
    for (const [name, at, sent] of ALARM_INDEXES) {
      await knex.schema.alterTable('requests', table => {
        table.index([at], name, {
          predicate: knex
            .whereNotNull(at)
            .whereNull(sent)
            .whereNull('ended_at'),
        });
      });
    }
  }
  if (!(await knex.schema.hasColumn('request_stages', 'deadline_at'))) {
    await knex.schema.alterTable('request_stages', table => {
      table
        .string('timeout', 64)
        .nullable()
        .comment("ISO 8601 duration from the offering's stage");
      table.string('on_timeout', 16).nullable().comment('escalate or reject');
      table
        .text('escalate_to')
        .nullable()
        .comment('JSON: user refs escalateTo resolved to at submission');
      table.timestamp('opened_at', { useTz: true }).nullable();
      table.timestamp('deadline_at', { useTz: true }).nullable();
      table.timestamp('reminded_at', { useTz: true }).nullable();
      table.timestamp('timed_out_at', { useTz: true }).nullable();
      table.index(['deadline_at'], STAGE_DEADLINE_INDEX, {
        predicate: knex
          .whereRaw("status = 'active'")
          .whereNotNull('deadline_at')
          .whereNull('timed_out_at'),
      });
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (await knex.schema.hasColumn('request_stages', 'deadline_at')) {
    await knex.schema.alterTable('request_stages', table => {
      table.dropIndex(['deadline_at'], STAGE_DEADLINE_INDEX);
    });
    await knex.schema.alterTable('request_stages', table => {
      table.dropColumns(
        'timeout',
        'on_timeout',
        'escalate_to',
        'opened_at',
        'deadline_at',
        'reminded_at',
        'timed_out_at',
      );
    });
  }
  if (await knex.schema.hasColumn('requests', 'sla_terms')) {
    for (const [name, at] of ALARM_INDEXES) {
      await knex.schema.alterTable('requests', table => {
        table.dropIndex([at], name);
      });
    }
    await knex.schema.alterTable('requests', table => {
      table.dropIndex(['sla_due_at'], 'requests_sla_due_at_idx');
      table.dropColumns(
        'sla_policy_id',
        'sla_terms',
        'response_due_at',
        'response_warn_at',
        'resolution_warn_at',
        'responded_at',
        'response_warned_at',
        'response_breached_at',
        'resolution_warned_at',
        'resolution_breached_at',
        'ended_at',
        'sla_met',
        'sla_business_minutes',
      );
    });
  }
};

/**
 * SQLite drops a column by rebuilding the table; inside a transaction it
 * cannot switch foreign keys off for that, and dropping the old requests
 * table would cascade to every request's stages and history. Each step
 * checks before it acts, so a run that stopped half-way can run again.
 */
exports.config = { transaction: false };
