import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { serviceCatalogueApiRef } from '../../api';
import { formatDateTime } from '../shared';

const useStyles = makeStyles(theme => ({
  log: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    fontFamily: theme.typography.fontFamily,
    '& > li + li': { marginTop: theme.spacing(1) },
  },
  failed: { color: theme.palette.error.main },
}));

/**
 * What the request's provisioning task logged, step by step, read through
 * the service catalogue: the scaffolder keeps its tasks to itself.
 * `version` changes when the request does, which reloads the log.
 */
export function TaskLog(props: { requestId: string; version: number }) {
  const { requestId, version } = props;
  const api = useApi(serviceCatalogueApiRef);
  const classes = useStyles();
  const { value, loading, error } = useAsync(
    () => api.getRequestTaskLog(requestId),
    [api, requestId, version],
  );

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (loading || !value) {
    return <Progress />;
  }
  if (value.lines.length === 0) {
    return <Typography variant="body2">Nothing logged yet.</Typography>;
  }
  return (
    <ol className={classes.log} aria-label="Task log">
      {value.lines.map((line, index) => (
        <li
          key={index}
          className={line.status === 'failed' ? classes.failed : undefined}
        >
          <Typography variant="caption" color="textSecondary" component="div">
            {formatDateTime(line.at)}
            {line.stepId ? ` · ${line.stepId}` : ''}
            {line.status ? ` · ${line.status}` : ''}
          </Typography>
          <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
            {line.message}
          </Typography>
        </li>
      ))}
    </ol>
  );
}
