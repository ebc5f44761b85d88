import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ServiceCatalogueService } from '@service-catalogue/plugin-service-catalogue-node';
import { examples } from './revoke.examples';
import { toOfferingRef } from './refs';

/**
 * Creates the `service-catalogue:revoke` action: a desk template ends
 * someone's access, named by its grant id or by offering and holder.
 *
 * @remarks
 *
 * The grant is ended as the user who runs the template: its holder, or
 * someone who fulfils the offering. When the offering has a revoke
 * template, that template takes the access away and the grant ends once it
 * succeeded. Access that already ended, or is being taken away, is left
 * alone, so running the step twice ends the access once.
 *
 * @public
 */
export function createRevokeAction(options: {
  serviceCatalogue: ServiceCatalogueService;
}) {
  const { serviceCatalogue } = options;

  return createTemplateAction({
    id: 'service-catalogue:revoke',
    description:
      "Ends a user's access to an offering, by grant id or by offering and holder, running the offering's revoke template when it has one",
    examples,
    schema: {
      input: {
        grantId: z =>
          z
            .string({
              description: 'Id of the grant; or name offering and holder',
            })
            .optional(),
        offering: z =>
          z
            .string({
              description:
                'Entity ref of the offering whose access to end; a bare name is an Offering in the default namespace',
            })
            .optional(),
        holder: z =>
          z
            .string({
              description:
                'Entity ref of the user whose access to end, with offering; defaults to the user who runs the template',
            })
            .optional(),
        reason: z =>
          z
            .string({ description: 'Why the access ends; said to the holder' })
            .optional(),
      },
      output: {
        revokedGrantIds: z =>
          z
            .array(z.string())
            .describe('The grants this step ended or started ending'),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      let grantIds: string[];
      if (ctx.input.grantId?.trim()) {
        grantIds = [ctx.input.grantId.trim()];
      } else if (ctx.input.offering) {
        const offeringRef = toOfferingRef(ctx.input.offering);
        const holderRef = ctx.input.holder?.trim() || ctx.user?.ref;
        if (!holderRef) {
          throw new InputError(
            'Input holder is required when no user runs the template',
          );
        }
        // A retried task ends the grants it found the first time.
        grantIds = await ctx.checkpoint({
          key: `revoke-find:${offeringRef}:${holderRef}`,
          fn: async () =>
            (
              await serviceCatalogue.listGrants({
                credentials,
                holderRef,
                offeringRef,
                state: ['active'],
              })
            ).map(grant => grant.id),
        });
        if (grantIds.length === 0) {
          ctx.logger.info(
            `${holderRef} holds no ${offeringRef}; nothing to end`,
          );
        }
      } else {
        throw new InputError(
          'Name the access to end: input grantId, or offering (with holder)',
        );
      }

      const revoked: string[] = [];
      for (const grantId of grantIds) {
        const outcome = await ctx.checkpoint({
          key: `revoke:${grantId}`,
          fn: async () => {
            try {
              const grant = await serviceCatalogue.revokeGrant({
                credentials,
                grantId,
                ...(ctx.input.reason ? { reason: ctx.input.reason } : {}),
              });
              return grant.state;
            } catch (error) {
              if (error instanceof ResponseError && error.statusCode === 409) {
                ctx.logger.info(
                  `Grant ${grantId} needs no revoking: ${error.message}`,
                );
                return 'unchanged';
              }
              throw error;
            }
          },
        });
        if (outcome !== 'unchanged') {
          ctx.logger.info(`Grant ${grantId} is ${outcome}`);
          revoked.push(grantId);
        }
      }
      ctx.output('revokedGrantIds', revoked);
    },
  });
}
