import {
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { OFFERING_KIND } from '@service-catalogue/plugin-service-catalogue-common';

/**
 * The offering an action's input names: a bare name reads as an Offering in
 * the default namespace, as in service-catalogue:offering:get; the backend
 * checks the rest.
 */
export function toOfferingRef(ref: string, input = 'offering'): string {
  const trimmed = ref.trim();
  if (!trimmed) {
    throw new InputError(`Input ${input} must name an offering`);
  }
  return trimmed.includes(':') || trimmed.includes('/')
    ? trimmed
    : stringifyEntityRef({
        kind: OFFERING_KIND,
        namespace: DEFAULT_NAMESPACE,
        name: trimmed,
      });
}
