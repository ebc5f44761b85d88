import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { OfferingTemplateProcessor } from './OfferingTemplateProcessor';

const location = { type: 'url', target: 'https://example.com/templates.yaml' };

const template = (type: string, steps: object[]): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'vpn-access', namespace: 'default' },
  spec: { type, owner: 'group:default/network-team', parameters: [], steps },
});

const gate = { id: 'gate', action: 'service-catalogue:gate' };
const provision = { id: 'provision', action: 'demo:access-list:add' };

async function errorsOf(entity: Entity) {
  const emitted: CatalogProcessorResult[] = [];
  const returned = await new OfferingTemplateProcessor().postProcessEntity(
    entity,
    location,
    result => emitted.push(result),
  );
  expect(returned).toBe(entity);
  return emitted.map(result =>
    result.type === 'error' ? result.error.message : result.type,
  );
}

describe('OfferingTemplateProcessor', () => {
  it('accepts an offering template that runs the gate first', async () => {
    expect(
      await errorsOf(template('service-catalogue', [gate, provision])),
    ).toEqual([]);
  });

  it.each([
    [
      'has no gate',
      [provision],
      /first step must be the service-catalogue:gate/,
    ],
    [
      'runs the gate second',
      [provision, gate],
      /first step must be the service-catalogue:gate/,
    ],
    [
      'runs the gate only sometimes',
      [{ ...gate, if: '${{ parameters.skip }}' }, provision],
      /unconditionally/,
    ],
    [
      'provisions even after a refused gate',
      [gate, { ...provision, if: '${{ always() }}' }],
      /would run after a refused gate/,
    ],
    [
      'runs the gate in a loop',
      [{ ...gate, each: '${{ parameters.list }}' }, provision],
      /unconditionally/,
    ],
  ])('reports an offering template that %s', async (_what, steps, message) => {
    const errors = await errorsOf(template('service-catalogue', steps));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      'template:default/vpn-access cannot provision or revoke an offering',
    );
    expect(errors[0]).toMatch(message);
  });

  it('leaves other templates, and offering templates that only hold a form, alone', async () => {
    expect(await errorsOf(template('delegated-form', [provision]))).toEqual([]);
    expect(await errorsOf(template('service-catalogue', []))).toEqual([]);
  });
});
