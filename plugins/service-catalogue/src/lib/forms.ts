import { JsonObject, JsonValue } from '@backstage/types';
import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';

function asObject(value: JsonValue | undefined): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? value
    : {};
}

/**
 * The scaffolder manifest of an inline form, which is shaped like template
 * `parameters`: one JSON Schema object, or a list of them, one a step.
 *
 * @internal
 */
export function manifestFromForm(offering: OfferingSummary) {
  const form: JsonValue = offering.form ?? {};
  const steps = (Array.isArray(form) ? form : [form]).map(asObject);
  return {
    title: offering.title,
    steps: steps.map(step => ({
      title: typeof step.title === 'string' ? step.title : offering.title,
      description:
        typeof step.description === 'string' ? step.description : undefined,
      schema: step,
    })),
  };
}

/**
 * How one form field shows a value that was submitted with it.
 *
 * @internal
 */
export type FormField = {
  /** The field's title, such as `Requested for`. */
  title?: string;
  /** The names of the field's options by their values. */
  optionNames: Map<string, string>;
  /** Whether its values are entity refs, shown by the entity's name. */
  entity: boolean;
};

// The scaffolder's fields whose values are entity refs.
const ENTITY_FIELDS = [
  'EntityPicker',
  'MultiEntityPicker',
  'OwnerPicker',
  'OwnedEntityPicker',
  'MyGroupsPicker',
];

function optionNames(schema: JsonObject): Map<string, string> {
  const names = new Map<string, string>();
  const items = asObject(schema.items);
  const values = schema.enum ?? items.enum;
  const labels = schema.enumNames ?? items.enumNames;
  if (Array.isArray(values) && Array.isArray(labels)) {
    values.forEach((value, index) => {
      const label = labels[index];
      if (typeof label === 'string') {
        names.set(String(value), label);
      }
    });
  }
  const choices = schema.oneOf ?? schema.anyOf ?? items.oneOf ?? items.anyOf;
  for (const choice of Array.isArray(choices) ? choices.map(asObject) : []) {
    if (choice.const !== undefined && typeof choice.title === 'string') {
      names.set(String(choice.const), choice.title);
    }
  }
  return names;
}

/**
 * The fields of a form's steps by their keys, as the form's schema words
 * them: titles, option names, and which hold entity refs.
 *
 * @internal
 */
export function formFields(
  steps: Array<{ schema: JsonObject }>,
): Map<string, FormField> {
  const fields = new Map<string, FormField>();
  for (const { schema } of steps) {
    for (const [key, value] of Object.entries(asObject(schema.properties))) {
      const property = asObject(value);
      fields.set(key, {
        title: typeof property.title === 'string' ? property.title : undefined,
        optionNames: optionNames(property),
        entity: ENTITY_FIELDS.includes(String(property['ui:field'])),
      });
    }
  }
  return fields;
}
