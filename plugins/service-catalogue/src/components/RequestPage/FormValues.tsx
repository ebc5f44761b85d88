import Typography from '@material-ui/core/Typography';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { Facts, useFormEntries } from '../shared';

/**
 * The values the request's form was submitted with.
 *
 * @internal
 */
export function FormValues(props: { request: ServiceRequest }) {
  const entries = useFormEntries(props.request);
  if (entries.length === 0) {
    return <Typography variant="body2">No values.</Typography>;
  }
  return <Facts items={entries} />;
}
