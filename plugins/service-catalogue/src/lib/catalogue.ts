import {
  OfferingCategory,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * A category with its subcategories, siblings sorted for display.
 *
 * @internal
 */
export type CategoryNode = {
  category: OfferingCategory;
  children: CategoryNode[];
};

function compareSiblings(a: OfferingCategory, b: OfferingCategory): number {
  // Title second, so that equal `order` values still give a stable listing.
  return a.order - b.order || a.title.localeCompare(b.title);
}

/**
 * The category tree, with what the catalogue page needs to ask of it.
 *
 * @remarks
 *
 * The tree comes from app-config and is not validated by the frontend, so a
 * category whose parent is unknown is shown at the top level, and a cycle of
 * parents is cut rather than looped on.
 *
 * @internal
 */
export class CategoryIndex {
  readonly roots: CategoryNode[];
  readonly #nodes = new Map<string, CategoryNode>();
  readonly #parents = new Map<string, string>();

  constructor(categories: OfferingCategory[]) {
    for (const category of categories) {
      this.#nodes.set(category.id, { category, children: [] });
    }

    const roots: CategoryNode[] = [];
    for (const node of this.#nodes.values()) {
      const parentId = node.category.parent;
      const parent = parentId ? this.#nodes.get(parentId) : undefined;
      if (parent && !this.#isAncestor(node.category.id, parentId!)) {
        parent.children.push(node);
        this.#parents.set(node.category.id, parentId!);
      } else {
        roots.push(node);
      }
    }

    const sort = (nodes: CategoryNode[]) => {
      nodes.sort((a, b) => compareSiblings(a.category, b.category));
      nodes.forEach(node => sort(node.children));
    };
    sort(roots);
    this.roots = roots;
  }

  /** The category with this id, if it is configured. */
  get(id: string): OfferingCategory | undefined {
    return this.#nodes.get(id)?.category;
  }

  /**
   * The category and its ancestors, outermost first, such as
   * `[Access, Network]` for `access/network`. Empty for an unknown id.
   */
  trail(id: string): OfferingCategory[] {
    const trail: OfferingCategory[] = [];
    for (
      let current: string | undefined = id;
      current !== undefined;
      current = this.#parents.get(current)
    ) {
      const category = this.get(current);
      if (!category) {
        break;
      }
      trail.unshift(category);
    }
    return trail;
  }

  /** Whether `id` is `ancestorId` or lies somewhere below it. */
  contains(ancestorId: string, id: string): boolean {
    return this.trail(id).some(category => category.id === ancestorId);
  }

  /**
   * How many of the offerings fall in each category, counting those of its
   * subcategories too.
   */
  count(offerings: OfferingSummary[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const offering of offerings) {
      for (const category of this.trail(offering.category)) {
        counts.set(category.id, (counts.get(category.id) ?? 0) + 1);
      }
    }
    return counts;
  }

  // Only called while the tree is being linked, when #parents holds the
  // links made so far; refusing a link that would close a loop is what keeps
  // trail() finite.
  #isAncestor(id: string, of: string): boolean {
    for (
      let current: string | undefined = of;
      current !== undefined;
      current = this.#parents.get(current)
    ) {
      if (current === id) {
        return true;
      }
    }
    return false;
  }
}

/**
 * Splits a search query into the lower-cased words that must all match.
 *
 * @internal
 */
export function parseQuery(query: string): string[] {
  return query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * Whether an offering matches every word of a query, looking at its title,
 * description, tags and the titles of its category and the categories above
 * it (the breadcrumb shown on its card, so what the user sees can be searched).
 *
 * @internal
 */
export function matchesQuery(
  offering: OfferingSummary,
  categoryTrail: OfferingCategory[],
  words: string[],
): boolean {
  if (words.length === 0) {
    return true;
  }
  const text = [
    offering.title,
    offering.description ?? '',
    ...offering.tags,
    ...categoryTrail.map(category => category.title),
  ]
    .join('\n')
    .toLocaleLowerCase();
  return words.every(word => text.includes(word));
}
