import { Config } from '@backstage/config';
import { OfferingCategory } from '@service-catalogue/plugin-service-catalogue-common';

/**
 * The categories configured under `serviceCatalogue.categories`, checked once
 * at startup so that a typo in app-config fails loudly instead of leaving
 * offerings in a category nobody can see.
 *
 * @internal
 */
export class CategoryRegistry {
  static fromConfig(config: Config): CategoryRegistry {
    const entries =
      config.getOptionalConfigArray('serviceCatalogue.categories') ?? [];
    const categories = entries.map((entry, index) => ({
      id: entry.getString('id'),
      title: entry.getString('title'),
      description: entry.getOptionalString('description'),
      icon: entry.getOptionalString('icon'),
      order: entry.getOptionalNumber('order') ?? index,
      parent: entry.getOptionalString('parent'),
    }));
    return new CategoryRegistry(categories);
  }

  private readonly byId: Map<string, OfferingCategory>;

  private constructor(categories: OfferingCategory[]) {
    this.byId = new Map();
    for (const category of categories) {
      if (this.byId.has(category.id)) {
        throw new Error(
          `serviceCatalogue.categories: the id '${category.id}' is used twice`,
        );
      }
      this.byId.set(category.id, category);
    }
    for (const category of categories) {
      this.checkAncestry(category);
    }
  }

  private checkAncestry(category: OfferingCategory) {
    const seen = new Set([category.id]);
    let parentId = category.parent;
    while (parentId !== undefined) {
      const parent = this.byId.get(parentId);
      if (!parent) {
        throw new Error(
          `serviceCatalogue.categories: '${category.id}' names the parent '${parentId}', which is not a configured category`,
        );
      }
      if (seen.has(parentId)) {
        throw new Error(
          `serviceCatalogue.categories: '${category.id}' is its own ancestor through '${parentId}'`,
        );
      }
      seen.add(parentId);
      parentId = parent.parent;
    }
  }

  /** All categories, parents before children, siblings by order then title. */
  list(): OfferingCategory[] {
    const children = new Map<string | undefined, OfferingCategory[]>();
    for (const category of this.byId.values()) {
      const siblings = children.get(category.parent) ?? [];
      siblings.push(category);
      children.set(category.parent, siblings);
    }
    const result: OfferingCategory[] = [];
    const visit = (parent: string | undefined) => {
      const siblings = (children.get(parent) ?? []).sort(
        (a, b) => a.order - b.order || a.title.localeCompare(b.title),
      );
      for (const category of siblings) {
        result.push(category);
        visit(category.id);
      }
    };
    visit(undefined);
    return result;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }
}
