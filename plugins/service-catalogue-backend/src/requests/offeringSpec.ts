import { stringifyEntityRef } from '@backstage/catalog-model';
import { OfferingEntityV1alpha1 } from '@service-catalogue/plugin-service-catalogue-common';
import { normalizeRef } from './refs';

/*
 * What a request keeps of its offering as it was when it was raised: its
 * title and owner, how it is fulfilled, and the grant it leaves.
 */

/** @internal */
export function offeringTitle(offering: OfferingEntityV1alpha1): string {
  return offering.metadata.title ?? offering.metadata.name;
}

/** @internal */
export function ownerOf(offering: OfferingEntityV1alpha1): string {
  return normalizeRef(offering.spec.owner, {
    field: `${stringifyEntityRef(offering)} spec.owner`,
    defaultKind: 'group',
    defaultNamespace: offering.metadata.namespace,
  });
}

/**
 * How the offering is fulfilled, kept with the request as submitted.
 *
 * @internal
 */
export function fulfilmentOf(offering: OfferingEntityV1alpha1): {
  fulfilment: 'automatic' | 'manual';
  templateRef?: string;
} {
  const { template, fulfilment } = offering.spec;
  const templateRef = template
    ? normalizeRef(template, {
        field: `${stringifyEntityRef(offering)} spec.template`,
        defaultKind: 'template',
        defaultNamespace: offering.metadata.namespace,
      })
    : undefined;
  // Without a template there are no steps to run: the desk fulfils it.
  return templateRef && fulfilment !== 'manual'
    ? { fulfilment: 'automatic', templateRef }
    : { fulfilment: 'manual', templateRef };
}

/**
 * What the offering targets, and the grant its fulfilment leaves.
 *
 * @internal
 */
export function grantOf(offering: OfferingEntityV1alpha1): {
  targetRef?: string;
  grant?: { duration?: string; revokeTemplateRef?: string };
} {
  const { target, grant } = offering.spec;
  const field = (name: string) => `${stringifyEntityRef(offering)} ${name}`;
  return {
    targetRef: target
      ? normalizeRef(target, {
          field: field('spec.target'),
          defaultKind: 'resource',
          defaultNamespace: offering.metadata.namespace,
        })
      : undefined,
    grant: grant
      ? {
          duration: grant.duration,
          revokeTemplateRef: grant.revokeTemplate
            ? normalizeRef(grant.revokeTemplate, {
                field: field('spec.grant.revokeTemplate'),
                defaultKind: 'template',
                defaultNamespace: offering.metadata.namespace,
              })
            : undefined,
        }
      : undefined,
  };
}
