import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  USER_CHANGED_TOPIC,
  UserChangedEvent,
} from '@service-catalogue/plugin-service-catalogue-common';

const CACHE_KEY = 'service-catalogue-membership';

/** The annotations that say a user left, as the reconciliation reads them. */
const GONE_ANNOTATIONS = ['backstage.io/orphan', 'service-catalogue.io/left'];

/**
 * Tells the service catalogue when a user's groups change, or when they are
 * marked as gone, so that their access is reconciled soon after.
 *
 * @remarks
 *
 * The catalog emits no events of its own when entities change; it does
 * process an entity again when its provider changes it. This processor
 * remembers, in the catalog's processing cache, what it saw of each user and
 * publishes on `service-catalogue.user-changed` (`USER_CHANGED_TOPIC`) when that differs, also the first
 * time it sees a user. Users that disappear are not processed at all: the
 * scheduled reconciliation finds them.
 *
 * @public
 */
export class UserChangeProcessor implements CatalogProcessor {
  constructor(private readonly events: EventsService) {}

  getProcessorName(): string {
    return 'ServiceCatalogueUserChangeProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    _emit: CatalogProcessorEmit,
    _originLocation: LocationSpec,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    if (entity.kind.toLocaleLowerCase('en-US') !== 'user') {
      return entity;
    }
    const seen = fingerprint(entity);
    if ((await cache.get<string>(CACHE_KEY)) !== seen) {
      await cache.set(CACHE_KEY, seen);
      const eventPayload: UserChangedEvent = {
        entityRef: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
      };
      await this.events.publish({ topic: USER_CHANGED_TOPIC, eventPayload });
    }
    return entity;
  }
}

/** What of a user decides their access: their groups and whether they left. */
function fingerprint(entity: Entity): string {
  const groups = ((entity.spec?.memberOf as string[] | undefined) ?? [])
    .map(ref => ref.toLocaleLowerCase('en-US'))
    .sort();
  const annotations = entity.metadata.annotations ?? {};
  const gone = GONE_ANNOTATIONS.filter(a => annotations[a] !== undefined).map(
    a => `${a}=${annotations[a]}`,
  );
  return JSON.stringify({ groups, gone });
}
