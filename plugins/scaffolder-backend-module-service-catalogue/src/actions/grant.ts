import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ServiceCatalogueService } from '@service-catalogue/plugin-service-catalogue-node';
import { examples } from './grant.examples';
import { toOfferingRef } from './refs';

/**
 * Creates the `service-catalogue:grant` action: a desk or provisioning
 * template that gave someone access records it, so that the access stays on
 * record, expires and can be revoked like access granted through a request.
 *
 * @remarks
 *
 * The grant is recorded as the user who runs the template, who must fulfil
 * the offering (its owners, the service desk or an administrator). Access
 * the holder already has is left as it is, so running the step twice
 * records one grant.
 *
 * @public
 */
export function createGrantAction(options: {
  serviceCatalogue: ServiceCatalogueService;
}) {
  const { serviceCatalogue } = options;

  return createTemplateAction({
    id: 'service-catalogue:grant',
    description:
      'Records that a user holds the access of a revocable offering, given by this template, and returns the grant',
    examples,
    schema: {
      input: {
        offering: z =>
          z.string({
            description:
              'Entity ref of the offering, such as offering:default/figma-licence; a bare name is an Offering in the default namespace',
          }),
        holder: z =>
          z
            .string({
              description:
                'Entity ref of the user who holds the access; defaults to the user who runs the template',
            })
            .optional(),
        expiresAt: z =>
          z
            .string({
              description:
                "When the access ends, as an ISO 8601 date and time; defaults to the offering's grant duration from now",
            })
            .optional(),
        reason: z =>
          z
            .string({ description: 'Why the access was given, kept on record' })
            .optional(),
      },
      output: {
        grantId: z => z.string({ description: 'Id of the grant' }),
        trackingNumber: z =>
          z.string({
            description: 'Tracking number of the request the grant is kept on',
          }),
        expiresAt: z =>
          z
            .string({ description: 'When the access ends, if it does' })
            .optional(),
        created: z =>
          z.boolean({
            description:
              'False when the holder already had the access and nothing was recorded',
          }),
      },
    },
    async handler(ctx) {
      const offeringRef = toOfferingRef(ctx.input.offering);
      const holderRef = ctx.input.holder?.trim() || ctx.user?.ref;
      if (!holderRef) {
        throw new InputError(
          'Input holder is required when no user runs the template',
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const recorded = await ctx.checkpoint({
        key: `grant:${offeringRef}:${holderRef}`,
        fn: async () => {
          const { grant, created } = await serviceCatalogue.recordGrant({
            credentials,
            offeringRef,
            holderRef,
            ...(ctx.input.expiresAt ? { expiresAt: ctx.input.expiresAt } : {}),
            ...(ctx.input.reason ? { reason: ctx.input.reason } : {}),
          });
          return {
            grantId: grant.id,
            trackingNumber: grant.trackingNumber,
            expiresAt: grant.expiresAt ?? null,
            created,
          };
        },
      });

      ctx.logger.info(
        recorded.created
          ? `Recorded ${offeringRef} for ${holderRef} in ${recorded.trackingNumber}`
          : `${holderRef} already holds ${offeringRef} (${recorded.trackingNumber}); nothing recorded`,
      );
      ctx.output('grantId', recorded.grantId);
      ctx.output('trackingNumber', recorded.trackingNumber);
      if (recorded.expiresAt) {
        ctx.output('expiresAt', recorded.expiresAt);
      }
      ctx.output('created', recorded.created);
    },
  });
}
