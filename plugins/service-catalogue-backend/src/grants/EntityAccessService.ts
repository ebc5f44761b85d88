import {
  EntityAccess,
  OPEN_REQUEST_STATES,
  isRequestOpen,
} from '@service-catalogue/plugin-service-catalogue-common';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { GrantStore } from '../database/GrantStore';
import { RequestStore } from '../database/RequestStore';
import { Fulfillers } from '../requests/Fulfillers';
import { listAllRequests } from '../requests/listAllRequests';
import { normalizeRef, userRefOf } from '../requests/refs';
import { sortGrants } from './GrantService';
import { UserCredentials } from '../requests/useCase';

/** What EntityAccessService works with. */
type EntityAccessServiceDeps = {
  grants: GrantStore;
  requests: RequestStore;
  offerings: OfferingCatalogue;
  fulfillers: Fulfillers;
};

/**
 * The Access tab of a catalog entity: the offerings that give access to
 * it, and who holds or waits for that access, as far as the caller may see.
 *
 * @internal
 */
export class EntityAccessService {
  static create(deps: EntityAccessServiceDeps): EntityAccessService {
    return new EntityAccessService(deps);
  }

  private constructor(private readonly deps: EntityAccessServiceDeps) {}

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

    const [myGrants, mine] = await Promise.all([
      this.deps.grants.listGrants({ holderRef: userRef, offeringRefs }),
      listAllRequests(this.deps.requests, {
        requesterRef: userRef,
        offeringRefs,
        states: [...OPEN_REQUEST_STATES],
      }),
    ]);
    const myRequests = mine.filter(isRequestOpen);

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
}
