import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { OFFERING_KIND } from '@service-catalogue/plugin-service-catalogue-common';
import { ServiceCatalogueService } from '@service-catalogue/plugin-service-catalogue-node';
import { examples } from './getOffering.examples';

/**
 * Creates the `service-catalogue:offering:get` action, which reads an
 * offering so that later steps of a template can branch on it.
 *
 * @public
 */
export function createGetOfferingAction(options: {
  serviceCatalogue: ServiceCatalogueService;
}) {
  const { serviceCatalogue } = options;

  return createTemplateAction({
    id: 'service-catalogue:offering:get',
    description:
      'Reads an offering of the service catalogue, as the user who started the task may see it',
    examples,
    // Reading has no side effects, and dry runs need the real outputs for
    // the steps that branch on them.
    supportsDryRun: true,
    schema: {
      input: {
        offering: z =>
          z.string({
            description:
              'Entity ref of the offering, such as offering:default/vpn-access. The kind defaults to Offering and the namespace to default, so vpn-access is enough.',
          }),
      },
      output: {
        title: z => z.string({ description: 'Title of the offering' }),
        owner: z =>
          z.string({ description: 'Entity ref of the owner of the offering' }),
        category: z =>
          z.string({ description: 'Id of the category of the offering' }),
        target: z =>
          z.string({
            description:
              'Entity ref of what the offering gives access to, or an empty string when it names none',
          }),
        requestMode: z =>
          z.enum(['self-service', 'delegated', 'desk'], {
            description: 'How the offering is requested',
          }),
        fulfilment: z =>
          z.enum(['automatic', 'manual'], {
            description: 'Whether the offering is fulfilled by automation',
          }),
        grantDuration: z =>
          z.string({
            description:
              'ISO 8601 duration after which a grant of the offering ends, or an empty string when grants do not expire or the offering leaves none',
          }),
      },
    },
    async handler(ctx) {
      const offeringRef = parseOfferingRef(ctx.input.offering);

      // The initiator's credentials, not the scaffolder's own, so that a
      // template cannot reveal an offering its user may not see.
      const offering = await serviceCatalogue.getOffering({
        entityRef: offeringRef,
        credentials: await ctx.getInitiatorCredentials(),
      });
      if (!offering) {
        throw new NotFoundError(
          `Offering ${stringifyEntityRef(
            offeringRef,
          )} does not exist or is not visible to the initiator of this task`,
        );
      }

      ctx.logger.info(`Read offering ${offering.entityRef}`);

      // Empty strings rather than missing outputs, so that templates can test
      // them in `if:` expressions and interpolate them without guards.
      ctx.output('title', offering.title);
      ctx.output('owner', offering.owner);
      ctx.output('category', offering.category);
      ctx.output('target', offering.target ?? '');
      ctx.output('requestMode', offering.requestMode);
      ctx.output('fulfilment', offering.fulfilment);
      ctx.output('grantDuration', offering.grant?.duration ?? '');
    },
  });
}

function parseOfferingRef(ref: string) {
  let parsed;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: OFFERING_KIND,
      defaultNamespace: DEFAULT_NAMESPACE,
    });
  } catch (error) {
    throw new InputError(`Invalid offering ref '${ref}'`, error);
  }
  // Checked here too, although the service refuses other kinds, so that the
  // template author reads which input was wrong.
  if (
    parsed.kind.toLocaleLowerCase('en-US') !==
    OFFERING_KIND.toLocaleLowerCase('en-US')
  ) {
    throw new InputError(
      `Expected a ref of kind ${OFFERING_KIND} in input offering, got '${ref}'`,
    );
  }
  return parsed;
}
