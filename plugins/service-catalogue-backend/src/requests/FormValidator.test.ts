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

  it('accepts only empty values when there is no form', () => {
    expect(() => validator.validate(undefined, {})).not.toThrow();
    expect(() => validator.validate(undefined, { a: 1 })).toThrow(
      'a: the form has no such field',
    );
  });
});
