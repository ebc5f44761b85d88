import { ConflictError, NotFoundError } from '@backstage/errors';
import { findRequestTransition } from '@service-catalogue/plugin-service-catalogue-common';
import { GrantStore } from '../database/GrantStore';
import { RequestStore, StoreTransaction } from '../database/RequestStore';
import { SYSTEM_ACTOR_REF } from '../systemActor';
import { extendedEnd } from './grantTerms';

type Stores = { requests: RequestStore; grants: GrantStore };

/**
 * Refuses more time on a grant that cannot have it, inside the transaction
 * that stores the request for it: someone else's, one that ended or never
 * ends, or one that already has an open extension request. The grant stays
 * locked, so two concurrent asks make one request.
 *
 * @internal
 */
export async function checkExtendable(
  tx: StoreTransaction,
  stores: Stores,
  options: { grantId: string; holderRef: string },
): Promise<void> {
  const grant = await stores.grants.lockGrant(tx, options.grantId);
  if (!grant || grant.holderRef !== options.holderRef) {
    throw new NotFoundError(`No grant ${options.grantId}`);
  }
  const what = `${grant.offeringTitle} of ${grant.holderRef}`;
  if (grant.state !== 'active') {
    throw new ConflictError(`${what} has ended; request it again instead`);
  }
  if (!grant.expiresAt) {
    throw new ConflictError(`${what} does not expire`);
  }
  const open = await stores.requests.findOpenExtension(tx, grant.id);
  if (open) {
    throw new ConflictError(
      `More time for ${grant.offeringTitle} was already asked for in ${open}`,
    );
  }
}

/**
 * Carries out an approved extension in the caller's transaction: there is
 * nothing to provision, so the request starts, moves its grant's end and
 * completes at once, or fails when the grant ended meanwhile. Returns the
 * ids of the history events it wrote.
 *
 * @internal
 */
export async function settleExtension(
  tx: StoreTransaction,
  stores: Stores,
  requestId: string,
  now: Date,
): Promise<string[]> {
  const request = await stores.requests.lockRequest(tx, requestId);
  const grantId = request.extendsGrantId!;
  const eventIds: string[] = [];
  let { state, version } = request;
  const start = findRequestTransition({
    from: state,
    action: 'start',
    actor: 'system',
  });
  if (start) {
    await stores.requests.updateRequest(
      tx,
      { id: requestId, version },
      { state: start.to },
      now,
    );
    state = start.to;
    version += 1;
    eventIds.push(
      await stores.requests.appendEvent(tx, {
        requestId,
        type: start.action,
        actorRef: SYSTEM_ACTOR_REF,
        fromState: start.from,
        toState: start.to,
        at: now,
      }),
    );
  }
  const grant = await stores.grants.lockGrant(tx, grantId);
  const result = extendedEnd(grant, request.grant, now);
  if ('expiresAt' in result) {
    await stores.grants.setExpiry(tx, grant!, result.expiresAt);
  }
  const settled = findRequestTransition({
    from: state,
    action: 'expiresAt' in result ? 'complete' : 'fail',
    actor: 'system',
  })!;
  const failure = 'failure' in result ? { message: result.failure } : null;
  await stores.requests.updateRequest(
    tx,
    { id: requestId, version },
    { state: settled.to, failure },
    now,
  );
  eventIds.push(
    await stores.requests.appendEvent(tx, {
      requestId,
      type: settled.action,
      actorRef: SYSTEM_ACTOR_REF,
      fromState: settled.from,
      toState: settled.to,
      data:
        'expiresAt' in result
          ? { grantId, expiresAt: result.expiresAt.toISOString() }
          : { failure },
      at: now,
    }),
  );
  return eventIds;
}
