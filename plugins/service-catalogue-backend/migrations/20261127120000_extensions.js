// @ts-check

/**
 * Extensions: a holder asks for more time on a grant with a request that
 * goes through the offering's approval and, once approved, moves the
 * grant's end. The request names the grant it extends.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('requests', table => {
    table
      .string('extends_grant_id', 36)
      .nullable()
      .index()
      .comment('The grant whose end this request moves, when approved');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // SQLite drops a column by copying the table, which the grants referring
  // to the requests would refuse; foreign keys can only be switched off
  // outside a transaction, hence `config.transaction` below.
  const sqlite = knex.client.config.client.includes('sqlite');
  if (sqlite) {
    await knex.raw('PRAGMA foreign_keys = OFF');
  }
  try {
    await knex.schema.alterTable('requests', table => {
      table.dropIndex(['extends_grant_id']);
      table.dropColumn('extends_grant_id');
    });
  } finally {
    if (sqlite) {
      await knex.raw('PRAGMA foreign_keys = ON');
    }
  }
};

exports.config = { transaction: false };
