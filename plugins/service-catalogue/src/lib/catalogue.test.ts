import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';
import { CategoryIndex, matchesQuery, parseQuery } from './catalogue';

const categories = [
  { id: 'software', title: 'Software', order: 2 },
  { id: 'access', title: 'Access', order: 1 },
  { id: 'access/network', title: 'Network', order: 2, parent: 'access' },
  { id: 'access/apps', title: 'Applications', order: 1, parent: 'access' },
  {
    id: 'access/network/wifi',
    title: 'Wi-Fi',
    order: 1,
    parent: 'access/network',
  },
];

function offering(
  title: string,
  category: string,
  extra: Partial<OfferingSummary> = {},
): OfferingSummary {
  return {
    entityRef: `offering:default/${title}`,
    name: title,
    namespace: 'default',
    title,
    category,
    owner: 'group:default/it',
    requestMode: 'self-service',
    fulfilment: 'manual',
    tags: [],
    ...extra,
  };
}

describe('CategoryIndex', () => {
  it('nests categories and sorts siblings by order', () => {
    const index = new CategoryIndex(categories);
    const titles = (nodes: typeof index.roots): unknown[] =>
      nodes.map(node =>
        node.children.length
          ? [node.category.title, titles(node.children)]
          : node.category.title,
      );
    expect(titles(index.roots)).toEqual([
      ['Access', ['Applications', ['Network', ['Wi-Fi']]]],
      'Software',
    ]);
  });

  it('gives the trail from the outermost category', () => {
    const index = new CategoryIndex(categories);
    expect(index.trail('access/network/wifi').map(c => c.title)).toEqual([
      'Access',
      'Network',
      'Wi-Fi',
    ]);
    expect(index.trail('unknown')).toEqual([]);
  });

  it('counts offerings in a category and all below it', () => {
    const index = new CategoryIndex(categories);
    const counts = index.count([
      offering('a', 'access/network/wifi'),
      offering('b', 'access/network'),
      offering('c', 'software'),
    ]);
    expect(Object.fromEntries(counts)).toEqual({
      access: 2,
      'access/network': 2,
      'access/network/wifi': 1,
      software: 1,
    });
  });

  it('shows categories with unknown parents at the top', () => {
    const index = new CategoryIndex([
      { id: 'orphan', title: 'Orphan', order: 1, parent: 'gone' },
    ]);
    expect(index.roots.map(node => node.category.id)).toEqual(['orphan']);
  });

  it('cuts a cycle of parents instead of looping', () => {
    const index = new CategoryIndex([
      { id: 'a', title: 'A', order: 1, parent: 'b' },
      { id: 'b', title: 'B', order: 2, parent: 'a' },
      { id: 'c', title: 'C', order: 3, parent: 'c' },
    ]);
    expect(index.roots.map(node => node.category.id)).toEqual(['b', 'c']);
    expect(index.trail('a').map(c => c.id)).toEqual(['b', 'a']);
    expect(index.contains('b', 'a')).toBe(true);
    expect(index.contains('a', 'b')).toBe(false);
  });
});

describe('matchesQuery', () => {
  const vpn = offering('VPN access', 'access/network', {
    description: 'Remote access to the office network',
    tags: ['remote-work'],
  });
  const trail = new CategoryIndex(categories).trail('access/network');

  it.each([
    ['', true],
    ['vpn', true],
    ['OFFICE', true],
    ['remote-work', true],
    ['network vpn', true],
    ['  vpn   access ', true],
    ['vpn laptop', false],
    ['software', false],
  ])('%j matches: %s', (query, expected) => {
    expect(matchesQuery(vpn, trail, parseQuery(query))).toBe(expected);
  });

  it('matches the titles of the categories above too', () => {
    const wifi = offering('Guest pass', 'access/network/wifi');
    const wifiTrail = new CategoryIndex(categories).trail(
      'access/network/wifi',
    );
    expect(matchesQuery(wifi, wifiTrail, parseQuery('network'))).toBe(true);
  });
});
