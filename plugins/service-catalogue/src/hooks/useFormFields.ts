import useAsync from 'react-use/esm/useAsync';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { scaffolderApiRef } from '@backstage/plugin-scaffolder-react';
import { ServiceCatalogueApi, serviceCatalogueApiRef } from '../api';
import { FormField, formFields, manifestFromForm } from '../lib/forms';

type ScaffolderApi = typeof scaffolderApiRef.T;

// One answer an offering for every request of it on the page, as a list
// of requests names the same few offerings again and again.
const cache = new WeakMap<
  ServiceCatalogueApi,
  Map<string, Promise<Map<string, FormField>>>
>();

async function loadFields(
  api: ServiceCatalogueApi,
  scaffolderApi: ScaffolderApi | undefined,
  offeringRef: string,
): Promise<Map<string, FormField>> {
  const { namespace, name } = parseEntityRef(offeringRef);
  const offering = await api.getOffering({ namespace, name });
  if (!offering.template) {
    return formFields(manifestFromForm(offering).steps);
  }
  if (!scaffolderApi) {
    return new Map();
  }
  const template = stringifyEntityRef(
    parseEntityRef(offering.template, {
      defaultKind: 'template',
      defaultNamespace: offering.namespace,
    }),
  );
  return formFields(
    (await scaffolderApi.getTemplateParameterSchema(template)).steps,
  );
}

/**
 * The fields of an offering's form by their keys, to show submitted values
 * in the form's own words; empty until known, and where the form cannot be
 * read (the offering is gone, or hidden from the viewer), so that the
 * values show by their keys.
 *
 * @internal
 */
export function useFormFields(offeringRef: string): Map<string, FormField> {
  const api = useApi(serviceCatalogueApiRef);
  const scaffolderApi = useApiHolder().get(scaffolderApiRef);
  const { value } = useAsync(() => {
    let byOffering = cache.get(api);
    if (!byOffering) {
      byOffering = new Map();
      cache.set(api, byOffering);
    }
    let fields = byOffering.get(offeringRef);
    if (!fields) {
      fields = loadFields(api, scaffolderApi, offeringRef).catch(
        () => new Map(),
      );
      byOffering.set(offeringRef, fields);
    }
    return fields;
  }, [api, scaffolderApi, offeringRef]);
  return value ?? new Map();
}
