import { REQUEST_STATES } from '@service-catalogue/plugin-service-catalogue-common';
import type { z as zod } from 'zod/v3';

type Zod = typeof zod;

// The outputs name every field an assistant is given, and nothing else is
// passed on: the actions registry strips what a schema does not list, so a
// field added to the REST types only reaches assistants once it is added
// here on purpose.

/** @internal */
export const requestStateSchema = (z: Zod) => z.enum(REQUEST_STATES);

/** @internal */
export const requestSchema = (z: Zod) =>
  z.object({
    id: z.string(),
    trackingNumber: z.string().describe('Such as REQ-000123'),
    offeringRef: z.string(),
    offeringTitle: z.string(),
    requesterRef: z.string().describe('Who the request is for'),
    submittedByRef: z.string().describe('Who submitted it'),
    state: requestStateSchema(z),
    currentStage: z
      .number()
      .optional()
      .describe('Index of the approval stage waiting for decisions'),
    stages: z.array(
      z.object({
        index: z.number(),
        approvers: z
          .array(z.string())
          .describe('User entity refs of who may decide'),
        policy: z.union([z.enum(['any', 'all']), z.number()]),
        required: z.number().describe('How many approvals complete it'),
        status: z.string(),
        deadlineAt: z
          .string()
          .optional()
          .describe('When the stage times out, escalating or rejecting'),
        decisions: z.array(
          z.object({
            approverRef: z.string(),
            decidedByRef: z.string(),
            decision: z.enum(['approve', 'reject']),
            comment: z.string().optional(),
            decidedAt: z.string(),
          }),
        ),
      }),
    ),
    formValues: z.record(z.unknown()),
    assigneeRef: z.string().optional(),
    slaDueAt: z
      .string()
      .optional()
      .describe('When it is due by its SLA policy; absent without one'),
    sla: z
      .object({
        policyTitle: z.string(),
        responseDueAt: z.string().optional(),
        resolutionDueAt: z.string().optional(),
        respondedAt: z.string().optional(),
        met: z
          .boolean()
          .optional()
          .describe('Whether the SLA was met, once the request ended'),
        businessMinutes: z.number().optional(),
      })
      .optional(),
    failure: z
      .object({ stepId: z.string().optional(), message: z.string() })
      .optional(),
    extendsGrantId: z
      .string()
      .optional()
      .describe('The grant this request asks more time for'),
    createdAt: z.string(),
    updatedAt: z.string(),
  });

/** @internal */
export const grantSchema = (z: Zod) =>
  z.object({
    id: z.string().describe('Pass this as grantId'),
    holderRef: z.string(),
    offeringRef: z.string(),
    offeringTitle: z.string(),
    targetRef: z.string().optional(),
    trackingNumber: z.string().describe('The request that granted it'),
    state: z.enum(['active', 'revoking', 'ended']),
    grantedAt: z.string(),
    expiresAt: z.string().optional(),
    endedAt: z.string().optional(),
    endReason: z.string().optional(),
    pendingExtension: z
      .object({ requestId: z.string(), trackingNumber: z.string() })
      .optional()
      .describe('The open request for more time, if there is one'),
  });

/** @internal */
export const offeringSchema = (z: Zod) =>
  z.object({
    entityRef: z.string().describe('Pass this as offeringRef'),
    title: z.string(),
    description: z.string().optional(),
    category: z.string(),
    owner: z.string(),
    target: z.string().optional().describe('What it gives access to'),
    requestMode: z.enum(['self-service', 'delegated', 'desk']),
    fulfilment: z.enum(['automatic', 'manual']),
    estimatedDelay: z
      .string()
      .optional()
      .describe('ISO 8601 duration users are told to expect'),
    sla: z.string().optional().describe('Name of the SLA policy'),
    grant: z
      .object({ duration: z.string().optional() })
      .optional()
      .describe('Present when it leaves access that can end'),
    tags: z.array(z.string()),
    problems: z
      .array(z.string())
      .optional()
      .describe('Why it cannot be fulfilled as it stands; for its owners'),
  });

/** @internal */
export const requestRefSchema = (z: Zod) =>
  z
    .string()
    .min(1)
    .describe(
      'The tracking number (such as REQ-000123) or the id of a request',
    );

/** @internal */
export const reviewLineSchema = (z: Zod) =>
  z.object({
    id: z.string().describe('Pass this in lineIds'),
    campaignTitle: z.string(),
    deadlineAt: z
      .string()
      .describe("When the offering's rule decides what is still undecided"),
    holderRef: z.string().describe('Who holds the access'),
    offeringRef: z.string(),
    offeringTitle: z.string(),
    targetRef: z.string().optional(),
    grantedAt: z.string(),
    origin: z
      .enum(['request', 'birthright', 'desk'])
      .describe('Why they have it'),
    trackingNumber: z.string().describe('The request that granted it'),
    onUndecided: z
      .enum(['keep', 'revoke'])
      .describe('What happens to it if nobody decides by the deadline'),
    decision: z.enum(['keep', 'revoke']).optional(),
    decidedByRef: z.string().optional(),
    grantState: z.enum(['active', 'revoking', 'ended']).optional(),
  });
