import { InputError } from '@backstage/errors';
import { JsonObject, JsonValue } from '@backstage/types';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The form field the backend fills with the entity ref of the person a
 * request is for; whatever a client sends in it is replaced.
 */
export const FOR_USER_FIELD = 'forUser';

const MAX_COMPILED_FORMS = 500;

/**
 * Checks form values against a form in the shape of scaffolder template
 * parameters: one JSON Schema object, or a list of them (the form's steps).
 * `ui:` keys are presentation and are ignored. Standard formats (`date`,
 * `date-time`, `email`, `uri` and the others of ajv-formats) are checked;
 * formats it does not know pass. Values for fields that no step declares
 * are refused, so that nothing unexpected reaches provisioning.
 *
 * @internal
 */
export class FormValidator {
  private readonly ajv = addFormats(
    new Ajv({
      allErrors: true,
      // `ui:` keys and the formats of field extensions are not JSON
      // Schema's: unknown ones pass, without a warning on every submission.
      strict: false,
      logger: false,
    }),
  );

  // Ajv keeps every schema object it compiled. Forms arrive as new objects
  // with every offering read, so compiled forms are kept here by their text
  // instead, and all are dropped once there are more than forms in use.
  private readonly compiled = new Map<string, ValidateFunction>();

  private compile(step: JsonObject): ValidateFunction {
    const key = JSON.stringify(step);
    let validate = this.compiled.get(key);
    if (!validate) {
      if (this.compiled.size >= MAX_COMPILED_FORMS) {
        this.compiled.clear();
        this.ajv.removeSchema();
      }
      validate = this.ajv.compile(step);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  validate(form: JsonValue | undefined, values: JsonObject): void {
    const steps = toSteps(form);
    const declared = new Set<string>();
    const problems: string[] = [];

    for (const step of steps) {
      for (const name of Object.keys(asObject(step.properties))) {
        declared.add(name);
      }
      const validate = this.compile(step);
      if (!validate(values)) {
        problems.push(...(validate.errors ?? []).map(describe));
      }
    }

    for (const name of Object.keys(values)) {
      // The backend fills forUser itself, whether the form declares it or not.
      if (!declared.has(name) && name !== FOR_USER_FIELD) {
        problems.push(`${name}: the form has no such field`);
      }
    }

    if (problems.length > 0) {
      throw new InputError(
        `The form values do not match the form: ${[...new Set(problems)].join(
          '; ',
        )}`,
      );
    }
  }
}

function toSteps(form: JsonValue | undefined): JsonObject[] {
  if (form === undefined || form === null) {
    return [];
  }
  const list = Array.isArray(form) ? form : [form];
  return list.map(step => {
    const object = asObject(step);
    // A step is an object schema even when its author left the type out.
    return { type: 'object', ...object };
  });
}

function asObject(value: JsonValue | undefined): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? value
    : {};
}

/** Names the field: `/team must be string`, `justification is required`. */
function describe(error: ErrorObject): string {
  if (error.keyword === 'required') {
    const field = `${error.instancePath}/${error.params.missingProperty}`
      .replace(/^\//, '')
      .replace(/\//g, '.');
    return `${field} is required`;
  }
  const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return `${field || 'the form'} ${error.message ?? 'is invalid'}`;
}
