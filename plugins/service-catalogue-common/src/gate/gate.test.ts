import { GATE_ACTION_ID, findGateProblem } from './gate';

const gate = { id: 'gate', action: GATE_ACTION_ID };
const provision = { id: 'provision', action: 'demo:access-list:add' };
const template = (steps: unknown[]) => ({ spec: { steps } as any });

describe('findGateProblem', () => {
  it('accepts a template that runs the gate first, and one with no steps', () => {
    expect(findGateProblem(template([gate, provision]))).toBeUndefined();
    expect(
      findGateProblem(
        template([gate, { ...provision, if: '${{ parameters.wanted }}' }]),
      ),
    ).toBeUndefined();
    expect(findGateProblem(template([]))).toBeUndefined();
    expect(findGateProblem({ spec: {} })).toBeUndefined();
  });

  it.each([
    ['no gate', [provision], /first step must be/],
    ['the gate second', [provision, gate], /first step must be/],
    [
      'a gate with a condition',
      [{ ...gate, if: '${{ true }}' }],
      /unconditionally/,
    ],
    [
      'a gate in a loop',
      [{ ...gate, each: '${{ [1, 2] }}' }],
      /unconditionally/,
    ],
    [
      'a step that runs whatever happened',
      [gate, { ...provision, if: '${{ always() }}' }],
      /"provision" would run after a refused gate/,
    ],
    [
      'a step that runs on failure',
      [gate, { ...provision, if: '${{ failure() and parameters.x }}' }],
      /after a refused gate/,
    ],
  ])('refuses a template with %s', (_what, steps, problem) => {
    expect(findGateProblem(template(steps))).toMatch(problem);
  });
});
