import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { JsonObject } from '@backstage/types';
import { OFFERING_KIND } from '@service-catalogue/plugin-service-catalogue-common';
import { normalizeRef } from '../requests/refs';
import { RequestService } from '../requests/RequestService';
import { SubmissionService } from '../requests/SubmissionService';
import { requireUser } from './callers';
import { requestRefSchema, requestSchema, requestStateSchema } from './schemas';

/**
 * `submit-request`, `get-request`, `list-my-requests` and
 * `cancel-request`: a requester's side of a request.
 *
 * @internal
 */
export function registerRequestActions(options: {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  submissions: SubmissionService;
  requests: RequestService;
}) {
  const { actionsRegistry, auth, submissions, requests } = options;

  actionsRegistry.register({
    name: 'submit-request',
    title: 'Submit a service catalogue request',
    description: `Raises a request for an offering, as the UI's request form does; the request is then routed for approval (see describe-offering for who approves) and fulfilled once approved.
formValues must match the offering's form from describe-offering: they are validated exactly as the form's are, and fields the form does not declare are refused.
Leave forUser out to request for oneself; a request for a colleague is only accepted where the offering's request mode lets the caller raise one for them.
Confirm the offering and the values with the user before calling: each call raises a new request.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          offeringRef: z
            .string()
            .describe(
              'The entityRef of the offering, such as "offering:default/vpn-access"',
            ),
          formValues: z
            .record(z.unknown())
            .describe("The form's values, per describe-offering's form"),
          forUser: z
            .string()
            .optional()
            .describe(
              'User entity ref of a colleague the request is for, when not for oneself',
            ),
        }),
      output: z => z.object({ request: requestSchema(z) }),
    },
    action: async ({ input, credentials }) => {
      const request = await submissions.submit({
        offeringRef: normalizeRef(input.offeringRef, {
          field: 'offeringRef',
          defaultKind: OFFERING_KIND,
        }),
        forUserRef: input.forUser,
        formValues: input.formValues as JsonObject,
        credentials: requireUser(auth, credentials),
      });
      return { output: { request } };
    },
  });

  actionsRegistry.register({
    name: 'get-request',
    title: 'Get a service catalogue request',
    description: `Reads one request the caller is involved in (as requester, submitter, approver, or one who fulfils it): its state, approval stages and decisions, comments, history, and the actions the caller may take on it now (such as "approve", "reject", "cancel").
Internal comments are only included for approvers, owners and the service desk, never for the person the request is for. Requests the caller may not read are reported as not found.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object({ request: requestRefSchema(z) }),
      output: z =>
        z.object({
          request: requestSchema(z),
          comments: z
            .array(
              z.object({
                authorRef: z.string(),
                body: z.string(),
                visibility: z.enum(['internal', 'external']),
                createdAt: z.string(),
              }),
            )
            .describe('The comments the caller may read'),
          events: z
            .array(
              z.object({
                type: z.string(),
                actorRef: z.string(),
                fromState: requestStateSchema(z).optional(),
                toState: requestStateSchema(z).optional(),
                createdAt: z.string(),
              }),
            )
            .describe("The request's history, oldest first"),
          actions: z
            .array(z.string())
            .describe('What the caller may do with the request now'),
          seesInternal: z.boolean(),
        }),
    },
    action: async ({ input, credentials }) => {
      const details = await requests.getRequest({
        idOrTrackingNumber: input.request,
        credentials: requireUser(auth, credentials),
      });
      return { output: details };
    },
  });

  actionsRegistry.register({
    name: 'list-my-requests',
    title: 'List my service catalogue requests',
    description: `Lists the requests the caller raised and those raised for them, newest first, as on the UI's "My requests" page.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          states: z
            .array(requestStateSchema(z))
            .optional()
            .describe('Only requests in these states'),
          search: z
            .string()
            .optional()
            .describe('Text to find in the tracking number or offering'),
          limit: z.number().int().min(1).max(100).optional(),
          offset: z.number().int().min(0).optional(),
        }),
      output: z =>
        z.object({
          items: z.array(requestSchema(z)),
          totalCount: z.number(),
        }),
    },
    action: async ({ input, credentials }) => {
      // Assistants page by offset; the REST API's cursor is not theirs.
      const { items, totalCount } = await requests.listMyRequests({
        credentials: requireUser(auth, credentials),
        states: input.states,
        search: input.search,
        limit: input.limit ?? 20,
        offset: input.offset,
      });
      return { output: { items, totalCount } };
    },
  });

  actionsRegistry.register({
    name: 'cancel-request',
    title: 'Cancel a service catalogue request',
    description: `Cancels a request of the caller's that is not yet being fulfilled (new, pending approval or approved). Only the person it is for or who submitted it may cancel it, and it cannot be undone; confirm with the user first.`,
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z => z.object({ request: requestRefSchema(z) }),
      output: z => z.object({ request: requestSchema(z) }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        request: await requests.cancel({
          idOrTrackingNumber: input.request,
          credentials: requireUser(auth, credentials),
        }),
      },
    }),
  });
}
