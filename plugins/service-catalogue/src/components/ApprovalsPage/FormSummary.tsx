import Typography from '@material-ui/core/Typography';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { useFormEntries } from '../shared';

/**
 * A request's form values in a line each, for deciding from the list.
 *
 * @internal
 */
export function FormSummary(props: { request: ServiceRequest }) {
  const entries = useFormEntries(props.request);
  if (entries.length === 0) {
    return null;
  }
  return (
    <Typography variant="body2" component="div">
      {entries.map(([label, value]) => (
        <div key={label}>
          <Typography variant="caption" color="textSecondary">
            {`${label}: `}
          </Typography>
          {value}
        </div>
      ))}
    </Typography>
  );
}
