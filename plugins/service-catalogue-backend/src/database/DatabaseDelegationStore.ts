import { DatabaseService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { Delegation, DelegationStore } from './DelegationStore';
import { DelegationRow } from './tables';
import { toIso } from './timestamps';

/**
 * The {@link DelegationStore} on the plugin's database: SQLite or PostgreSQL.
 *
 * @internal
 */
export class DatabaseDelegationStore implements DelegationStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseDelegationStore> {
    return new DatabaseDelegationStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async addDelegation(delegation: Omit<Delegation, 'id'>): Promise<Delegation> {
    const startsAt = new Date(delegation.startsAt);
    const endsAt = new Date(delegation.endsAt);
    if (isNaN(startsAt.getTime()) || isNaN(endsAt.getTime())) {
      throw new InputError('A delegation needs valid start and end times');
    }
    if (endsAt <= startsAt) {
      throw new InputError('A delegation must end after it starts');
    }
    if (delegation.approverRef === delegation.delegateRef) {
      throw new InputError('An approver cannot delegate to themselves');
    }
    const row: DelegationRow = {
      id: randomUUID(),
      approver_ref: delegation.approverRef,
      delegate_ref: delegation.delegateRef,
      starts_at: startsAt,
      ends_at: endsAt,
      reason: delegation.reason ?? null,
      created_at: new Date(),
    };
    await this.db<DelegationRow>('approval_delegations').insert(row);
    return toDelegation(row);
  }

  async removeDelegation(options: {
    id: string;
    approverRef: string;
  }): Promise<void> {
    const deleted = await this.db<DelegationRow>('approval_delegations')
      .where({ id: options.id, approver_ref: options.approverRef })
      .delete();
    if (deleted === 0) {
      throw new NotFoundError(`No delegation ${options.id}`);
    }
  }

  async listDelegations(options: {
    approverRef: string;
  }): Promise<Delegation[]> {
    const rows = await this.db<DelegationRow>('approval_delegations')
      .where({ approver_ref: options.approverRef })
      .orderBy('starts_at', 'asc');
    return rows.map(toDelegation);
  }

  async listDelegatorsOf(options: {
    delegateRef: string;
    at: Date;
  }): Promise<string[]> {
    const rows = await this.db<DelegationRow>('approval_delegations')
      .where({ delegate_ref: options.delegateRef })
      .where('starts_at', '<=', options.at)
      .where('ends_at', '>', options.at)
      .distinct('approver_ref');
    return rows.map(row => row.approver_ref).sort();
  }
}

function toDelegation(row: DelegationRow): Delegation {
  return {
    id: row.id,
    approverRef: row.approver_ref,
    delegateRef: row.delegate_ref,
    startsAt: toIso(row.starts_at),
    endsAt: toIso(row.ends_at),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}
