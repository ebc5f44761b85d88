import { FormValidator } from './FormValidator';

const parameters = [
  {
    title: 'Access',
    required: ['team', 'justification'],
    properties: {
      team: { type: 'string', 'ui:field': 'EntityPicker' },
      justification: { type: 'string', minLength: 10, 'ui:widget': 'textarea' },
    },
  },
  {
    title: 'Details',
    properties: {
      duration: { type: 'string', enum: ['P30D', 'P90D'] },
      forUser: { type: 'string', 'ui:widget': 'hidden' },
    },
  },
];

describe('FormValidator', () => {
  const validator = new FormValidator();

  it('accepts values that fit every step', () => {
    expect(() =>
      validator.validate(parameters, {
        team: 'group:default/web-team',
        justification: 'Working from the Berlin office',
        duration: 'P30D',
        forUser: 'user:default/grace',
      }),
    ).not.toThrow();
  });

  it('names each field that does not fit', () => {
    expect(() =>
      validator.validate(parameters, {
        justification: 'short',
        duration: 'forever',
      }),
    ).toThrow(
      'The form values do not match the form: team is required; justification must NOT have fewer than 10 characters; duration must be equal to one of the allowed values',
    );
  });

  it('refuses fields the form does not declare', () => {
    expect(() =>
      validator.validate(parameters, {
        team: 'group:default/web-team',
        justification: 'Working from the Berlin office',
        admin: true,
      }),
    ).toThrow('admin: the form has no such field');
  });

  it('takes a single object schema as a one-step form', () => {
    const form = {
      required: ['model'],
      properties: { model: { type: 'string' } },
    };
    expect(() => validator.validate(form, { model: 'x1' })).not.toThrow();
    expect(() => validator.validate(form, {})).toThrow('model is required');
  });

  describe('formats', () => {
    const formatted = {
      properties: {
        neededBy: { type: 'string', format: 'date' },
        startsAt: { type: 'string', format: 'date-time' },
        contact: { type: 'string', format: 'email' },
        ticket: { type: 'string', format: 'uri' },
        colour: { type: 'string', format: 'x-colour-picker' },
      },
    };
    const valid = {
      neededBy: '2030-01-31',
      startsAt: '2030-01-31T09:00:00.000Z',
      contact: 'grace@example.com',
      ticket: 'https://tickets.example.com/T-1',
      colour: 'anything the field extension makes',
    };

    it('accepts values in their format, and formats it does not know', () => {
      expect(() => validator.validate(formatted, valid)).not.toThrow();
    });

    it.each([
      ['neededBy', 'not-a-date', 'date'],
      ['neededBy', '2030-02-30', 'date'],
      ['startsAt', '31/01/2030 09:00', 'date-time'],
      ['contact', 'grace at example', 'email'],
      ['ticket', 'not a uri', 'uri'],
    ])('names %s when %j is no %s', (field, value, format) => {
      expect(() =>
        validator.validate(formatted, { ...valid, [field]: value }),
      ).toThrow(
        `The form values do not match the form: ${field} must match format "${format}"`,
      );
    });
  });

  it('accepts only empty values when there is no form', () => {
    expect(() => validator.validate(undefined, {})).not.toThrow();
    expect(() => validator.validate(undefined, { a: 1 })).toThrow(
      'a: the form has no such field',
    );
  });

  it('keeps no more compiled forms than there are forms, however often they are read', () => {
    const fresh = new FormValidator();
    const values = {
      team: 'group:default/web-team',
      justification: 'Working from the Berlin office',
    };
    // Every read of an offering hands over new objects for the same form.
    const readTimes = (n: number) => {
      for (let i = 0; i < n; i++) {
        fresh.validate(JSON.parse(JSON.stringify(parameters)), values);
      }
      // Ajv's own cache of the schema objects it compiled (ajv 8).
      return (fresh as any).ajv._cache.size;
    };
    const afterTen = readTimes(10);
    expect(readTimes(1000)).toBe(afterTen);
  });
});
