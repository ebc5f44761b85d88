import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_MEMBER_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  OFFERING_KIND,
  OfferingEntityV1alpha1,
  OfferingSummary,
  isOfferingEntity,
} from '@service-catalogue/plugin-service-catalogue-common';
import { JsonArray, JsonValue } from '@backstage/types';
import { Fulfillers } from '../requests/Fulfillers';
import { CatalogCache } from './CatalogCache';
import { ownerOf } from '../requests/offeringSpec';
import { TemplateChecks } from './TemplateChecks';

/**
 * Reads offerings from the catalog and decides which of them a caller may
 * see: available ones whose audience is empty or includes the caller, either
 * directly or through a group they belong to or one of its parent groups.
 *
 * @internal
 */
export class OfferingCatalogue {
  static create(options: {
    auth: AuthService;
    catalog: CatalogService;
    userInfo: UserInfoService;
    fulfillers: Fulfillers;
    templates: TemplateChecks;
    catalogCache: CatalogCache;
  }): OfferingCatalogue {
    return new OfferingCatalogue(
      options.auth,
      options.catalog,
      options.userInfo,
      options.fulfillers,
      options.templates,
      options.catalogCache,
    );
  }

  private constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly userInfo: UserInfoService,
    private readonly fulfillers: Fulfillers,
    private readonly templates: TemplateChecks,
    private readonly cached: CatalogCache,
  ) {}

  async listOfferings(options: {
    credentials: BackstageCredentials;
  }): Promise<OfferingSummary[]> {
    const items = await this.cached.get(
      options.credentials,
      'offerings',
      async () =>
        (
          await this.catalog.getEntities(
            { filter: { kind: OFFERING_KIND } },
            { credentials: options.credentials },
          )
        ).items as unknown as JsonArray,
    );
    const offerings = (items as unknown as Entity[]).filter(isOfferingEntity);
    const identities = await this.identitiesOf(options.credentials);
    return offerings
      .filter(offering => this.isVisible(offering, identities))
      .map(toSummary)
      .sort((a, b) => a.title.localeCompare(b.title));
  }

  /**
   * Every offering the catalog lets the caller read, whatever its audience
   * or availability: the reports count requests for offerings their owners
   * may not request themselves.
   */
  async listEveryOffering(options: {
    credentials: BackstageCredentials;
  }): Promise<OfferingSummary[]> {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: OFFERING_KIND } },
      { credentials: options.credentials },
    );
    return items.filter(isOfferingEntity).map(toSummary);
  }

  /**
   * Every offering entity the catalog lets the caller read, whatever its
   * audience or availability: access reviews cover what an owner looks
   * after, not what they may request.
   */
  async listOfferingEntities(options: {
    credentials: BackstageCredentials;
  }): Promise<OfferingEntityV1alpha1[]> {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: OFFERING_KIND } },
      { credentials: options.credentials },
    );
    return items.filter(isOfferingEntity);
  }

  /**
   * The offerings with a review schedule, with only the fields opening
   * their campaigns reads: the review job asks every minute, and most
   * offerings are not reviewed.
   */
  async listReviewedOfferingEntities(options: {
    credentials: BackstageCredentials;
  }): Promise<OfferingEntityV1alpha1[]> {
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          kind: OFFERING_KIND,
          'spec.review.every': CATALOG_FILTER_EXISTS,
        },
        fields: [
          'apiVersion',
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.owner',
          'spec.target',
          'spec.grant',
          'spec.review',
        ],
      },
      { credentials: options.credentials },
    );
    return items.filter(isOfferingEntity);
  }

  /**
   * One offering the caller may see; with the problems of its templates
   * when the caller fulfils it, so that its owners find them before a
   * request fails on them.
   */
  async getOffering(options: {
    entityRef: string;
    credentials: BackstageCredentials;
  }): Promise<OfferingSummary> {
    const offering = await this.getOfferingEntity(options);
    const summary = toSummary(offering);
    const { credentials } = options;
    if (
      !this.auth.isPrincipal(credentials, 'user') ||
      !(await this.fulfillers.include(ownerOf(offering), credentials))
    ) {
      return summary;
    }
    const problems = await this.templates.problemsOfOffering(offering);
    return problems.length ? { ...summary, problems } : summary;
  }

  /**
   * The offering entity, if the caller may see it. Offerings outside the
   * caller's audience are reported as missing, so that their existence does
   * not leak.
   */
  async getOfferingEntity(options: {
    entityRef: string;
    credentials: BackstageCredentials;
    /**
     * For those who fulfil it: any offering the catalog lets the caller
     * read, whatever its audience and availability.
     */
    asFulfiller?: boolean;
  }): Promise<OfferingEntityV1alpha1> {
    const entity = await this.entityByRef(
      options.entityRef,
      options.credentials,
    );
    if (
      !entity ||
      !isOfferingEntity(entity) ||
      (!options.asFulfiller &&
        !this.isVisible(entity, await this.identitiesOf(options.credentials)))
    ) {
      throw new NotFoundError(`No offering ${options.entityRef}`);
    }
    return entity;
  }

  /**
   * Whether the offering's audience includes a user, judged from the
   * catalog's memberships rather than anyone's credentials: a request for a
   * colleague must fit the colleague. Someone the catalog does not know
   * (such as a guest sign-in) belongs to no group: like the list of
   * offerings shows them, they may request what is open to everyone or
   * names them.
   */
  async isInAudience(
    offering: OfferingEntityV1alpha1,
    userRef: string,
  ): Promise<boolean> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const user = await this.entityByRef(userRef, credentials);
    const groups = (user?.relations ?? [])
      .filter(relation => relation.type === RELATION_MEMBER_OF)
      .map(relation => relation.targetRef);
    const identities = await this.withAncestors(
      [userRef, ...groups],
      credentials,
    );
    return this.isVisible(
      { ...offering, spec: { ...offering.spec, available: true } },
      identities,
    );
  }

  private isVisible(
    offering: OfferingEntityV1alpha1,
    identities: Set<string> | 'everything',
  ): boolean {
    if (offering.spec.available === false) {
      return false;
    }
    return identities === 'everything' || inAudience(offering, identities);
  }

  /**
   * The refs an audience entry may name to include the caller: their user
   * ref, their groups, and the ancestors of those groups. Services acting on
   * their own behalf see every available offering.
   */
  private async identitiesOf(
    credentials: BackstageCredentials,
  ): Promise<Set<string> | 'everything'> {
    if (!this.auth.isPrincipal(credentials, 'user')) {
      return 'everything';
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    return this.withAncestors(
      [credentials.principal.userEntityRef, ...ownershipEntityRefs],
      credentials,
    );
  }

  private async entityByRef(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    const entity = await this.cached.get(
      credentials,
      `entity:${entityRef.toLocaleLowerCase('en-US')}`,
      async () =>
        ((await this.catalog.getEntityByRef(entityRef, { credentials })) ??
          null) as unknown as JsonValue,
    );
    return (entity as unknown as Entity | null) ?? undefined;
  }

  private async withAncestors(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const identities = new Set(refs.map(ref => ref.toLocaleLowerCase('en-US')));
    let frontier = [...identities].filter(ref => ref.startsWith('group:'));
    while (frontier.length > 0) {
      const groups = [...frontier].sort();
      const items = (await this.cached.get(
        credentials,
        `parents:${groups.join(',')}`,
        async () =>
          (
            await this.catalog.getEntitiesByRefs(
              {
                entityRefs: groups,
                fields: ['kind', 'metadata', 'spec.parent'],
              },
              { credentials },
            )
          ).items.map(group => group ?? null) as unknown as JsonArray,
      )) as unknown as Array<Entity | null>;
      frontier = [];
      for (const group of items) {
        const parent = parentOf(group);
        if (parent && !identities.has(parent)) {
          identities.add(parent);
          frontier.push(parent);
        }
      }
    }
    return identities;
  }
}

function parentOf(group: Entity | null): string | undefined {
  const parent = group?.spec?.parent;
  if (typeof parent !== 'string' || !group) {
    return undefined;
  }
  return comparableRef(parent, 'group', group.metadata.namespace ?? 'default');
}

/**
 * Whether an offering's audience takes someone, given the lowercase refs an
 * entry may name to include them (their user ref, their groups and those
 * groups' ancestors): an empty audience takes everyone.
 *
 * @internal
 */
export function inAudience(
  offering: OfferingEntityV1alpha1,
  identities: Set<string>,
): boolean {
  const audience = offering.spec.audience ?? [];
  return (
    audience.length === 0 ||
    audience.some(ref =>
      identities.has(
        comparableRef(ref, 'group', offering.metadata.namespace ?? 'default'),
      ),
    )
  );
}

/** Entity refs compare case-insensitively in the catalog. */
function comparableRef(
  ref: string,
  defaultKind: string,
  defaultNamespace: string,
): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace }),
  ).toLocaleLowerCase('en-US');
}

function toSummary(offering: OfferingEntityV1alpha1): OfferingSummary {
  const namespace = offering.metadata.namespace ?? 'default';
  const { spec } = offering;
  const refInNamespace = (ref: string, defaultKind: string) =>
    stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: namespace }),
    );
  return {
    entityRef: stringifyEntityRef(offering),
    name: offering.metadata.name,
    namespace,
    title: offering.metadata.title ?? offering.metadata.name,
    description: offering.metadata.description,
    category: spec.category,
    owner: refInNamespace(spec.owner, 'group'),
    target: spec.target ? refInNamespace(spec.target, 'resource') : undefined,
    requestMode: spec.requestMode ?? 'self-service',
    fulfilment: spec.fulfilment ?? (spec.template ? 'automatic' : 'manual'),
    estimatedDelay: spec.estimatedDelay,
    sla: spec.sla,
    grant: spec.grant
      ? {
          duration: spec.grant.duration,
          ...(spec.grant.birthright?.length
            ? { birthright: spec.grant.birthright }
            : {}),
        }
      : undefined,
    tags: offering.metadata.tags ?? [],
    template: spec.template
      ? refInNamespace(spec.template, 'template')
      : undefined,
    form: spec.template ? undefined : spec.form,
  };
}
