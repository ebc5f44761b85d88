import { formFields } from './forms';

describe('formFields', () => {
  it('reads titles, option names and entity pickers from every step', () => {
    const fields = formFields([
      {
        schema: {
          properties: {
            forUser: {
              title: 'Requested for',
              type: 'string',
              'ui:field': 'EntityPicker',
            },
            size: {
              title: 'Size',
              type: 'string',
              enum: ['s', 'l'],
              enumNames: ['Small', 'Large'],
            },
          },
        },
      },
      {
        schema: {
          properties: {
            region: {
              type: 'string',
              oneOf: [
                { const: 'eu', title: 'Europe' },
                { const: 'us', title: 'Americas' },
              ],
            },
            tools: {
              title: 'Tools',
              type: 'array',
              items: { enum: ['vim'], enumNames: ['Vim'] },
            },
          },
        },
      },
    ]);

    expect(fields.get('forUser')).toEqual({
      title: 'Requested for',
      optionNames: new Map(),
      entity: true,
    });
    expect(fields.get('size')?.optionNames.get('l')).toBe('Large');
    expect(fields.get('size')?.entity).toBe(false);
    expect(fields.get('region')?.title).toBeUndefined();
    expect(fields.get('region')?.optionNames.get('eu')).toBe('Europe');
    expect(fields.get('tools')?.optionNames.get('vim')).toBe('Vim');
  });

  it('knows nothing of a form without properties', () => {
    expect(formFields([{ schema: {} }]).size).toBe(0);
  });
});
