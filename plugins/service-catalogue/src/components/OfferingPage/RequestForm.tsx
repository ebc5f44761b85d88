import { useMemo } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  FieldExtensionOptions,
  ScaffolderFieldExtensions,
  SecretsContextProvider,
  useCustomFieldExtensions,
} from '@backstage/plugin-scaffolder-react';
import {
  EmbeddableWorkflow,
  Stepper,
} from '@backstage/plugin-scaffolder-react/alpha';
import {
  EntityNamePickerFieldExtension,
  EntityPickerFieldExtension,
  EntityTagsPickerFieldExtension,
  MultiEntityPickerFieldExtension,
  MyGroupsPickerFieldExtension,
  OwnedEntityPickerFieldExtension,
  OwnerPickerFieldExtension,
} from '@backstage/plugin-scaffolder';
import { JsonObject, JsonValue } from '@backstage/types';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';
import { manifestFromForm } from '../../lib/forms';

const SUBMIT_LABEL = 'Submit request';

// The scaffolder's catalog-backed field extensions, so that a form can ask
// for an entity, an owner or a group the way templates do. The SCM pickers
// are left out: they need integrations that a request form has no use for.
const fieldExtensionsOutlet = (
  <ScaffolderFieldExtensions>
    <EntityPickerFieldExtension />
    <EntityNamePickerFieldExtension />
    <EntityTagsPickerFieldExtension />
    <MultiEntityPickerFieldExtension />
    <MyGroupsPickerFieldExtension />
    <OwnedEntityPickerFieldExtension />
    <OwnerPickerFieldExtension />
  </ScaffolderFieldExtensions>
);

/**
 * The offering's form, drawn by the scaffolder's own form machinery: the
 * template's parameters when the offering has a template, its inline form
 * otherwise.
 *
 * @internal
 */
export function RequestForm(props: {
  offering: OfferingSummary;
  onSubmit(values: JsonObject): Promise<unknown>;
}) {
  const { offering, onSubmit } = props;
  const extensions = useCustomFieldExtensions<FieldExtensionOptions>(
    fieldExtensionsOutlet,
  );
  const manifest = useMemo(() => manifestFromForm(offering), [offering]);
  const onCreate = async (values: Record<string, JsonValue>) => {
    await onSubmit(values);
  };

  if (offering.template) {
    const template = parseEntityRef(offering.template, {
      defaultKind: 'template',
      defaultNamespace: offering.namespace,
    });
    return (
      <EmbeddableWorkflow
        namespace={template.namespace}
        templateName={template.name}
        title="Request form"
        extensions={extensions}
        onCreate={onCreate}
        onError={error => (error ? <ResponseErrorPanel error={error} /> : null)}
        components={{ createButtonText: SUBMIT_LABEL }}
      />
    );
  }

  return (
    <SecretsContextProvider>
      <InfoCard title="Request form" noPadding>
        <Stepper
          manifest={manifest}
          extensions={extensions}
          onCreate={onCreate}
          components={{ createButtonText: SUBMIT_LABEL }}
        />
      </InfoCard>
    </SecretsContextProvider>
  );
}
