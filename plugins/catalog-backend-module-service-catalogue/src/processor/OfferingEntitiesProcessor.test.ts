import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { OfferingEntitiesProcessor } from './OfferingEntitiesProcessor';

const location = { type: 'url', target: 'https://example.com/offerings.yaml' };

function offering(
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): Entity {
  return {
    apiVersion: 'service-catalogue.io/v1alpha1',
    kind: 'Offering',
    metadata: { name: 'vpn-access', title: 'VPN access', ...metadata },
    spec: {
      owner: 'group:default/network-team',
      category: 'access/network',
      target: 'resource:default/corp-vpn',
      available: true,
      audience: ['group:default/engineering'],
      requestMode: 'self-service',
      template: 'template:default/vpn-access',
      fulfilment: 'automatic',
      approval: { stages: [{ approvers: ['manager'], policy: 'any' }] },
      estimatedDelay: 'PT4H',
      grant: { duration: 'P90D' },
      ...spec,
    },
  };
}

function withoutSpecField(field: string): Entity {
  const entity = offering();
  delete (entity.spec as Record<string, unknown>)[field];
  return entity;
}

async function relationsOf(entity: Entity) {
  const emitted: CatalogProcessorResult[] = [];
  await new OfferingEntitiesProcessor().postProcessEntity(
    entity,
    location,
    result => emitted.push(result),
  );
  return emitted;
}

describe('OfferingEntitiesProcessor', () => {
  const processor = new OfferingEntitiesProcessor();

  describe('validateEntityKind', () => {
    it('accepts a valid offering', async () => {
      await expect(processor.validateEntityKind(offering())).resolves.toBe(
        true,
      );
    });

    it('accepts a minimal offering', async () => {
      const entity: Entity = {
        apiVersion: 'service-catalogue.io/v1alpha1',
        kind: 'Offering',
        metadata: { name: 'laptop' },
        spec: { owner: 'it-desk', category: 'hardware' },
      };
      await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
    });

    it('leaves other kinds to other processors', async () => {
      const component: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'vpn-gateway' },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
      };
      await expect(processor.validateEntityKind(component)).resolves.toBe(
        false,
      );
    });

    it('leaves an Offering of another apiVersion to other processors', async () => {
      const entity = { ...offering(), apiVersion: 'example.com/v2' };
      await expect(processor.validateEntityKind(entity)).resolves.toBe(false);
    });

    it.each<[string, Entity, RegExp]>([
      ['spec.owner is missing', withoutSpecField('owner'), /owner/],
      ['spec.category is missing', withoutSpecField('category'), /category/],
      ['spec.owner is a number', offering({ owner: 42 }), /\/spec\/owner/],
      ['spec.owner is empty', offering({ owner: '' }), /\/spec\/owner/],
      [
        'spec.requestMode is unknown',
        offering({ requestMode: 'whenever' }),
        /\/spec\/requestMode/,
      ],
      [
        'spec.fulfilment is unknown',
        offering({ fulfilment: 'magic' }),
        /\/spec\/fulfilment/,
      ],
      [
        'spec.estimatedDelay is not an ISO 8601 duration',
        offering({ estimatedDelay: '4 hours' }),
        /\/spec\/estimatedDelay/,
      ],
      [
        'spec.grant.duration is not an ISO 8601 duration',
        offering({ grant: { duration: '90 days' } }),
        /\/spec\/grant\/duration/,
      ],
      [
        'an approval stage has no approvers',
        offering({ approval: { stages: [{ policy: 'all' }] } }),
        /approvers/,
      ],
      [
        'spec has an unknown field',
        offering({ owners: 'group:default/network-team' }),
        /owners/,
      ],
    ])('throws, naming the field, when %s', async (_case, entity, field) => {
      await expect(processor.validateEntityKind(entity)).rejects.toThrow(field);
    });
  });

  describe('postProcessEntity', () => {
    it('emits ownership and access relations both ways', async () => {
      const self = {
        kind: 'Offering',
        namespace: 'default',
        name: 'vpn-access',
      };
      const owner = {
        kind: 'group',
        namespace: 'default',
        name: 'network-team',
      };
      const target = {
        kind: 'resource',
        namespace: 'default',
        name: 'corp-vpn',
      };

      await expect(relationsOf(offering())).resolves.toEqual([
        {
          type: 'relation',
          relation: { source: self, type: 'ownedBy', target: owner },
        },
        {
          type: 'relation',
          relation: { source: owner, type: 'ownerOf', target: self },
        },
        {
          type: 'relation',
          relation: { source: self, type: 'offersAccessTo', target },
        },
        {
          type: 'relation',
          relation: { source: target, type: 'hasOffering', target: self },
        },
      ]);
    });

    it('reads bare names as a Group owner and a Resource target in the offering namespace', async () => {
      const entity = offering(
        { owner: 'network-team', target: 'corp-vpn' },
        { namespace: 'infra' },
      );
      const self = { kind: 'Offering', namespace: 'infra', name: 'vpn-access' };

      await expect(relationsOf(entity)).resolves.toEqual([
        expect.objectContaining({
          relation: {
            source: self,
            type: 'ownedBy',
            target: { kind: 'Group', namespace: 'infra', name: 'network-team' },
          },
        }),
        expect.objectContaining({
          relation: {
            source: { kind: 'Group', namespace: 'infra', name: 'network-team' },
            type: 'ownerOf',
            target: self,
          },
        }),
        expect.objectContaining({
          relation: {
            source: self,
            type: 'offersAccessTo',
            target: { kind: 'Resource', namespace: 'infra', name: 'corp-vpn' },
          },
        }),
        expect.objectContaining({
          relation: {
            source: { kind: 'Resource', namespace: 'infra', name: 'corp-vpn' },
            type: 'hasOffering',
            target: self,
          },
        }),
      ]);
    });

    it('keeps an explicit kind and namespace', async () => {
      const entity = offering(
        { owner: 'user:people/alice', target: 'component:infra/vpn-gateway' },
        { namespace: 'services' },
      );
      const relations = await relationsOf(entity);

      expect(relations).toContainEqual(
        expect.objectContaining({
          relation: expect.objectContaining({
            type: 'ownedBy',
            target: { kind: 'user', namespace: 'people', name: 'alice' },
          }),
        }),
      );
      expect(relations).toContainEqual(
        expect.objectContaining({
          relation: expect.objectContaining({
            type: 'offersAccessTo',
            target: {
              kind: 'component',
              namespace: 'infra',
              name: 'vpn-gateway',
            },
          }),
        }),
      );
    });

    it('emits no access relation when the offering has no target', async () => {
      const relations = await relationsOf(withoutSpecField('target'));

      expect(
        relations.map(r => r.type === 'relation' && r.relation.type),
      ).toEqual(['ownedBy', 'ownerOf']);
    });

    it('emits nothing for other kinds', async () => {
      const component: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'vpn-gateway' },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
      };
      await expect(relationsOf(component)).resolves.toEqual([]);
    });
  });
});
