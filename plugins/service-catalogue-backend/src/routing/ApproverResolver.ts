import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  RELATION_HAS_MEMBER,
  RELATION_PARENT_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { JsonArray, JsonValue } from '@backstage/types';
import {
  OfferingApprovalStage,
  OfferingEntityV1alpha1,
  RequestApprovalStage,
  requiredApprovals,
} from '@service-catalogue/plugin-service-catalogue-common';
import { CatalogCache } from '../catalogue/CatalogCache';

/**
 * The annotation on a User entity that names their manager, unless
 * `serviceCatalogue.approvals.managerAnnotation` says otherwise.
 *
 * @internal
 */
export const DEFAULT_MANAGER_ANNOTATION = 'service-catalogue.io/manager';

/**
 * An approval stage as resolved when a request is submitted, before anybody
 * has decided on it.
 *
 * @internal
 */
export type ResolvedStage = Omit<RequestApprovalStage, 'decisions' | 'status'>;

const ENTITY_FIELDS = ['kind', 'metadata.name', 'metadata.namespace'];

const kindOf = (ref: CompoundEntityRef) => ref.kind.toLocaleLowerCase('en-US');

// The real catalog looks refs up case-insensitively; keys built this way let
// two spellings of one entity count once.
const keyOf = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Turns an offering's approval stages into the people who may decide them,
 * for one requester.
 *
 * It reads the catalog with the plugin's own credentials: who must approve
 * depends on the whole organisation, not on the part of it the requester may
 * see. The same resolution serves submitting a request (its result is stored
 * as the request's snapshot) and showing the anticipated approvers before
 * submitting.
 *
 * @internal
 */
export class ApproverResolver {
  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    config: Config;
    logger: LoggerService;
    catalogCache: CatalogCache;
  }): ApproverResolver {
    const { config } = options;
    return new ApproverResolver(
      options.catalog,
      options.catalogCache,
      options.auth,
      options.logger,
      config.getOptionalString(
        'serviceCatalogue.approvals.managerAnnotation',
      ) ?? DEFAULT_MANAGER_ANNOTATION,
      readConfiguredRefs(config, 'serviceCatalogue.approvals.managerFallback'),
      readConfiguredRefs(
        config,
        'serviceCatalogue.approvals.fallbackApprovers',
      ),
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly cached: CatalogCache,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly managerAnnotation: string,
    private readonly managerFallback: CompoundEntityRef[],
    private readonly fallbackApprovers: CompoundEntityRef[],
  ) {}

  /**
   * Resolves every approval stage of an offering for a requester: the user
   * entity refs who may decide each stage, sorted, and how many approvals
   * complete it. An offering without stages needs no approval and resolves
   * to an empty list.
   *
   * Throws an `InputError` when a stage could never complete: nobody is left
   * to approve it even after the configured fallback approvers, or its policy
   * asks for more approvals than there are approvers.
   */
  async resolveStages(options: {
    offering: OfferingEntityV1alpha1;
    requesterRef: string;
    /**
     * Who submits, when it is not the requester (a manager or the desk
     * raising it for them): they do not approve what they asked for either.
     */
    submitterRef?: string;
  }): Promise<ResolvedStage[]> {
    const { offering, requesterRef, submitterRef } = options;
    const stages = offering.spec.approval?.stages ?? [];
    if (stages.length === 0) {
      return [];
    }
    const context: Resolution = {
      offering,
      offeringRef: stringifyEntityRef(offering),
      requesterRef,
      excludedKeys: new Set(
        [requesterRef, submitterRef ?? requesterRef].map(ref =>
          keyOf(stringifyEntityRef(parseEntityRef(ref))),
        ),
      ),
      allowSelfApproval: offering.spec.approval?.allowSelfApproval === true,
      credentials: await this.auth.getOwnServiceCredentials(),
    };
    const resolved: ResolvedStage[] = [];
    for (const [index, stage] of stages.entries()) {
      resolved.push(await this.resolveStage(index, stage, context));
    }
    return resolved;
  }

  /**
   * Who reviews one holder's grant of an offering in an access review: the
   * offering's `spec.review.reviewers` (approval-stage words, `owner` by
   * default), read with the holder in the requester's place, so `manager`
   * is the holder's manager. The holder never reviews their own access,
   * whatever the offering allows for approvals. When the words leave
   * nobody, the configured fallback approvers stand in, and failing those
   * the other members of the owner group; an empty list means only
   * administrators can decide the line.
   */
  async resolveReviewers(options: {
    offering: OfferingEntityV1alpha1;
    holderRef: string;
  }): Promise<string[]> {
    const { offering, holderRef } = options;
    const offeringRef = stringifyEntityRef(offering);
    const context: Resolution = {
      offering,
      offeringRef,
      requesterRef: holderRef,
      excludedKeys: new Set([
        keyOf(stringifyEntityRef(parseEntityRef(holderRef))),
      ]),
      allowSelfApproval: false,
      credentials: await this.auth.getOwnServiceCredentials(),
    };
    const name = `the review of offering ${offeringRef}`;
    const words = offering.spec.review?.reviewers ?? ['owner'];
    const perWord = await Promise.all(
      words.map(word => this.usersForWord(word, name, context)),
    );
    const reviewers = this.eligible(perWord.flat(), context);
    if (reviewers.length > 0) {
      return reviewers;
    }
    const fallback = this.eligible(
      await this.expandToUsers(this.fallbackApprovers, name, context),
      context,
    );
    if (fallback.length > 0) {
      return fallback;
    }
    const owners = this.eligible(
      await this.usersForWord('owner', name, context),
      context,
    );
    if (owners.length === 0) {
      this.logger.warn(
        `Nobody can review ${holderRef}'s access in ${name}: only administrators can decide it; configure serviceCatalogue.approvals.fallbackApprovers`,
      );
    }
    return owners;
  }

  private async resolveStage(
    index: number,
    stage: OfferingApprovalStage,
    context: Resolution,
  ): Promise<ResolvedStage> {
    // Stages are counted from one in messages, the way the offering's author
    // reads their YAML.
    const stageName = `stage ${index + 1} of offering ${context.offeringRef}`;

    const perWord = await Promise.all(
      stage.approvers.map(word => this.usersForWord(word, stageName, context)),
    );
    let approvers = this.eligible(perWord.flat(), context);
    let source: ResolvedStage['source'] = 'resolved';

    if (approvers.length === 0) {
      // A stage nobody can decide must not be waved through; the configured
      // fallback approvers stand in, under the same self-approval rule.
      approvers = this.eligible(
        await this.expandToUsers(this.fallbackApprovers, stageName, context),
        context,
      );
      source = 'fallback';
    }
    if (approvers.length === 0) {
      throw new InputError(
        `Nobody can approve ${stageName} for ${context.requesterRef}: configure serviceCatalogue.approvals.fallbackApprovers`,
      );
    }

    // The stage's policy applies to fallback approvers too, so that standing
    // in never makes a stage easier to pass than its author asked for.
    const policy = stage.policy ?? 'any';
    // A stage that asks for more approvals than it has approvers could never
    // complete. Quietly lowering the number would weaken a control the
    // offering's owner chose (such as four eyes), so the request is refused
    // at submit with a message that names the stage and both numbers.
    if (typeof policy === 'number' && policy > approvers.length) {
      throw new InputError(
        `The policy of ${stageName} asks for ${policy} approvals, but only ${approvers.length} people can approve it for ${context.requesterRef}`,
      );
    }

    return {
      index,
      approverSpec: [...stage.approvers],
      approvers,
      source,
      policy,
      required: requiredApprovals(policy, approvers.length),
      ...(await this.deadlineOf(stage, stageName, context, approvers)),
    };
  }

  /**
   * A stage's timeout as the offering says, and whom it escalates to,
   * resolved now like its approvers: the snapshot is what the timeout adds,
   * whatever the organisation looks like by then.
   *
   * An escalation that adds nobody would tell nobody and leave the stage
   * waiting for good, so when `escalateTo` is missing, resolves to nobody or
   * only to people who already approve the stage, the configured fallback
   * approvers stand in, and failing those the offering's owners; never the
   * requester, whatever the offering allows.
   */
  private async deadlineOf(
    stage: OfferingApprovalStage,
    stageName: string,
    context: Resolution,
    approvers: string[],
  ): Promise<Pick<ResolvedStage, 'timeout' | 'onTimeout' | 'escalateTo'>> {
    if (!stage.timeout) {
      return {};
    }
    const onTimeout = stage.onTimeout ?? 'escalate';
    if (onTimeout === 'reject') {
      return { timeout: stage.timeout, onTimeout };
    }
    const escalationName = `escalation of ${stageName}`;
    const perWord = await Promise.all(
      (stage.escalateTo ?? []).map(word =>
        this.usersForWord(word, escalationName, context),
      ),
    );
    const named = this.eligible(perWord.flat(), context);
    const addsSomeone = (refs: string[]) =>
      refs.some(ref => !approvers.includes(ref));
    if (addsSomeone(named)) {
      return { timeout: stage.timeout, onTimeout, escalateTo: named };
    }
    const strict = { ...context, allowSelfApproval: false };
    const fallback = this.eligible(
      await this.expandToUsers(this.fallbackApprovers, escalationName, strict),
      strict,
    );
    const owners = this.eligible(
      await this.usersForWord('owner', escalationName, strict),
      strict,
    );
    // Someone who is told and may then settle the stage alone beats nobody,
    // even when they could already decide it.
    const escalateTo =
      [fallback, owners].find(addsSomeone) ??
      [named, fallback, owners].find(refs => refs.length > 0) ??
      [];
    if (escalateTo.length === 0) {
      this.logger.warn(
        `${stageName} escalates on timeout, but nobody is left to escalate to for ${context.requesterRef}: configure serviceCatalogue.approvals.fallbackApprovers`,
      );
    } else if (escalateTo !== named) {
      this.logger.info(
        `${stageName} escalates on timeout to ${
          escalateTo === fallback ? 'the fallback approvers' : 'its owners'
        }: its escalateTo adds nobody for ${context.requesterRef}`,
      );
    }
    return { timeout: stage.timeout, onTimeout, escalateTo };
  }

  /**
   * Deduplicated, sorted, and without the requester and submitter unless
   * self-approval is allowed.
   */
  private eligible(userRefs: string[], context: Resolution): string[] {
    const byKey = new Map(userRefs.map(ref => [keyOf(ref), ref]));
    if (!context.allowSelfApproval) {
      for (const key of context.excludedKeys) {
        byKey.delete(key);
      }
    }
    return [...byKey.values()].sort();
  }

  private async usersForWord(
    word: string,
    stageName: string,
    context: Resolution,
  ): Promise<string[]> {
    const { offering } = context;
    const namespace = offering.metadata.namespace ?? 'default';
    switch (word) {
      case 'owner':
        return this.expandToUsers(
          // Bare owner names mean a group next to the offering, as the
          // catalog module reads spec.owner for the ownedBy relation.
          [
            parseEntityRef(offering.spec.owner, {
              defaultKind: 'group',
              defaultNamespace: namespace,
            }),
          ],
          stageName,
          context,
        );
      case 'target-owner':
        return this.usersForTargetOwner(stageName, context);
      case 'manager':
        return this.usersForManager(stageName, context);
      default:
        return this.usersForRef(word, stageName, context);
    }
  }

  private async usersForTargetOwner(
    stageName: string,
    context: Resolution,
  ): Promise<string[]> {
    const { offering } = context;
    if (!offering.spec.target) {
      this.logger.warn(
        `${stageName} names target-owner, but the offering has no target; nobody is asked for it`,
      );
      return [];
    }
    // Same defaults as the catalog module's offersAccessTo relation.
    const targetRef = stringifyEntityRef(
      parseEntityRef(offering.spec.target, {
        defaultKind: 'resource',
        defaultNamespace: offering.metadata.namespace ?? 'default',
      }),
    );
    const target = await this.entityByRef(targetRef, context);
    const owner = target?.spec?.owner;
    if (!target || typeof owner !== 'string') {
      this.logger.warn(
        `${stageName} names target-owner, but ${targetRef} ${
          target ? 'has no owner' : 'is not in the catalog'
        }; nobody is asked for it`,
      );
      return [];
    }
    return this.expandToUsers(
      [
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: target.metadata.namespace ?? 'default',
        }),
      ],
      stageName,
      context,
    );
  }

  private async usersForManager(
    stageName: string,
    context: Resolution,
  ): Promise<string[]> {
    const requester = await this.entityByRef(context.requesterRef, context);
    const manager = requester
      ? managerRefOf(requester, this.managerAnnotation)
      : undefined;
    if (manager) {
      const managers = await this.expandToUsers([manager], stageName, context);
      if (managers.length > 0) {
        return managers;
      }
    } else if (requester?.metadata.annotations?.[this.managerAnnotation]) {
      this.logger.warn(
        `${context.requesterRef} names a manager that is not an entity ref in ${this.managerAnnotation}; asking the manager fallback`,
      );
    }
    // A missing annotation, or a manager who has left the catalog, is a gap
    // in the org data the adopter fills with managerFallback.
    return this.expandToUsers(this.managerFallback, stageName, context);
  }

  private async usersForRef(
    word: string,
    stageName: string,
    context: Resolution,
  ): Promise<string[]> {
    let ref: CompoundEntityRef;
    try {
      // A bare name is read as a user in the offering's namespace, the
      // narrowest choice: a misspelt word such as `manger` then finds no user
      // and is reported, instead of matching a whole group.
      ref = parseEntityRef(word, {
        defaultKind: 'user',
        defaultNamespace: context.offering.metadata.namespace ?? 'default',
      });
    } catch {
      this.logger.warn(
        `${stageName} names the approver '${word}', which is not an entity ref; nobody is asked for it`,
      );
      return [];
    }
    return this.expandToUsers([ref], stageName, context);
  }

  /**
   * The user entity refs, as the catalog spells them, that the given user
   * and group refs stand for. Groups count with the members of all their
   * descendant groups. Refs that name no entity are dropped with a warning,
   * so that a typo never makes an approver nobody can be.
   */
  private async expandToUsers(
    refs: CompoundEntityRef[],
    stageName: string,
    context: Resolution,
  ): Promise<string[]> {
    const userRefs = new Map<string, string>();
    const visitedGroups = new Set<string>();
    let groupRefs: string[] = [];

    for (const ref of refs) {
      const stringRef = stringifyEntityRef(ref);
      if (kindOf(ref) === 'user') {
        userRefs.set(keyOf(stringRef), stringRef);
      } else if (kindOf(ref) === 'group') {
        groupRefs.push(stringRef);
      } else {
        this.logger.warn(
          `${stageName} names ${stringRef}, which is neither a user nor a group; nobody is asked for it`,
        );
      }
    }

    // Breadth first through parentOf; the visited set ends walks that the
    // org data loops back on itself.
    while (groupRefs.length > 0) {
      const unvisited: string[] = [];
      for (const ref of groupRefs) {
        if (!visitedGroups.has(keyOf(ref))) {
          visitedGroups.add(keyOf(ref));
          unvisited.push(ref);
        }
      }
      if (unvisited.length === 0) {
        break;
      }
      const items = await this.entitiesByRefs(
        unvisited,
        [...ENTITY_FIELDS, 'relations'],
        context,
      );
      const childGroupRefs: string[] = [];
      for (const [i, group] of items.entries()) {
        if (!group) {
          this.logger.warn(
            `${stageName}: the group ${unvisited[i]} is not in the catalog; nobody is asked for it`,
          );
          continue;
        }
        for (const relation of group.relations ?? []) {
          const target = parseEntityRef(relation.targetRef);
          if (
            relation.type === RELATION_HAS_MEMBER &&
            kindOf(target) === 'user'
          ) {
            userRefs.set(keyOf(relation.targetRef), relation.targetRef);
          } else if (
            relation.type === RELATION_PARENT_OF &&
            kindOf(target) === 'group'
          ) {
            childGroupRefs.push(relation.targetRef);
          }
        }
      }
      groupRefs = childGroupRefs;
    }

    return this.existingUsers([...userRefs.values()], stageName, context);
  }

  /**
   * The catalog's answers, reused for a few seconds: every request for an
   * offering expands the same groups.
   */
  private async entityByRef(
    entityRef: string,
    context: Resolution,
  ): Promise<Entity | undefined> {
    const entity = await this.cached.get(
      context.credentials,
      `entity:${entityRef.toLocaleLowerCase('en-US')}`,
      async () =>
        ((await this.catalog.getEntityByRef(entityRef, {
          credentials: context.credentials,
        })) ?? null) as unknown as JsonValue,
    );
    return (entity as unknown as Entity | null) ?? undefined;
  }

  private async entitiesByRefs(
    entityRefs: string[],
    fields: string[],
    context: Resolution,
  ): Promise<Array<Entity | null>> {
    const items = await this.cached.get(
      context.credentials,
      `entities:${fields.join(',')}:${entityRefs.join(',')}`.toLocaleLowerCase(
        'en-US',
      ),
      async () =>
        (
          await this.catalog.getEntitiesByRefs(
            { entityRefs, fields },
            { credentials: context.credentials },
          )
        ).items.map(item => item ?? null) as unknown as JsonArray,
    );
    return items as unknown as Array<Entity | null>;
  }

  private async existingUsers(
    userRefs: string[],
    stageName: string,
    context: Resolution,
  ): Promise<string[]> {
    if (userRefs.length === 0) {
      return [];
    }
    const items = await this.entitiesByRefs(userRefs, ENTITY_FIELDS, context);
    return items.flatMap((user: Entity | null, i) => {
      if (!user) {
        this.logger.warn(
          `${stageName}: the user ${userRefs[i]} is not in the catalog; nobody is asked for it`,
        );
        return [];
      }
      return [stringifyEntityRef(user)];
    });
  }
}

/** What stays the same while one offering is resolved for one requester. */
type Resolution = {
  offering: OfferingEntityV1alpha1;
  offeringRef: string;
  requesterRef: string;
  /** The requester and the submitter, as lowercase keys. */
  excludedKeys: Set<string>;
  allowSelfApproval: boolean;
  credentials: BackstageCredentials;
};

/**
 * Reads a list of user and group refs from config at startup, so that a
 * malformed entry stops the backend instead of leaving requests without a
 * fallback. Bare names are users in the default namespace.
 */
function readConfiguredRefs(config: Config, key: string): CompoundEntityRef[] {
  return (config.getOptionalStringArray(key) ?? []).map(value => {
    let ref: CompoundEntityRef;
    try {
      ref = parseEntityRef(value, {
        defaultKind: 'user',
        defaultNamespace: 'default',
      });
    } catch {
      throw new Error(`${key}: '${value}' is not an entity ref`);
    }
    if (kindOf(ref) !== 'user' && kindOf(ref) !== 'group') {
      throw new Error(
        `${key}: '${value}' is neither a user nor a group entity ref`,
      );
    }
    return ref;
  });
}

/**
 * The manager a User entity names in the annotation, read in the user's
 * namespace; undefined when there is none or it is not an entity ref.
 *
 * @internal
 */
export function managerRefOf(
  user: Entity,
  annotation: string,
): CompoundEntityRef | undefined {
  const value = user.metadata.annotations?.[annotation];
  if (!value) {
    return undefined;
  }
  try {
    return parseEntityRef(value, {
      defaultKind: 'user',
      defaultNamespace: user.metadata.namespace ?? 'default',
    });
  } catch {
    return undefined;
  }
}
