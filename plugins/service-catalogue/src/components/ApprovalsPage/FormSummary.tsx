import Typography from '@material-ui/core/Typography';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { formatValue } from '../shared';

/**
 * A request's form values in a line each, for deciding from the list.
 *
 * @internal
 */
export function FormSummary(props: { request: ServiceRequest }) {
  const entries = Object.entries(props.request.formValues);
  if (entries.length === 0) {
    return null;
  }
  return (
    <Typography variant="body2" component="div">
      {entries.map(([key, value]) => (
        <div key={key}>
          <Typography variant="caption" color="textSecondary">
            {`${key}: `}
          </Typography>
          {formatValue(value)}
        </div>
      ))}
    </Typography>
  );
}
