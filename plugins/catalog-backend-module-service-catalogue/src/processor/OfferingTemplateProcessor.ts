import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  OFFERING_TEMPLATE_TYPE,
  findGateProblem,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * Reports offering templates (`spec.type: service-catalogue`) that do not
 * run the service catalogue's gate first, as a processing error on the
 * template, so that platform teams see it in the catalog before a request
 * fails on it. The backend refuses to run such a template either way.
 *
 * @public
 */
export class OfferingTemplateProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'OfferingTemplateProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (
      entity.kind.toLocaleLowerCase('en-US') !== 'template' ||
      entity.spec?.type !== OFFERING_TEMPLATE_TYPE
    ) {
      return entity;
    }
    const problem = findGateProblem(entity);
    if (problem) {
      emit(
        processingResult.inputError(
          location,
          `${stringifyEntityRef(
            entity,
          )} cannot provision or revoke an offering: ${problem}`,
        ),
      );
    }
    return entity;
  }
}
