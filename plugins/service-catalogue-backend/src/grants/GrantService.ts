import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  Grant,
  ServiceRequest,
  serviceCatalogueRequestCreatePermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { DateTime } from 'luxon';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { GrantStore } from '../database/GrantStore';
import { describeEnd } from '../fulfilment/RevocationWorker';
import { audited } from '../requests/audit';
import { FOR_USER_FIELD } from '../requests/FormValidator';
import { Fulfillers } from '../requests/Fulfillers';
import { grantOf, offeringTitle, ownerOf } from '../requests/offeringSpec';
import { People } from '../requests/People';
import { normalizeRef, offeringRefOf, userRefOf } from '../requests/refs';
import { StageResolver } from '../requests/SubmissionService';
import { UseCaseDeps, UserCredentials } from '../requests/useCase';

const ORDER: Record<Grant['state'], number> = {
  active: 0,
  revoking: 1,
  ended: 2,
};

/** What GrantService works with. */
type GrantServiceDeps = UseCaseDeps & {
  grants: GrantStore;
  offerings: OfferingCatalogue;
  stages: StageResolver;
  fulfillers: Fulfillers;
  people: People;
};

/**
 * The access people hold: their own grants, who holds what an owner looks
 * after, more time for a grant, access recorded that was given outside a
 * request, and ending a grant. Holders give theirs up; the offering's
 * owners, the desk and administrators revoke anyone's.
 *
 * @internal
 */
export class GrantService {
  static create(deps: GrantServiceDeps): GrantService {
    return new GrantService(deps);
  }

  private constructor(private readonly deps: GrantServiceDeps) {}

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

  /**
   * The holder asks for more time on a grant: a request for the same
   * offering, routed like any other, that moves the grant's end by the
   * offering's duration once approved and provisions nothing.
   */
  async extend(options: {
    grantId: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const userRef = userRefOf(options.credentials);
    const held = await this.deps.grants.getGrant(options.grantId);
    if (!held || held.holderRef !== userRef) {
      throw new NotFoundError(`No grant ${options.grantId}`);
    }
    return audited(
      this.deps.auditor,
      {
        eventId: 'grant-extend',
        meta: { grantId: held.id, actorRef: userRef },
      },
      async () => {
        await this.deps.access.require(
          serviceCatalogueRequestCreatePermission,
          options.credentials,
        );
        // Someone no longer in the offering's audience cannot see it, and
        // asks in vain.
        const offering = await this.deps.offerings.getOfferingEntity({
          entityRef: held.offeringRef,
          credentials: options.credentials,
        });
        const { grant, targetRef } = grantOf(offering);
        if (!grant?.duration) {
          throw new ConflictError(
            `${offeringTitle(
              offering,
            )} no longer ends on its own; there is nothing to extend`,
          );
        }
        const reason = options.reason?.trim();
        const { request } = await this.deps.lifecycle.createRequest({
          offeringRef: held.offeringRef,
          offeringTitle: offeringTitle(offering),
          offeringOwnerRef: ownerOf(offering),
          requesterRef: userRef,
          submittedByRef: userRef,
          formValues: {
            [FOR_USER_FIELD]: userRef,
            ...(reason ? { reason } : {}),
          },
          stages: await this.deps.stages.resolveStages({
            offering,
            requesterRef: userRef,
            submitterRef: userRef,
          }),
          // An extension keeps no SLA clock: it asks the approvers for
          // more time and is settled by their decision.
          // Nothing to provision: approval itself moves the grant's end.
          fulfilment: 'manual',
          targetRef,
          grant,
          extendsGrantId: held.id,
        });

        await this.deps.notifier.tell(request, {
          to: [request.requesterRef],
          title: `${request.trackingNumber} submitted: more time for ${request.offeringTitle}`,
          description:
            request.state === 'PENDING_APPROVAL'
              ? 'Your request for more time waits for approval.'
              : 'Your access lasts longer now.',
        });
        await this.deps.notifier.askApprovers(request);
        return request;
      },
    );
  }

  /**
   * Records access that a template or the desk gave outside a request's
   * own fulfilment, for the offering's fulfillers: a request that is DONE at
   * once, with its grant. Recording access someone already holds changes
   * nothing and returns their grant, and whether it is new.
   */
  async record(options: {
    offeringRef: string;
    holderRef: string;
    expiresAt?: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<{ grant: Grant; created: boolean }> {
    const userRef = userRefOf(options.credentials);
    const { grantId, created } = await audited(
      this.deps.auditor,
      {
        eventId: 'grant-record',
        meta: {
          offeringRef: options.offeringRef,
          holderRef: options.holderRef,
          actorRef: userRef,
        },
        outcome: () => ({}),
      },
      async () => {
        const offering = await this.deps.offerings.getOfferingEntity({
          entityRef: offeringRefOf(options.offeringRef),
          credentials: options.credentials,
          asFulfiller: true,
        });
        const ownerRef = ownerOf(offering);
        if (
          !(await this.deps.fulfillers.include(ownerRef, options.credentials))
        ) {
          throw new NotAllowedError(
            `Only those who fulfil ${offeringTitle(
              offering,
            )} record access to it`,
          );
        }
        const holderRef = normalizeRef(options.holderRef, {
          field: 'holderRef',
          defaultKind: 'user',
        });
        await this.deps.people.knownUser(holderRef, 'holderRef');
        const { grant, targetRef } = grantOf(offering);
        if (!grant) {
          throw new InputError(
            `${offeringTitle(
              offering,
            )} is a one-off service and leaves no grant`,
          );
        }
        const reason = options.reason?.trim();
        const recorded = await this.deps.lifecycle.recordFulfilled({
          offeringRef: stringifyEntityRef(offering).toLocaleLowerCase('en-US'),
          offeringTitle: offeringTitle(offering),
          offeringOwnerRef: ownerRef,
          requesterRef: holderRef,
          submittedByRef: userRef,
          formValues: {
            [FOR_USER_FIELD]: holderRef,
            ...(reason ? { reason } : {}),
          },
          stages: [],
          fulfilment: 'manual',
          targetRef,
          grant,
          expiresAt: endOf(options.expiresAt),
          data: { recorded: true, ...(reason ? { reason } : {}) },
        });
        if (recorded.created) {
          await this.deps.notifier.tell(recorded.request, {
            to: [holderRef],
            title: `${recorded.request.trackingNumber}: ${recorded.request.offeringTitle} is yours`,
            description: `Given by ${userRef}${
              reason ? `: ${reason}` : ''
            }. My access shows it.`,
          });
        }
        return recorded;
      },
    );
    return { grant: (await this.deps.grants.getGrant(grantId))!, created };
  }

  async revoke(options: {
    grantId: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<Grant> {
    const userRef = userRefOf(options.credentials);
    return audited(
      this.deps.auditor,
      {
        eventId: 'grant-revoke',
        meta: { grantId: options.grantId, actorRef: userRef },
        outcome: ended => ({ state: ended.state }),
      },
      async () => {
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
        return ended;
      },
    );
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

/**
 * Grants as people read them: what they hold first, the newest first.
 *
 * @internal
 */
export function sortGrants(grants: Grant[]): Grant[] {
  return [...grants].sort(
    (a, b) =>
      ORDER[a.state] - ORDER[b.state] || b.grantedAt.localeCompare(a.grantedAt),
  );
}

/** The end a caller set for recorded access, checked and in UTC. */
function endOf(expiresAt: string | undefined): string | undefined {
  if (expiresAt === undefined) {
    return undefined;
  }
  const end = DateTime.fromISO(expiresAt);
  if (!end.isValid) {
    throw new InputError(
      `expiresAt: ${expiresAt} is not an ISO 8601 date and time`,
    );
  }
  if (end.toMillis() <= Date.now()) {
    throw new InputError(`expiresAt: ${expiresAt} has passed`);
  }
  return end.toUTC().toISO()!;
}
