import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { RequestFilter } from '../permissions/rules';

/**
 * Narrows a query on `requests` to what a permission condition allows, so
 * that counts and pages are those of the rows the caller may read. Requests
 * store refs in lowercase; claims come as the catalog spells them.
 *
 * @internal
 */
export function applyRequestFilter(
  builder: Knex.QueryBuilder,
  criteria: PermissionCriteria<RequestFilter>,
  db: Knex,
): void {
  if ('allOf' in criteria) {
    builder.where(inner => {
      for (const c of criteria.allOf) {
        inner.andWhere(each => applyRequestFilter(each, c, db));
      }
    });
  } else if ('anyOf' in criteria) {
    if (criteria.anyOf.length === 0) {
      builder.whereRaw('1 = 0');
      return;
    }
    builder.where(inner => {
      for (const c of criteria.anyOf) {
        inner.orWhere(each => applyRequestFilter(each, c, db));
      }
    });
  } else if ('not' in criteria) {
    builder.whereNot(inner => applyRequestFilter(inner, criteria.not, db));
  } else {
    const values = criteria.values.map(v => v.toLocaleLowerCase('en-US'));
    if (criteria.key === 'requesterRef') {
      builder.where(inner =>
        inner
          .whereIn('requests.requester_ref', values)
          .orWhereIn('requests.submitted_by_ref', values),
      );
    } else if (criteria.key === 'offeringOwnerRef') {
      builder.whereIn('requests.offering_owner_ref', values);
    } else {
      builder.whereExists(
        db('request_stage_approvers as sa')
          .select(db.raw('1'))
          .whereRaw('sa.request_id = requests.id')
          .whereIn('sa.approver_ref', values),
      );
    }
  }
}
