import { AuditorService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  Departure,
  OfferingEntityV1alpha1,
  Swap,
} from '@service-catalogue/plugin-service-catalogue-common';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { SwapStore } from '../database/SwapStore';
import { audited } from '../requests/audit';
import { Fulfillers } from '../requests/Fulfillers';
import { ownerOf } from '../requests/offeringSpec';
import { normalizeRef, userRefOf } from '../requests/refs';
import { UserCredentials } from '../requests/useCase';

/** What SwapService works with. */
type SwapServiceDeps = {
  swaps: SwapStore;
  offerings: OfferingCatalogue;
  fulfillers: Fulfillers;
  auditor: AuditorService;
  /** Asks the reconciliation job to run soon, such as for a new swap. */
  reconcileSoon: () => Promise<void>;
};

/**
 * What the reconciliation job does as people ask for it and see it: moving
 * every holder of one offering to another, and the record of what was taken
 * from people who left.
 *
 * @internal
 */
export class SwapService {
  static create(deps: SwapServiceDeps): SwapService {
    return new SwapService(deps);
  }

  private constructor(private readonly deps: SwapServiceDeps) {}

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
    return audited(
      this.deps.auditor,
      {
        eventId: 'grant-swap',
        severityLevel: 'high',
        meta: {
          fromOfferingRef: options.offeringRef,
          toOfferingRef: options.toOfferingRef,
          actorRef: userRef,
        },
        outcome: swap => ({ swapId: swap.id, total: swap.total }),
      },
      async () => {
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
        const swap = await this.deps.swaps.createSwap({
          fromOfferingRef: fromRef,
          toOfferingRef: toRef,
          actorRef: userRef,
        });
        await this.deps.reconcileSoon();
        return swap;
      },
    );
  }

  async getSwap(options: {
    swapId: string;
    credentials: UserCredentials;
  }): Promise<Swap> {
    const swap = await this.deps.swaps.getSwap(options.swapId);
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
    return this.deps.swaps.listDepartures({ limit: 200 });
  }
}

function refOf(offering: OfferingEntityV1alpha1): string {
  return stringifyEntityRef(offering).toLocaleLowerCase('en-US');
}
