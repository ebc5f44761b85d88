import { ConfigReader } from '@backstage/config';
import { CategoryRegistry } from './CategoryRegistry';

const registry = (categories: object[]) =>
  CategoryRegistry.fromConfig(
    new ConfigReader({ serviceCatalogue: { categories } }),
  );

describe('CategoryRegistry', () => {
  it('orders parents before children and siblings by order, then title', () => {
    const list = registry([
      { id: 'b', title: 'B' },
      { id: 'a', title: 'A', order: 5 },
      { id: 'a/y', title: 'Y', parent: 'a', order: 1 },
      { id: 'a/x', title: 'X', parent: 'a', order: 1 },
    ]).list();
    expect(list.map(c => c.id)).toEqual(['b', 'a', 'a/x', 'a/y']);
    expect(list[0]).toEqual({ id: 'b', title: 'B', order: 0 });
  });

  it('is empty without configuration', () => {
    expect(CategoryRegistry.fromConfig(new ConfigReader({})).list()).toEqual(
      [],
    );
  });

  it('refuses a duplicate id', () => {
    expect(() =>
      registry([
        { id: 'a', title: 'A' },
        { id: 'a', title: 'Again' },
      ]),
    ).toThrow("the id 'a' is used twice");
  });

  it('refuses an unknown parent', () => {
    expect(() => registry([{ id: 'a', title: 'A', parent: 'nope' }])).toThrow(
      "'a' names the parent 'nope', which is not a configured category",
    );
  });

  it('refuses a cycle', () => {
    expect(() =>
      registry([
        { id: 'a', title: 'A', parent: 'b' },
        { id: 'b', title: 'B', parent: 'a' },
      ]),
    ).toThrow('is its own ancestor');
  });
});
