import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorCache } from '@backstage/plugin-catalog-node';
import { USER_CHANGED_TOPIC } from '@service-catalogue/plugin-service-catalogue-common';
import { UserChangeProcessor } from './UserChangeProcessor';

const user = (memberOf: string[], annotations?: Record<string, string>) =>
  ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'Grace', namespace: 'default', annotations },
    spec: { memberOf },
  } as Entity);

describe('UserChangeProcessor', () => {
  const events = { publish: jest.fn(), subscribe: jest.fn() };
  const processor = new UserChangeProcessor(events);
  const location = { type: 'url', target: 'https://example.com/org.yaml' };

  /** The catalog keeps one cache per entity across processing rounds. */
  function processWithCache() {
    const stored = new Map<string, any>();
    const cache: CatalogProcessorCache = {
      async get(key) {
        return stored.get(key);
      },
      async set(key, value) {
        stored.set(key, value);
      },
    };
    return (entity: Entity) =>
      processor.preProcessEntity(entity, location, jest.fn(), location, cache);
  }

  beforeEach(() => events.publish.mockClear());

  it('tells when a user is first seen, when their groups change and when they are marked as gone, and only then', async () => {
    const process = processWithCache();
    await process(user(['web-team']));
    await process(user(['web-team']));
    await process(user(['WEB-TEAM']));
    expect(events.publish).toHaveBeenCalledTimes(1);
    expect(events.publish).toHaveBeenCalledWith({
      topic: USER_CHANGED_TOPIC,
      eventPayload: { entityRef: 'user:default/grace' },
    });

    await process(user(['finance', 'web-team']));
    await process(user(['web-team', 'finance']));
    expect(events.publish).toHaveBeenCalledTimes(2);

    await process(
      user(['web-team', 'finance'], { 'service-catalogue.io/left': 'yes' }),
    );
    // Other annotations change nothing about access.
    await process(
      user(['web-team', 'finance'], {
        'service-catalogue.io/left': 'yes',
        'backstage.io/view-url': 'https://example.com',
      }),
    );
    expect(events.publish).toHaveBeenCalledTimes(3);
  });

  it('leaves other kinds alone and hands every entity back unchanged', async () => {
    const process = processWithCache();
    const group = { ...user([]), kind: 'Group' };
    expect(await process(group)).toBe(group);
    expect(events.publish).not.toHaveBeenCalled();
    const grace = user(['web-team']);
    expect(await process(grace)).toBe(grace);
  });
});
