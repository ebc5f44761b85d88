import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  OfferingEntityV1alpha1,
  findGateProblem,
} from '@service-catalogue/plugin-service-catalogue-common';
import { fulfilmentOf, grantOf } from '../requests/offeringSpec';

/**
 * Why a template cannot provision or revoke, if it cannot: missing from
 * the catalog (`missing`), or not running the gate first (`ungated`).
 *
 * @internal
 */
export type TemplateProblem = {
  kind: 'missing' | 'ungated';
  message: string;
};

/**
 * Checks the templates the backend is about to run, and those an offering
 * names, against the rules of the gate. The backend refuses to start a
 * template with a problem; the offering's page shows its problems to those
 * who fulfil it, before a request fails on them.
 *
 * @internal
 */
export class TemplateChecks {
  static create(options: {
    auth: AuthService;
    catalog: CatalogService;
  }): TemplateChecks {
    return new TemplateChecks(options.auth, options.catalog);
  }

  private constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
  ) {}

  async problemOf(templateRef: string): Promise<TemplateProblem | undefined> {
    const template = await this.catalog.getEntityByRef(templateRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    if (!template) {
      return {
        kind: 'missing',
        message: `The template ${templateRef} is not in the catalog; if it was registered, the catalog refused it, and its processing errors say why`,
      };
    }
    const problem = findGateProblem(template);
    return problem
      ? {
          kind: 'ungated',
          message: `The template ${templateRef} may not run: ${problem}`,
        }
      : undefined;
  }

  /** The problems of the templates the backend would run for an offering. */
  async problemsOfOffering(
    offering: OfferingEntityV1alpha1,
  ): Promise<string[]> {
    const { fulfilment, templateRef } = fulfilmentOf(offering);
    const { grant } = grantOf(offering);
    const refs = [
      fulfilment === 'automatic' ? templateRef : undefined,
      grant?.revokeTemplateRef,
    ].filter((ref): ref is string => Boolean(ref));
    const problems = await Promise.all(refs.map(ref => this.problemOf(ref)));
    return problems.flatMap(problem => (problem ? [problem.message] : []));
  }
}
