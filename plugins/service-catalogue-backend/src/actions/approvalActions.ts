import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ApprovalService } from '../approvals/ApprovalService';
import { requireUser } from './callers';
import { requestRefSchema, requestSchema } from './schemas';

/**
 * `list-requests-awaiting-my-decision` and `decide-request`: an approver's
 * side of a request.
 *
 * @internal
 */
export function registerApprovalActions(options: {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  approvals: ApprovalService;
}) {
  const { actionsRegistry, auth, approvals } = options;

  actionsRegistry.register({
    name: 'list-requests-awaiting-my-decision',
    title: 'List requests awaiting my decision',
    description: `Lists the requests whose current approval stage waits for the caller's decision, directly or as someone's delegate, oldest first, as on the UI's Approvals page: one page at a time, the next one by passing the nextCursor of the previous. Decide them with decide-request.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          cursor: z
            .string()
            .max(200)
            .optional()
            .describe('The nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(requestSchema(z)),
          totalCount: z.number().int(),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const page = await approvals.listAwaitingDecision({
        credentials: requireUser(auth, credentials),
        cursor: input.cursor,
      });
      return {
        output: {
          items: page.items,
          totalCount: page.totalCount,
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'decide-request',
    title: 'Approve or reject a request',
    description: `Records the caller's decision on the current approval stage of a request waiting for them: "approve" moves it on (to the next stage, or to fulfilment, which provisions access), "reject" ends it for good.
Only an approver of the current stage, or their delegate, may decide; nobody decides on their own request unless the offering allows self-approval.
A decision cannot be taken back: show the user the request (get-request) and confirm the decision with them before calling.`,
    // Rejecting ends a request for good and approving provisions access;
    // deciding again may land on a later stage the caller also approves.
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          request: requestRefSchema(z),
          decision: z.enum(['approve', 'reject']),
          // The REST API's limit (DecideRequest in openapi.yaml).
          comment: z
            .string()
            .max(4000)
            .optional()
            .describe('Why; shown to the requester'),
          stageIndex: z
            .number()
            .int()
            .min(0)
            .optional()
            .describe(
              'The index of the stage the user saw; the decision is refused if the request has moved on since',
            ),
        }),
      output: z => z.object({ request: requestSchema(z) }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        request: await approvals.decide({
          idOrTrackingNumber: input.request,
          decision: input.decision,
          comment: input.comment,
          stageIndex: input.stageIndex,
          credentials: requireUser(auth, credentials),
        }),
      },
    }),
  });
}
