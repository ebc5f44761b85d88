import useAsync from 'react-use/esm/useAsync';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { errorMessage, policyLabel } from '../shared';

const useStyles = makeStyles(theme => ({
  stages: {
    margin: 0,
    paddingLeft: theme.spacing(2.5),
    '& > li + li': { marginTop: theme.spacing(1.5) },
  },
}));

/**
 * Who would approve a request for the offering, for the signed-in user or
 * the colleague they request for.
 *
 * @internal
 */
export function AnticipatedApproversCard(props: {
  offering: OfferingSummary;
  forUser?: string;
}) {
  const { offering, forUser } = props;
  const classes = useStyles();
  const api = useApi(serviceCatalogueApiRef);
  const { value, loading, error } = useAsync(
    () =>
      api.getAnticipatedApprovers({
        namespace: offering.namespace,
        name: offering.name,
        forUser,
      }),
    [api, offering, forUser],
  );

  let content;
  if (error) {
    content = (
      <Alert severity="error">{`Approvers unknown: ${errorMessage(
        error,
      )}`}</Alert>
    );
  } else if (loading || !value) {
    content = <Progress />;
  } else if (value.stages.length === 0) {
    content = <Typography variant="body2">No approval needed.</Typography>;
  } else {
    content = (
      <ol className={classes.stages} aria-label="Approval stages">
        {value.stages.map(stage => (
          <li key={stage.index}>
            <Typography variant="subtitle2" component="h3">
              {`Stage ${stage.index + 1}: ${policyLabel(stage.policy)}`}
            </Typography>
            <Typography variant="body2" component="div">
              <EntityRefLinks entityRefs={stage.approvers} defaultKind="user" />
            </Typography>
            {stage.source === 'fallback' && (
              <Typography variant="caption" color="textSecondary">
                Nobody was found for this stage, so the fallback approvers stand
                in.
              </Typography>
            )}
          </li>
        ))}
      </ol>
    );
  }

  return <InfoCard title="Approvers">{content}</InfoCard>;
}
