import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { GrantService } from '../grants/GrantService';
import { requireUser } from './callers';
import { grantSchema, requestSchema } from './schemas';

/**
 * `list-my-access` and `request-grant-extension`: the access a person
 * holds through the service catalogue.
 *
 * @internal
 */
export function registerGrantActions(options: {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  grants: GrantService;
}) {
  const { actionsRegistry, auth, grants } = options;

  actionsRegistry.register({
    name: 'list-my-access',
    title: 'List my access',
    description: `Lists the access the caller holds, or held, through the service catalogue (grants): what it is for, since and until when, and whether more time was already asked for. Only the caller's own grants.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          states: z
            .array(z.enum(['active', 'revoking', 'ended']))
            .optional()
            .describe('Only grants in these states; all when left out'),
        }),
      output: z => z.object({ items: z.array(grantSchema(z)) }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        // No holderRef: through an assistant a person lists their own
        // access only, whatever they may see of others' in the UI.
        items: await grants.list({
          credentials: requireUser(auth, credentials),
          states: input.states,
        }),
      },
    }),
  });

  actionsRegistry.register({
    name: 'request-grant-extension',
    title: 'Ask for more time on my access',
    description: `Asks for more time on one of the caller's active grants that ends on its own: a request for the same offering, routed for approval like any other, which moves the grant's end by the offering's duration once approved. Only the grant's holder may ask.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          grantId: z.string().describe('The id of a grant from list-my-access'),
          // The REST API's limit (ExtendGrant in openapi.yaml).
          reason: z
            .string()
            .max(1000)
            .optional()
            .describe('Why more time is needed; shown to the approvers'),
        }),
      output: z => z.object({ request: requestSchema(z) }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        request: await grants.extend({
          grantId: input.grantId,
          reason: input.reason,
          credentials: requireUser(auth, credentials),
        }),
      },
    }),
  });
}
