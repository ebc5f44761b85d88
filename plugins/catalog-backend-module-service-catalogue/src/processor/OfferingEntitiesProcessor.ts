import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  getCompoundEntityRef,
  parseEntityRef,
} from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  RELATION_HAS_OFFERING,
  RELATION_OFFERS_ACCESS_TO,
  isOfferingEntity,
  offeringEntityV1alpha1Validator,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * Teaches the catalog the Offering kind: validates Offering entities against
 * their schema and emits the relations to their owner and target.
 *
 * @public
 */
export class OfferingEntitiesProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'OfferingEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    return offeringEntityV1alpha1Validator.check(entity);
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isOfferingEntity(entity)) {
      return entity;
    }

    const self = getCompoundEntityRef(entity);

    const emitBothWays = (
      ref: string | undefined,
      defaultKind: string,
      forward: string,
      backward: string,
    ) => {
      if (!ref) {
        return;
      }
      // Bare names resolve next to the offering, the same way the built-in
      // kinds resolve spec.owner, so offerings read like the rest of the
      // catalog.
      const other = parseEntityRef(ref, {
        defaultKind,
        defaultNamespace: self.namespace,
      });
      emit(
        processingResult.relation({
          source: self,
          type: forward,
          target: other,
        }),
      );
      emit(
        processingResult.relation({
          source: other,
          type: backward,
          target: self,
        }),
      );
    };

    emitBothWays(
      entity.spec.owner,
      'Group',
      RELATION_OWNED_BY,
      RELATION_OWNER_OF,
    );
    emitBothWays(
      entity.spec.target,
      'Resource',
      RELATION_OFFERS_ACCESS_TO,
      RELATION_HAS_OFFERING,
    );

    return entity;
  }
}
