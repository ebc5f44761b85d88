import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ReviewService } from '../reviews/ReviewService';
import { requireUser } from './callers';
import { reviewLineSchema } from './schemas';

/**
 * `list-review-lines` and `decide-review-lines`: a reviewer's side of an
 * access review.
 *
 * @internal
 */
export function registerReviewActions(options: {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  reviews: ReviewService;
}) {
  const { actionsRegistry, auth, reviews } = options;

  actionsRegistry.register({
    name: 'list-review-lines',
    title: 'List access waiting for my review',
    description: `Lists the lines of open access reviews the caller may decide now, as a reviewer or for a reviewer who delegated to them, as on the UI's Reviews page: who holds what, since when and why, and what happens if nobody decides by the deadline. Never the caller's own access. One page at a time, the next one by passing the nextCursor of the previous. Decide them with decide-review-lines.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          offeringRef: z
            .string()
            .optional()
            .describe('Only the lines of this offering'),
          holder: z
            .string()
            .max(200)
            .optional()
            .describe("Part of the holder's entity ref"),
          cursor: z
            .string()
            .max(200)
            .optional()
            .describe('The nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(reviewLineSchema(z)),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const page = await reviews.listLines({
        offeringRef: input.offeringRef,
        holder: input.holder,
        cursor: input.cursor,
        credentials: requireUser(auth, credentials),
      });
      return {
        output: {
          items: page.items,
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'decide-review-lines',
    title: 'Keep or revoke access under review',
    description: `Records the caller's decision on up to 100 lines of open access reviews: "keep" confirms the holder still needs the access, "revoke" ends it (running the offering's revoke template) and needs a reason, which the holder is told.
Only a line's reviewer, or their delegate, may decide it; nobody decides their own access. Each line succeeds or fails on its own.
A decision cannot be taken back: show the user the lines (list-review-lines) and confirm the decision with them before calling.`,
    // Revoking ends someone's access; a line decided once is refused after.
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          lineIds: z.array(z.string()).min(1).max(100),
          decision: z.enum(['keep', 'revoke']),
          reason: z
            .string()
            .max(4000)
            .optional()
            .describe('Why; required to revoke, and told to the holder'),
        }),
      output: z =>
        z.object({
          results: z.array(
            z.object({
              lineId: z.string(),
              line: reviewLineSchema(z).optional(),
              error: z
                .object({ name: z.string(), message: z.string() })
                .optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await reviews.decide({
        lineIds: input.lineIds,
        decision: input.decision,
        reason: input.reason,
        credentials: requireUser(auth, credentials),
      }),
    }),
  });
}
