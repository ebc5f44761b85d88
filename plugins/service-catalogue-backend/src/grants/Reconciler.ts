import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Departure,
  Grant,
  OFFERING_KIND,
  OPEN_REQUEST_STATES,
  isRequestOpen,
  OfferingEntityV1alpha1,
  CANCELLABLE_REQUEST_STATES,
  ServiceRequest,
  findRequestTransition,
  isOfferingEntity,
} from '@service-catalogue/plugin-service-catalogue-common';
import { GrantStore } from '../database/GrantStore';
import { SwapStore } from '../database/SwapStore';
import { RequestStore } from '../database/RequestStore';
import { listAllRequests } from '../requests/listAllRequests';
import { RequestMetrics } from '../metrics/RequestMetrics';
import { RequestLifecycle } from '../requests/RequestLifecycle';
import { FOR_USER_FIELD } from '../requests/FormValidator';
import {
  fulfilmentOf,
  grantOf,
  offeringTitle,
  ownerOf,
} from '../requests/offeringSpec';
import { normalizeRef } from '../requests/refs';
import { RequestNotifier } from '../requests/RequestNotifier';
import { SYSTEM_ACTOR_REF } from '../systemActor';
import { Directory } from './Directory';

const NOT_IN_AUDIENCE =
  'The holder is no longer in the offering’s audience; revoke it unless they still need it.';

/**
 * What one reconciliation did, for logs and tests.
 *
 * @internal
 */
export interface ReconciliationReport {
  /** Birthright requests raised for new members of a group. */
  granted: ServiceRequest[];
  /** Birthright grants ended because the holder left the group. */
  moved: Grant[];
  /** Requested grants flagged because the holder left the audience. */
  flagged: Grant[];
  departures: Departure[];
  /** Holders of swaps moved to the new offering. */
  swapped: number;
}

/**
 * Keeps access in line with who people are, as a global scheduled job:
 * joiners get the birthright offerings of their groups, movers lose those of
 * groups they left and their other grants are flagged for review when they
 * no longer fit the audience, leavers lose everything, and swaps move
 * holders from one offering to another. Each step looks at the present
 * state before it acts, so a second run changes nothing.
 *
 * @internal
 */
export class Reconciler {
  static fromConfig(
    config: Config,
    options: {
      catalog: CatalogService;
      auth: AuthService;
      grants: GrantStore;
      swaps: SwapStore;
      requests: RequestStore;
      notifier: RequestNotifier;
      logger: LoggerService;
      metrics?: RequestMetrics;
    },
  ): Reconciler {
    return new Reconciler(
      options,
      RequestLifecycle.create(options),
      config.getOptionalNumber(
        'serviceCatalogue.reconciliation.maxDeparturesPerRun',
      ) ?? 25,
    );
  }

  private constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      grants: GrantStore;
      swaps: SwapStore;
      requests: RequestStore;
      notifier: RequestNotifier;
      logger: LoggerService;
    },
    private readonly lifecycle: RequestLifecycle,
    private readonly maxDepartures: number,
  ) {}

  async run(): Promise<ReconciliationReport> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const [directory, { items }] = await Promise.all([
      Directory.load(this.deps.catalog, credentials),
      this.deps.catalog.getEntities(
        { filter: { kind: OFFERING_KIND } },
        { credentials },
      ),
    ]);
    const offerings = new Map(
      items
        .filter(isOfferingEntity)
        .map(o => [stringifyEntityRef(o).toLocaleLowerCase('en-US'), o]),
    );
    const report: ReconciliationReport = {
      granted: [],
      moved: [],
      flagged: [],
      departures: [],
      swapped: 0,
    };
    await this.leavers(directory, report);
    await this.swaps(offerings, directory, report);
    const active = await this.deps.grants.listGrants({ states: ['active'] });
    await this.movers(active, offerings, directory, report);
    await this.joiners(offerings, directory, report);
    return report;
  }

  /**
   * Everyone who holds access or waits for it and is gone from the catalog,
   * or marked as gone there, loses all of it.
   */
  private async leavers(
    directory: Directory,
    report: ReconciliationReport,
  ): Promise<void> {
    if (directory.size === 0) {
      // An empty catalog is an outage or a misconfiguration, not a day on
      // which everyone left.
      this.deps.logger.warn(
        'The catalog knows no users; leavers are not looked for',
      );
      return;
    }
    const [active, open] = await Promise.all([
      this.deps.grants.listGrants({ states: ['active'] }),
      listAllRequests(this.deps.requests, {
        states: [...CANCELLABLE_REQUEST_STATES],
      }).then(requests =>
        // What the backend itself may still call off for someone who left:
        // what waits, and what the desk has not taken yet.
        requests.filter(request =>
          findRequestTransition({
            from: request.state,
            action: 'cancel',
            actor: 'system',
            request,
          }),
        ),
      ),
    ]);
    const people = new Set([
      ...active.map(g => g.holderRef),
      ...open.map(r => r.requesterRef),
    ]);
    const gone = [...people].filter(ref => directory.departure(ref));
    if (gone.length > this.maxDepartures) {
      this.deps.logger.error(
        `${gone.length} people with access seem to have left at once, more than serviceCatalogue.reconciliation.maxDeparturesPerRun (${this.maxDepartures}); nothing was revoked. Check the catalog, or raise the limit.`,
      );
      return;
    }
    for (const userRef of gone) {
      report.departures.push(
        await this.depart(
          userRef,
          directory.departure(userRef)!,
          active.filter(g => g.holderRef === userRef),
          open.filter(r => r.requesterRef === userRef),
        ),
      );
    }
  }

  private async depart(
    userRef: string,
    reason: Departure['reason'],
    grants: Grant[],
    requests: ServiceRequest[],
  ): Promise<Departure> {
    // Before anything is taken away, so that the time to take it away is
    // never negative in the reports.
    const detectedAt = new Date().toISOString();
    const revoked: Grant[] = [];
    for (const grant of grants) {
      const ended = await this.endGrant(grant, 'left');
      if (ended) {
        revoked.push(ended);
      }
    }
    const cancelled: ServiceRequest[] = [];
    for (const request of requests) {
      try {
        const { request: done } = await this.lifecycle.transition({
          requestId: request.id,
          action: 'cancel',
          actor: 'system',
          actorRef: SYSTEM_ACTOR_REF,
          data: { reason: `${userRef} left the organisation` },
        });
        cancelled.push(done);
      } catch (error) {
        if (!(error instanceof ConflictError)) {
          throw error;
        }
      }
    }
    const departure = await this.deps.swaps.recordDeparture({
      userRef,
      reason,
      detectedAt,
      revokedGrants: revoked.map(g => ({
        grantId: g.id,
        offeringRef: g.offeringRef,
        offeringTitle: g.offeringTitle,
      })),
      cancelledRequests: cancelled.map(r => ({
        requestId: r.id,
        trackingNumber: r.trackingNumber,
        offeringTitle: r.offeringTitle,
      })),
    });
    const owners = new Map<string, string[]>();
    for (const item of [...revoked, ...cancelled]) {
      owners.set(item.offeringOwnerRef, [
        ...(owners.get(item.offeringOwnerRef) ?? []),
        item.offeringTitle,
      ]);
    }
    for (const [ownerRef, titles] of owners) {
      await this.deps.notifier.send({
        to: [ownerRef],
        title: `${userRef} left: their access is being taken away`,
        description: `Revoked or cancelled: ${[...new Set(titles)].join(
          ', ',
        )}.`,
        link: '/service-catalogue/desk',
        topic: 'service-catalogue-departure',
        scope: departure.id,
        about: `departure ${departure.id}`,
        severity: 'high',
      });
    }
    this.deps.logger.info(
      `${userRef} left (${reason}): ${revoked.length} grants revoked, ${cancelled.length} requests cancelled`,
    );
    return departure;
  }

  /**
   * Birthright grants of groups the holder left end; other grants whose
   * holder left the offering's audience are flagged for the owners, and
   * unflagged when they are back.
   */
  private async movers(
    active: Grant[],
    offerings: Map<string, OfferingEntityV1alpha1>,
    directory: Directory,
    report: ReconciliationReport,
  ): Promise<void> {
    for (const grant of active) {
      const offering = offerings.get(grant.offeringRef);
      if (!offering || directory.departure(grant.holderRef)) {
        continue;
      }
      if (grant.birthrightGroupRef) {
        const stillMember = birthrightGroupsOf(offering).some(group =>
          directory.isMember(grant.holderRef, group),
        );
        if (!stillMember) {
          const ended = await this.endGrant(grant, 'moved');
          if (ended) {
            report.moved.push(ended);
          }
        }
        continue;
      }
      const fits = directory.inAudience(offering, grant.holderRef);
      if (!fits && !grant.review) {
        if (
          await this.deps.grants.setReview({
            grantId: grant.id,
            reason: NOT_IN_AUDIENCE,
          })
        ) {
          report.flagged.push(grant);
          await this.deps.notifier.send({
            to: [grant.offeringOwnerRef],
            title: `Review ${grant.offeringTitle} of ${grant.holderRef}`,
            description: NOT_IN_AUDIENCE,
            link: grant.targetRef
              ? '/service-catalogue/access'
              : `/service-catalogue/requests/${grant.trackingNumber}`,
            topic: 'service-catalogue-grant',
            scope: grant.id,
            about: `grant ${grant.id}`,
          });
        }
      } else if (fits && grant.review?.reason === NOT_IN_AUDIENCE) {
        await this.deps.grants.setReview({ grantId: grant.id, reason: null });
      }
    }
  }

  /**
   * Members of a birthright group who neither hold the offering nor wait for
   * it get a request that needs no approval and is provisioned like any
   * other.
   */
  private async joiners(
    offerings: Map<string, OfferingEntityV1alpha1>,
    directory: Directory,
    report: ReconciliationReport,
  ): Promise<void> {
    for (const [offeringRef, offering] of offerings) {
      const groups = birthrightGroupsOf(offering);
      if (groups.length === 0 || offering.spec.available === false) {
        continue;
      }
      const served = await this.servedOn(offeringRef, { failed: true });
      // A birthright someone gave up, or an owner revoked, stays ended: it
      // comes back only if they ask for it.
      for (const grant of await this.deps.grants.listGrants({
        offeringRefs: [offeringRef],
        states: ['ended'],
      })) {
        if (
          grant.birthrightGroupRef &&
          (grant.endReason === 'revoked' || grant.endReason === 'given-up')
        ) {
          served.add(grant.holderRef);
        }
      }
      for (const groupRef of groups) {
        for (const userRef of directory.membersOf(groupRef)) {
          if (served.has(userRef)) {
            continue;
          }
          served.add(userRef);
          const request = await this.raiseFor(offering, userRef, {
            birthrightGroupRef: groupRef,
            why: `A birthright of ${groupRef}`,
          });
          report.granted.push(request);
        }
      }
    }
  }

  /**
   * Moves the waiting holders of running swaps: each gets a request for the
   * new offering that needs no approval, and their old grant ends.
   */
  private async swaps(
    offerings: Map<string, OfferingEntityV1alpha1>,
    directory: Directory,
    report: ReconciliationReport,
  ): Promise<void> {
    const servedOn = new Map<string, Set<string>>();
    for (;;) {
      const items = await this.deps.swaps.listWaitingSwapItems({
        limit: 100,
      });
      if (items.length === 0) {
        return;
      }
      for (const item of items) {
        const to = offerings.get(item.swap.toOfferingRef);
        const grant = await this.deps.grants.getGrant(item.grantId);
        // A holder whose old grant already ended for the swap was moved by
        // a run that stopped before it could say so.
        const alreadyMoved = grant?.endReason === 'swapped';
        let failure: string | undefined;
        if (!to) {
          failure = `${item.swap.toOfferingRef} is no longer in the catalog`;
        } else if (directory.departure(item.holderRef)) {
          failure = `${item.holderRef} left the organisation`;
        } else if (grant?.state !== 'active' && !alreadyMoved) {
          failure = `${item.holderRef} no longer holds ${item.swap.fromOfferingRef}`;
        }
        if (failure || !to) {
          await this.deps.swaps.finishSwapItem({
            ...item,
            state: 'failed',
            failure,
          });
          continue;
        }
        if (!servedOn.has(item.swap.toOfferingRef)) {
          servedOn.set(
            item.swap.toOfferingRef,
            await this.servedOn(item.swap.toOfferingRef, { failed: false }),
          );
        }
        const served = servedOn.get(item.swap.toOfferingRef)!;
        let requestId: string | undefined;
        if (!served.has(item.holderRef)) {
          const request = await this.raiseFor(to, item.holderRef, {
            why: `Replaces ${item.swap.fromOfferingRef} (swap by ${item.swap.actorRef})`,
          });
          served.add(item.holderRef);
          requestId = request.id;
        }
        if (grant?.state === 'active') {
          await this.endGrant(grant, 'swapped', item.swap.actorRef);
        }
        await this.deps.swaps.finishSwapItem({
          ...item,
          state: 'moved',
          requestId,
        });
        report.swapped += 1;
      }
    }
  }

  /**
   * Who holds an offering or has an open request for it. A request whose
   * provisioning failed counts where raising another would only repeat it
   * (a birthright, run after run), not where a holder is moved and would be
   * left with nothing until someone retries an old failure.
   */
  private async servedOn(
    offeringRef: string,
    options: { failed: boolean },
  ): Promise<Set<string>> {
    const [grants, requests] = await Promise.all([
      this.deps.grants.listGrants({
        offeringRefs: [offeringRef],
        states: ['active', 'revoking'],
      }),
      listAllRequests(this.deps.requests, {
        offeringRef,
        states: [...OPEN_REQUEST_STATES],
      }),
    ]);
    return new Set([
      ...grants.map(g => g.holderRef),
      ...requests
        .filter(
          r => isRequestOpen(r) && (options.failed || r.state !== 'FAILED'),
        )
        .map(r => r.requesterRef),
    ]);
  }

  private async raiseFor(
    offering: OfferingEntityV1alpha1,
    userRef: string,
    options: { why: string; birthrightGroupRef?: string },
  ): Promise<ServiceRequest> {
    const { grant, targetRef } = grantOf(offering);
    const { request } = await this.lifecycle.createRequest({
      offeringRef: stringifyEntityRef(offering).toLocaleLowerCase('en-US'),
      offeringTitle: offeringTitle(offering),
      offeringOwnerRef: ownerOf(offering),
      requesterRef: userRef,
      submittedByRef: SYSTEM_ACTOR_REF,
      formValues: { [FOR_USER_FIELD]: userRef, reason: options.why },
      // Decided already: by the group's membership, or by the owners who
      // swapped.
      stages: [],
      ...fulfilmentOf(offering),
      targetRef,
      grant: {
        revokeTemplateRef: grant?.revokeTemplateRef,
        ...(options.birthrightGroupRef
          ? { birthrightGroupRef: options.birthrightGroupRef }
          : { duration: grant?.duration }),
      },
    });
    await this.deps.notifier.tell(request, {
      to: [userRef],
      title: `${request.trackingNumber}: ${request.offeringTitle} is on its way`,
      description: `${options.why}; no approval needed.`,
    });
    return request;
  }

  private async endGrant(
    grant: Grant,
    reason: 'left' | 'moved' | 'swapped',
    actorRef: string = SYSTEM_ACTOR_REF,
  ): Promise<Grant | undefined> {
    try {
      const ended = await this.deps.grants.revokeGrant({
        grantId: grant.id,
        reason,
        actorRef,
      });
      return ended;
    } catch (error) {
      // Revoked by someone else in the meantime: nothing left to do.
      if (error instanceof ConflictError) {
        return undefined;
      }
      throw error;
    }
  }
}

function birthrightGroupsOf(offering: OfferingEntityV1alpha1): string[] {
  return (offering.spec.grant?.birthright ?? []).map(ref =>
    normalizeRef(ref, {
      field: `${stringifyEntityRef(offering)} spec.grant.birthright`,
      defaultKind: 'group',
      defaultNamespace: offering.metadata.namespace,
    }),
  );
}
