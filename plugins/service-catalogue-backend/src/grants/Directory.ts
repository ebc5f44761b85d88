import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_CHILD_OF,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { OfferingEntityV1alpha1 } from '@service-catalogue/plugin-service-catalogue-common';
import { inAudience as audienceTakes } from '../catalogue/OfferingCatalogue';

/** Set by the catalog on entities whose source no longer provides them. */
const ORPHAN_ANNOTATION = 'backstage.io/orphan';

/**
 * Marks a user who left the organisation while their entity stays in the
 * catalog, as some directories keep disabled accounts.
 */
export const LEFT_ANNOTATION = 'service-catalogue.io/left';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Who is in the organisation and in which groups, read from the catalog in
 * one go so that a reconciliation judges everyone against the same
 * snapshot: group membership includes the ancestors of one's groups.
 *
 * @internal
 */
export class Directory {
  static async load(
    catalog: CatalogService,
    credentials: BackstageCredentials,
  ): Promise<Directory> {
    const [{ items: users }, { items: groups }] = await Promise.all([
      catalog.getEntities(
        {
          filter: { kind: 'User' },
          fields: ['kind', 'metadata', 'relations'],
        },
        { credentials },
      ),
      catalog.getEntities(
        {
          filter: { kind: 'Group' },
          fields: ['kind', 'metadata', 'relations'],
        },
        { credentials },
      ),
    ]);
    return new Directory(users, groups);
  }

  private readonly users = new Map<
    string,
    { gone: boolean; groups: Set<string> }
  >();

  private constructor(users: Entity[], groups: Entity[]) {
    const parents = new Map<string, string[]>();
    for (const group of groups) {
      parents.set(
        lower(stringifyEntityRef(group)),
        relationsOf(group, RELATION_CHILD_OF),
      );
    }
    const withAncestors = (direct: string[]) => {
      const seen = new Set<string>();
      const queue = [...direct];
      while (queue.length) {
        const ref = queue.pop()!;
        if (!seen.has(ref)) {
          seen.add(ref);
          queue.push(...(parents.get(ref) ?? []));
        }
      }
      return seen;
    };
    for (const user of users) {
      const annotations = user.metadata.annotations ?? {};
      this.users.set(lower(stringifyEntityRef(user)), {
        gone:
          annotations[ORPHAN_ANNOTATION] === 'true' ||
          annotations[LEFT_ANNOTATION] !== undefined,
        groups: withAncestors(relationsOf(user, RELATION_MEMBER_OF)),
      });
    }
  }

  /** How many users the catalog knows, gone or not. */
  get size(): number {
    return this.users.size;
  }

  /** Why a user counts as having left, if they do. */
  departure(userRef: string): 'missing' | 'marked' | undefined {
    const user = this.users.get(lower(userRef));
    if (!user) {
      return 'missing';
    }
    return user.gone ? 'marked' : undefined;
  }

  /** The users still here who belong to a group or one of its descendants. */
  membersOf(groupRef: string): string[] {
    const group = lower(groupRef);
    return [...this.users.entries()]
      .filter(([, user]) => !user.gone && user.groups.has(group))
      .map(([ref]) => ref);
  }

  isMember(userRef: string, groupRef: string): boolean {
    return this.users.get(lower(userRef))?.groups.has(lower(groupRef)) ?? false;
  }

  /**
   * Whether an offering's audience takes the user, as the catalogue decides
   * who sees an offering.
   */
  inAudience(offering: OfferingEntityV1alpha1, userRef: string): boolean {
    const user = this.users.get(lower(userRef));
    return audienceTakes(
      offering,
      new Set([lower(userRef), ...(user?.groups ?? [])]),
    );
  }
}

function relationsOf(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(relation => relation.type === type)
    .map(relation => lower(relation.targetRef));
}
