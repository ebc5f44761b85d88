import { ReactNode } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { JsonValue } from '@backstage/types';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { useFormFields } from '../../hooks';
import { FormField } from '../../lib/forms';
import { formatValue } from './format';

function FieldValue(props: { field?: FormField; value?: JsonValue }) {
  const { field, value } = props;
  if (Array.isArray(value)) {
    return (
      <>
        {value.map((item, index) => (
          <span key={index}>
            {index > 0 && ', '}
            <FieldValue field={field} value={item} />
          </span>
        ))}
      </>
    );
  }
  if (field?.entity && typeof value === 'string') {
    return <EntityRefLink entityRef={value} />;
  }
  return <>{field?.optionNames.get(String(value)) ?? formatValue(value)}</>;
}

/**
 * A request's form values as its form words them: each under its field's
 * title, an option by its name, an entity by its name; by their keys
 * where the form is not known.
 *
 * @internal
 */
export function useFormEntries(
  request: ServiceRequest,
): Array<[string, ReactNode]> {
  const fields = useFormFields(request.offeringRef);
  return Object.entries(request.formValues).map(([key, value]) => {
    const field = fields.get(key);
    return [field?.title ?? key, <FieldValue field={field} value={value} />];
  });
}
