import { AuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  GATE_ACTION_ID,
  GateInitiator,
} from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueService } from '@service-catalogue/plugin-service-catalogue-node';
import { examples } from './gate.examples';

/**
 * Creates the `service-catalogue:gate` action, the first step of every
 * template that provisions or revokes an offering.
 *
 * @remarks
 *
 * Offering templates are ordinary templates that anyone allowed to use the
 * scaffolder could run, skipping approval. The gate lets a task go on only
 * when the service catalogue backend created it (with its own service
 * credentials, which no user can forge) for the current run of an approved
 * request or a grant being revoked, with exactly the values it stored, and
 * only once. Any other task fails here, before its next step, and the
 * backend audits the attempt and tells the offering's owners. It takes no
 * input: it reads who created the task from the scaffolder, and the backend
 * reads the task's values from the scaffolder, so nothing the task carries
 * can vouch for itself.
 *
 * @public
 */
export function createGateAction(options: {
  serviceCatalogue: ServiceCatalogueService;
  auth: AuthService;
}) {
  const { serviceCatalogue, auth } = options;

  return createTemplateAction({
    id: GATE_ACTION_ID,
    description:
      'Lets the task go on only when the service catalogue started it for an approved request (or a grant it is revoking) with the values it stored; put it first in every provisioning and revoke template',
    examples,
    schema: {
      input: {},
      output: {
        trackingNumber: z =>
          z.string().describe('The request the task fulfils'),
        forUser: z =>
          z.string().describe('Entity ref of the person the task acts for'),
      },
    },
    async handler(ctx) {
      const result = await serviceCatalogue.checkGate({
        credentials: await auth.getOwnServiceCredentials(),
        taskId: ctx.task.id,
        initiator: describeInitiator(await ctx.getInitiatorCredentials()),
      });
      if (!result.allowed) {
        throw new NotAllowedError(
          `The service catalogue's gate stopped this task: ${result.reason}`,
        );
      }
      ctx.logger.info(
        `Gate passed: ${result.purpose} ${result.trackingNumber} for ${result.forUser}`,
      );
      ctx.output('trackingNumber', result.trackingNumber);
      ctx.output('forUser', result.forUser);
    },
  });
}

function describeInitiator(credentials: { principal: unknown }): GateInitiator {
  const principal = credentials.principal as {
    type?: string;
    subject?: string;
    userEntityRef?: string;
  };
  if (principal.type === 'service' && principal.subject) {
    return { type: 'service', subject: principal.subject };
  }
  if (principal.type === 'user' && principal.userEntityRef) {
    return { type: 'user', userEntityRef: principal.userEntityRef };
  }
  return { type: 'none' };
}
