import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  Departure,
  EntityAccess,
  Grant,
  OfferingEntityV1alpha1,
  Swap,
  ServiceRequest,
  isRequestOpen,
} from '@service-catalogue/plugin-service-catalogue-common';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { GrantStore } from '../database/GrantStore';
import { RequestStore } from '../database/RequestStore';
import { describeEnd } from '../fulfilment/RevocationWorker';
import { Fulfillers } from '../requests/Fulfillers';
import { RequestNotifier } from '../requests/RequestNotifier';
import { RequestService } from '../requests/RequestService';
import { ownerOf } from '../requests/offeringSpec';
import { normalizeRef, userRefOf } from '../requests/refs';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

const ORDER: Record<Grant['state'], number> = {
  active: 0,
  revoking: 1,
  ended: 2,
};

/**
 * The access people hold: their own grants, who holds what an owner looks
 * after, and ending a grant. Holders give theirs up; the offering's owners,
 * the desk and administrators revoke anyone's.
 *
 * @internal
 */
export class GrantService {
  static create(options: {
    grants: GrantStore;
    requests: RequestStore;
    offerings: OfferingCatalogue;
    fulfillers: Fulfillers;
    notifier: RequestNotifier;
    auditor: AuditorService;
    requestService: RequestService;
    /** Asks the reconciliation job to run soon, such as for a new swap. */
    reconcileSoon: () => Promise<void>;
  }): GrantService {
    return new GrantService(options);
  }

  private constructor(
    private readonly deps: {
      grants: GrantStore;
      requests: RequestStore;
      offerings: OfferingCatalogue;
      fulfillers: Fulfillers;
      notifier: RequestNotifier;
      auditor: AuditorService;
      requestService: RequestService;
      reconcileSoon: () => Promise<void>;
    },
  ) {}

  /**
   * The caller's grants; or, with `holderRef`, someone else's on the
   * offerings the caller looks after (all of them for the desk and
   * administrators).
   */
  async list(options: {
    credentials: UserCredentials;
    holderRef?: string;
    offeringRef?: string;
    states?: Grant['state'][];
  }): Promise<Grant[]> {
    const userRef = userRefOf(options.credentials);
    const holderRef = options.holderRef
      ? normalizeRef(options.holderRef, {
          field: 'holderRef',
          defaultKind: 'user',
        })
      : userRef;
    const grants = await this.deps.grants.listGrants({
      holderRef,
      offeringRefs: options.offeringRef
        ? [
            normalizeRef(options.offeringRef, {
              field: 'offeringRef',
              defaultKind: 'offering',
            }),
          ]
        : undefined,
      states: options.states,
    });
    if (
      holderRef === userRef ||
      (await this.deps.fulfillers.forEveryone(options.credentials))
    ) {
      return sortGrants(grants);
    }
    const claims = await this.deps.fulfillers.claimsOf(options.credentials);
    return sortGrants(grants.filter(g => claims.has(g.offeringOwnerRef)));
  }

  /** The holder asks for more time: a request that goes through approval. */
  async extend(options: {
    grantId: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const grant = await this.deps.grants.getGrant(options.grantId);
    if (!grant || grant.holderRef !== userRefOf(options.credentials)) {
      throw new NotFoundError(`No grant ${options.grantId}`);
    }
    return this.deps.requestService.requestExtension({
      grant,
      reason: options.reason,
      credentials: options.credentials,
    });
  }

  /**
   * Records access a template or the desk gave; returns the holder's grant
   * and whether it is new.
   */
  async record(options: {
    offeringRef: string;
    holderRef: string;
    expiresAt?: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<{ grant: Grant; created: boolean }> {
    const { grantId, created } = await this.deps.requestService.recordGrant(
      options,
    );
    return { grant: (await this.deps.grants.getGrant(grantId))!, created };
  }

  async revoke(options: {
    grantId: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<Grant> {
    const userRef = userRefOf(options.credentials);
    const event = await this.deps.auditor.createEvent({
      eventId: 'grant-revoke',
      severityLevel: 'medium',
      meta: { grantId: options.grantId, actorRef: userRef },
    });
    try {
      const grant = await this.deps.grants.getGrant(options.grantId);
      const fulfils =
        grant !== undefined &&
        (await this.deps.fulfillers.include(
          grant.offeringOwnerRef,
          options.credentials,
        ));
      if (!grant || (grant.holderRef !== userRef && !fulfils)) {
        // Someone else's access is none of the caller's business.
        throw new NotFoundError(`No grant ${options.grantId}`);
      }
      const ended = await this.deps.grants.revokeGrant({
        grantId: grant.id,
        reason: grant.holderRef === userRef ? 'given-up' : 'revoked',
        actorRef: userRef,
      });
      if (ended.state === 'ended') {
        await this.tellHolder(ended, options.reason);
      }
      await event.success({ meta: { state: ended.state } });
      return ended;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * Moves every holder of one offering to another, for those who fulfil
   * both; the reconciliation job does the moving.
   */
  async startSwap(options: {
    offeringRef: string;
    toOfferingRef: string;
    credentials: UserCredentials;
  }): Promise<Swap> {
    const userRef = userRefOf(options.credentials);
    const event = await this.deps.auditor.createEvent({
      eventId: 'grant-swap',
      severityLevel: 'high',
      meta: {
        fromOfferingRef: options.offeringRef,
        toOfferingRef: options.toOfferingRef,
        actorRef: userRef,
      },
    });
    try {
      const [from, to] = await Promise.all(
        [options.offeringRef, options.toOfferingRef].map(ref =>
          this.deps.offerings.getOfferingEntity({
            entityRef: normalizeRef(ref, {
              field: 'toOfferingRef',
              defaultKind: 'offering',
            }),
            credentials: options.credentials,
            asFulfiller: true,
          }),
        ),
      );
      const fromRef = refOf(from);
      const toRef = refOf(to);
      if (fromRef === toRef) {
        throw new InputError('An offering cannot be swapped for itself');
      }
      if (!to.spec.grant) {
        throw new InputError(
          `${toRef} is a one-off service; holders can only move to an offering that leaves a grant`,
        );
      }
      for (const offering of [from, to]) {
        if (
          !(await this.deps.fulfillers.include(
            ownerOf(offering),
            options.credentials,
          ))
        ) {
          throw new NotAllowedError(
            `Only those who fulfil both ${fromRef} and ${toRef} swap their holders`,
          );
        }
      }
      const swap = await this.deps.grants.createSwap({
        fromOfferingRef: fromRef,
        toOfferingRef: toRef,
        actorRef: userRef,
      });
      await this.deps.reconcileSoon();
      await event.success({ meta: { swapId: swap.id, total: swap.total } });
      return swap;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  async getSwap(options: {
    swapId: string;
    credentials: UserCredentials;
  }): Promise<Swap> {
    const swap = await this.deps.grants.getSwap(options.swapId);
    const from = swap
      ? await this.deps.offerings
          .getOfferingEntity({
            entityRef: swap.fromOfferingRef,
            credentials: options.credentials,
            asFulfiller: true,
          })
          .catch(() => undefined)
      : undefined;
    const sees =
      swap !== undefined &&
      (swap.actorRef === userRefOf(options.credentials) ||
        (await this.deps.fulfillers.include(
          from ? ownerOf(from) : '',
          options.credentials,
        )));
    if (!swap || !sees) {
      throw new NotFoundError(`No swap ${options.swapId}`);
    }
    return swap;
  }

  /** What was taken from people who left; for the desk and administrators. */
  async listDepartures(options: {
    credentials: UserCredentials;
  }): Promise<Departure[]> {
    if (!(await this.deps.fulfillers.forEveryone(options.credentials))) {
      throw new NotAllowedError(
        'Only the service desk and administrators see who left and what they lost',
      );
    }
    return this.deps.grants.listDepartures({ limit: 200 });
  }

  /** Access to one catalog entity, for its Access tab. */
  async entityAccess(options: {
    entityRef: string;
    credentials: UserCredentials;
  }): Promise<EntityAccess> {
    const target = normalizeRef(options.entityRef, { field: 'entity' });
    const userRef = userRefOf(options.credentials);
    const offerings = (
      await this.deps.offerings.listOfferings({
        credentials: options.credentials,
      })
    ).filter(o => o.target?.toLocaleLowerCase('en-US') === target);
    const offeringRefs = offerings.map(o =>
      o.entityRef.toLocaleLowerCase('en-US'),
    );
    if (offeringRefs.length === 0) {
      return {
        offerings: [],
        myGrants: [],
        myRequests: [],
        holders: [],
        canRevoke: false,
      };
    }

    const [myGrants, { items: mine }] = await Promise.all([
      this.deps.grants.listGrants({ holderRef: userRef, offeringRefs }),
      this.deps.requests.listRequests({
        involvingUserRef: userRef,
        limit: 200,
      }),
    ]);
    const myRequests = mine.filter(
      (request: ServiceRequest) =>
        offeringRefs.includes(request.offeringRef) &&
        request.requesterRef === userRef &&
        isRequestOpen(request),
    );

    // Owners see the holders of what they own; the desk and administrators
    // see everyone's.
    const everyone = await this.deps.fulfillers.forEveryone(
      options.credentials,
    );
    const claims = await this.deps.fulfillers.claimsOf(options.credentials);
    const looksAfter = offerings
      .filter(o => everyone || claims.has(o.owner.toLocaleLowerCase('en-US')))
      .map(o => o.entityRef.toLocaleLowerCase('en-US'));
    const holders = looksAfter.length
      ? await this.deps.grants.listGrants({
          offeringRefs: looksAfter,
          states: ['active', 'revoking'],
        })
      : [];

    return {
      offerings,
      myGrants: sortGrants(myGrants),
      myRequests,
      holders: sortGrants(holders),
      canRevoke: looksAfter.length > 0,
    };
  }

  /** Ends due grants; tells holders whose access ended at once. */
  async expireDue(now: Date): Promise<Grant[]> {
    const expired = await this.deps.grants.expireDue({ now });
    for (const grant of expired.filter(g => g.state === 'ended')) {
      await this.tellHolder(grant);
    }
    return expired;
  }

  /** Tells holders, once, that their access ends soon. */
  async remind(now: Date, withinMs: number): Promise<Grant[]> {
    const due = await this.deps.grants.claimReminders({ now, withinMs });
    for (const grant of due) {
      await this.deps.notifier.send({
        to: [grant.holderRef],
        title: `Your access ends soon: ${grant.offeringTitle}`,
        description: `It ends on ${grant.expiresAt}. Request it again if you still need it.`,
        link: '/service-catalogue/access',
        topic: 'service-catalogue-grant',
        scope: grant.id,
        about: `grant ${grant.id}`,
      });
    }
    return due;
  }

  private async tellHolder(grant: Grant, reason?: string): Promise<void> {
    await this.deps.notifier.send({
      to: [grant.holderRef],
      title: `Your access ended: ${grant.offeringTitle}`,
      description: [describeEnd(grant), reason].filter(Boolean).join(' '),
      link: '/service-catalogue/access',
      topic: 'service-catalogue-grant',
      scope: grant.id,
      about: `grant ${grant.id}`,
    });
  }
}

function sortGrants(grants: Grant[]): Grant[] {
  return [...grants].sort(
    (a, b) =>
      ORDER[a.state] - ORDER[b.state] || b.grantedAt.localeCompare(a.grantedAt),
  );
}

function refOf(offering: OfferingEntityV1alpha1): string {
  return stringifyEntityRef(offering).toLocaleLowerCase('en-US');
}
