import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonValue } from '@backstage/types';
import { ServiceCatalogueService } from '@service-catalogue/plugin-service-catalogue-node';
import { examples } from './createRequest.examples';
import { toOfferingRef } from './refs';

/**
 * Creates the `service-catalogue:request:create` action: a delegated form
 * raises a request for a colleague, which then goes through the offering's
 * approval like any other.
 *
 * @remarks
 *
 * The request is made as the user who runs the template, so the offering's
 * request mode decides whether they may raise it for that colleague (their
 * manager, a key user, or the desk), and they are recorded as its submitter.
 *
 * @public
 */
export function createRequestCreateAction(options: {
  serviceCatalogue: ServiceCatalogueService;
}) {
  const { serviceCatalogue } = options;

  return createTemplateAction({
    id: 'service-catalogue:request:create',
    description:
      'Raises a service catalogue request, for the user who runs the template or for a colleague, and returns its tracking number',
    examples,
    schema: {
      input: {
        offering: z =>
          z.string({
            description:
              'Entity ref of the offering, such as offering:default/figma-licence; a bare name is an Offering in the default namespace',
          }),
        forUser: z =>
          z
            .string({
              description:
                'Entity ref of the colleague the request is for; defaults to the user who runs the template',
            })
            .optional(),
        // Typed as JSON rather than unknown: the action's input must be a
        // JsonObject for the published TemplateAction type to hold.
        values: z =>
          z
            .record(z.string(), z.custom<JsonValue>(), {
              description:
                "The values of the offering's form (its template's parameters or its inline form)",
            })
            .optional(),
      },
      output: {
        requestId: z => z.string({ description: 'Id of the request' }),
        trackingNumber: z =>
          z.string({ description: 'Tracking number such as REQ-000123' }),
        state: z =>
          z.string({
            description:
              'State of the request, PENDING_APPROVAL when it waits for approval',
          }),
      },
    },
    async handler(ctx) {
      const offeringRef = toOfferingRef(ctx.input.offering);
      const credentials = await ctx.getInitiatorCredentials();
      // A task that is retried after it raised the request must not raise a
      // second one: the checkpoint returns the first request's numbers.
      const request = await ctx.checkpoint({
        key: `request-create:${offeringRef}:${ctx.input.forUser ?? 'self'}`,
        fn: async () => {
          const created = await serviceCatalogue.submitRequest({
            credentials,
            offeringRef,
            ...(ctx.input.forUser ? { forUser: ctx.input.forUser } : {}),
            formValues: ctx.input.values ?? {},
          });
          return {
            requestId: created.id,
            trackingNumber: created.trackingNumber,
            state: created.state,
          };
        },
      });

      ctx.logger.info(
        `Raised ${request.trackingNumber} for ${
          ctx.input.forUser ?? 'the user who runs the template'
        }: ${request.state}`,
      );
      ctx.output('requestId', request.requestId);
      ctx.output('trackingNumber', request.trackingNumber);
      ctx.output('state', request.state);
    },
  });
}
