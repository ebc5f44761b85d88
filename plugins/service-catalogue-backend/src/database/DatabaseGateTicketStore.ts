import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GateTicketKey, GateTicketStore } from './GateTicketStore';
import { GateTicketRow } from './tables';

const hash = (ticket: string) =>
  createHash('sha256').update(ticket, 'utf8').digest('hex');

/**
 * The {@link GateTicketStore} on the plugin's database.
 *
 * @internal
 */
export class DatabaseGateTicketStore implements GateTicketStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseGateTicketStore> {
    return new DatabaseGateTicketStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async issue(
    key: GateTicketKey & { templateRef: string },
  ): Promise<{ ticket: string } | { taskId: string }> {
    const ticket = randomBytes(32).toString('base64url');
    const fresh = {
      run: key.run,
      secret_hash: hash(ticket),
      template_ref: key.templateRef.toLocaleLowerCase('en-US'),
      issued_at: new Date(),
      passed_task_id: null,
      passed_at: null,
    };
    const where = { purpose: key.purpose, subject_id: key.subjectId };
    for (let attempt = 0; ; attempt++) {
      // A later run replaces the ticket of an earlier one; within a run, a
      // ticket a task already passed with stays spent. An earlier run never
      // replaces a later one: its worker is stale.
      const updated = await this.db<GateTicketRow>('gate_tickets')
        .where(where)
        .where(builder =>
          builder
            .where('run', '<', key.run)
            .orWhere(same =>
              same.where('run', key.run).whereNull('passed_task_id'),
            ),
        )
        .update(fresh);
      if (updated > 0) {
        return { ticket };
      }
      const row = await this.db<GateTicketRow>('gate_tickets')
        .where(where)
        .first();
      if (row?.passed_task_id && row.run === key.run) {
        return { taskId: row.passed_task_id };
      }
      if (row && row.run > key.run) {
        throw new ConflictError(
          `Run ${key.run} of ${key.subjectId} is over; run ${row.run} is the current one`,
        );
      }
      if (!row) {
        try {
          await this.db<GateTicketRow>('gate_tickets').insert({
            ...where,
            ...fresh,
          });
          return { ticket };
        } catch (error) {
          // Another issue for the same subject inserted first; look again.
          if (attempt > 2) {
            throw error;
          }
        }
      }
    }
  }

  async pass(
    options: GateTicketKey & {
      ticket: string;
      taskId: string;
      templateRef: string;
    },
  ): Promise<'passed' | 'unknown' | 'other-template' | 'used'> {
    const where = { purpose: options.purpose, subject_id: options.subjectId };
    const row = await this.db<GateTicketRow>('gate_tickets')
      .where(where)
      .first();
    const expected = Buffer.from(row?.secret_hash ?? '', 'utf8');
    const given = Buffer.from(hash(options.ticket), 'utf8');
    if (
      !row ||
      row.run !== options.run ||
      expected.length !== given.length ||
      !timingSafeEqual(expected, given)
    ) {
      return 'unknown';
    }
    if (row.template_ref !== options.templateRef.toLocaleLowerCase('en-US')) {
      return 'other-template';
    }
    // Only the first task through spends it, also when two race.
    const updated = await this.db<GateTicketRow>('gate_tickets')
      .where({ ...where, run: options.run, secret_hash: row.secret_hash })
      .where(builder =>
        builder
          .whereNull('passed_task_id')
          .orWhere('passed_task_id', options.taskId),
      )
      .update({ passed_task_id: options.taskId, passed_at: new Date() });
    return updated > 0 ? 'passed' : 'used';
  }
}
