import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  OFFERING_KIND,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { FOR_USER_FIELD } from '../requests/FormValidator';
import { normalizeRef } from '../requests/refs';
import { SubmissionService } from '../requests/SubmissionService';
import { requireUser } from './callers';
import { offeringSchema } from './schemas';

/**
 * `find-offerings` and `describe-offering`: what an assistant reads before
 * it raises a request.
 *
 * @internal
 */
export function registerOfferingActions(options: {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  offerings: OfferingCatalogue;
  submissions: SubmissionService;
}) {
  const { actionsRegistry, auth, offerings, submissions } = options;

  actionsRegistry.register({
    name: 'find-offerings',
    title: 'Find service catalogue offerings',
    description: `Searches the IT service catalogue for offerings the caller may request: access to systems and data, software licences, hardware, accounts.
Matches the text against each offering's title, name, description and tags, and optionally narrows to a category id such as "access" or "access/data" (subcategories included).
Returns each offering's entityRef, to pass to describe-offering before submitting a request.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          text: z
            .string()
            .optional()
            .describe(
              'Words to look for, such as "orders database"; all must match',
            ),
          category: z
            .string()
            .optional()
            .describe('A category id such as "access/data"'),
        }),
      output: z => z.object({ offerings: z.array(offeringSchema(z)) }),
    },
    action: async ({ input, credentials }) => {
      // The same list as GET /offerings, which services may read too: it
      // holds no one's personal data, and audiences are applied per caller.
      const all = await offerings.listOfferings({ credentials });
      return {
        output: {
          offerings: all.filter(
            offering =>
              inCategory(offering, input.category) &&
              matchesText(offering, input.text),
          ),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'describe-offering',
    title: 'Describe a service catalogue offering',
    description: `Tells everything needed to request one offering: its form as a JSON Schema (the formValues submit-request expects; fields the form does not declare are refused), whether the caller may request it for themselves or for others, who would approve a request from the caller stage by stage, its SLA policy and the estimated delay (an ISO 8601 duration).
Offerings outside the caller's audience are reported as not found.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          offeringRef: z
            .string()
            .describe(
              'The entityRef from find-offerings, such as "offering:default/vpn-access", or just its name',
            ),
        }),
      output: z =>
        z.object({
          offering: offeringSchema(z),
          form: z
            .record(z.unknown())
            .describe(
              'JSON Schema of formValues; "forUser" is filled by the backend',
            ),
          mayRequest: z.object({
            forSelf: z.boolean(),
            forOthers: z.boolean(),
            explanation: z.string().optional(),
          }),
          approvalStages: z
            .array(
              z.object({
                index: z.number(),
                approvers: z
                  .array(z.string())
                  .describe('User entity refs of who may decide'),
                policy: z.union([z.enum(['any', 'all']), z.number()]),
                required: z
                  .number()
                  .describe('How many approvals complete the stage'),
              }),
            )
            .describe('Empty when a request needs no approval'),
          sla: z.string().optional(),
          estimatedDelay: z.string().optional(),
        }),
    },
    action: async ({ input, credentials: given }) => {
      const credentials = requireUser(auth, given);
      const offeringRef = normalizeRef(input.offeringRef, {
        field: 'offeringRef',
        defaultKind: OFFERING_KIND,
      });
      // The form is given once, as JSON Schema, not also raw.
      const { form: _raw, ...offering } = await offerings.getOffering({
        entityRef: offeringRef,
        credentials,
      });
      const mayRequest = await submissions.requestOptions({
        offeringRef,
        credentials,
      });
      // Approvers are anticipated for the caller themselves; for someone
      // who may not request it at all there is no one to name.
      const approvalStages = mayRequest.forSelf
        ? (await submissions.anticipateApprovers({ offeringRef, credentials }))
            .stages
        : [];
      return {
        output: {
          offering,
          form: formAsJsonSchema(
            await submissions.form({ offeringRef, credentials }),
          ),
          mayRequest,
          approvalStages,
          sla: offering.sla,
          estimatedDelay: offering.estimatedDelay,
        },
      };
    },
  });
}

function inCategory(offering: OfferingSummary, category?: string): boolean {
  if (!category) {
    return true;
  }
  const wanted = category.toLocaleLowerCase('en-US');
  const actual = offering.category.toLocaleLowerCase('en-US');
  return actual === wanted || actual.startsWith(`${wanted}/`);
}

function matchesText(offering: OfferingSummary, text?: string): boolean {
  const words = (text ?? '')
    .toLocaleLowerCase('en-US')
    .split(/\s+/)
    .filter(Boolean);
  const haystack = [
    offering.title,
    offering.name,
    offering.description ?? '',
    ...offering.tags,
  ]
    .join(' ')
    .toLocaleLowerCase('en-US');
  return words.every(word => haystack.includes(word));
}

/**
 * A form in the shape of template parameters (one schema or a list of
 * steps) as one JSON Schema: the steps are all checked on submission, so
 * they are `allOf`. `ui:` keys only lay out the UI and would puzzle an
 * assistant; `forUser` is the backend's to fill.
 *
 * @internal
 */
export function formAsJsonSchema(form: JsonValue | undefined): JsonObject {
  const steps = (Array.isArray(form) ? form : [form]).filter(
    (step): step is JsonObject =>
      typeof step === 'object' && step !== null && !Array.isArray(step),
  );
  const cleaned = steps.map(step =>
    withoutForUser(withoutUiKeys(step) as JsonObject),
  );
  if (cleaned.length === 0) {
    return { type: 'object', properties: {} };
  }
  return cleaned.length === 1 ? cleaned[0] : { type: 'object', allOf: cleaned };
}

function withoutUiKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    return value.map(withoutUiKeys);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('ui:'))
      .map(([key, inner]) => [key, withoutUiKeys(inner as JsonValue)]),
  );
}

function withoutForUser(step: JsonObject): JsonObject {
  const properties = { ...(step.properties as JsonObject | undefined) };
  delete properties[FOR_USER_FIELD];
  const required = Array.isArray(step.required)
    ? step.required.filter(name => name !== FOR_USER_FIELD)
    : undefined;
  return {
    ...step,
    properties,
    ...(required ? { required } : {}),
  };
}
