import { useCallback, useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { JsonObject } from '@backstage/types';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  OfferingRequestMode,
  OfferingSummary,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { CategoryIndex } from '../../lib/catalogue';
import { formatApproximateDuration } from '../../lib/durations';
import { requestRouteRef } from '../../routes';
import { errorMessage, PageLayout, policyLabel, UserPicker } from '../shared';
import { RequestForm } from './RequestForm';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0 },
  },
  stages: {
    margin: 0,
    paddingLeft: theme.spacing(2.5),
    '& > li + li': { marginTop: theme.spacing(1.5) },
  },
}));

const REQUEST_MODE_LABELS: Record<OfferingRequestMode, string> = {
  'self-service': 'Self-service',
  delegated: 'On your own behalf or for a colleague',
  desk: 'Through the service desk, for anyone',
};

/** Request modes in which a request may be raised for someone else. */

function AnticipatedApproversCard(props: {
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

function Confirmation(props: { request: ServiceRequest }) {
  const { request } = props;
  const requestRoute = useRouteRef(requestRouteRef);
  return (
    <Alert severity="success" role="status">
      <AlertTitle>{`Request ${request.trackingNumber} submitted`}</AlertTitle>
      You can follow it on{' '}
      <Link to={requestRoute({ requestId: request.trackingNumber })}>
        {`the page of ${request.trackingNumber}`}
      </Link>
      .
    </Alert>
  );
}

function OfferingDetails(props: { namespace: string; name: string }) {
  const { namespace, name } = props;
  const classes = useStyles();
  const api = useApi(serviceCatalogueApiRef);
  const [forUser, setForUser] = useState<string>();
  const [submitted, setSubmitted] = useState<ServiceRequest>();
  const [submitError, setSubmitError] = useState<Error>();

  const { value, loading, error } = useAsync(async () => {
    const [offering, categories, options] = await Promise.all([
      api.getOffering({ namespace, name }),
      api.getCategories(),
      api.getRequestOptions({ namespace, name }),
    ]);
    return { offering, index: new CategoryIndex(categories.items), options };
  }, [api, namespace, name]);

  const offering = value?.offering;
  const onSubmit = useCallback(
    async (formValues: JsonObject) => {
      if (!offering) {
        return;
      }
      setSubmitError(undefined);
      try {
        setSubmitted(
          await api.submitRequest({
            offeringRef: offering.entityRef,
            forUser,
            formValues,
          }),
        );
      } catch (e) {
        // Kept on the page rather than thrown: the form keeps its values, so
        // the user can fix what the backend named and submit again.
        setSubmitError(e as Error);
      }
    },
    [api, offering, forUser],
  );

  if (error) {
    return (
      <PageLayout title="Offering">
        <ResponseErrorPanel error={error} />
      </PageLayout>
    );
  }
  if (loading || !value || !offering) {
    return (
      <PageLayout title="Offering">
        <Progress />
      </PageLayout>
    );
  }

  const trail = value.index.trail(offering.category);
  const category =
    trail.length > 0 ? trail.map(c => c.title).join(' › ') : offering.category;
  const delay = offering.estimatedDelay
    ? formatApproximateDuration(offering.estimatedDelay)
    : undefined;
  const { forSelf, forOthers, explanation } = value.options;
  const mayRequest = forSelf || forOthers;

  return (
    <PageLayout title={offering.title} subtitle={offering.description}>
      <Grid container spacing={3}>
        {offering.problems?.length ? (
          // Only those who fulfil the offering are told; fixing it is theirs.
          <Grid item xs={12}>
            <Alert severity="warning">
              <AlertTitle>
                Requests for this offering cannot be fulfilled
              </AlertTitle>
              <ul>
                {offering.problems.map(problem => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </Alert>
          </Grid>
        ) : null}
        <Grid item xs={12} md={4}>
          <Grid container spacing={3} direction="column">
            <Grid item>
              <InfoCard title="About">
                <dl className={classes.facts}>
                  <Typography variant="body2" component="dt">
                    Category
                  </Typography>
                  <Typography variant="body2" component="dd">
                    {category}
                  </Typography>
                  <Typography variant="body2" component="dt">
                    Owner
                  </Typography>
                  <Typography variant="body2" component="dd">
                    <EntityRefLink
                      entityRef={offering.owner}
                      defaultKind="group"
                    />
                  </Typography>
                  {delay && (
                    <>
                      <Typography variant="body2" component="dt">
                        Estimated delay
                      </Typography>
                      <Typography variant="body2" component="dd">
                        {delay}
                      </Typography>
                    </>
                  )}
                  {offering.sla && (
                    <>
                      <Typography variant="body2" component="dt">
                        SLA
                      </Typography>
                      <Typography variant="body2" component="dd">
                        {offering.sla}
                      </Typography>
                    </>
                  )}
                  <Typography variant="body2" component="dt">
                    Request mode
                  </Typography>
                  <Typography variant="body2" component="dd">
                    {REQUEST_MODE_LABELS[offering.requestMode] ??
                      offering.requestMode}
                  </Typography>
                </dl>
              </InfoCard>
            </Grid>
            {mayRequest && (
              <Grid item>
                <AnticipatedApproversCard
                  offering={offering}
                  forUser={forUser}
                />
              </Grid>
            )}
          </Grid>
        </Grid>
        <Grid item xs={12} md={8}>
          <Grid container spacing={2} direction="column">
            {!mayRequest && (
              <Grid item>
                <Alert severity="info">
                  {explanation ?? 'You cannot request this offering.'}
                </Alert>
              </Grid>
            )}
            {mayRequest && submitted && (
              <Grid item>
                <Confirmation request={submitted} />
              </Grid>
            )}
            {mayRequest && !submitted && (
              <>
                {submitError && (
                  <Grid item>
                    <Alert severity="error">
                      <AlertTitle>The request was not submitted</AlertTitle>
                      {errorMessage(submitError)}
                    </Alert>
                  </Grid>
                )}
                {forOthers && (
                  <Grid item>
                    <UserPicker
                      label="Request for"
                      helperText="Leave empty to request for yourself"
                      value={forUser}
                      onChange={setForUser}
                    />
                  </Grid>
                )}
                <Grid item>
                  <RequestForm offering={offering} onSubmit={onSubmit} />
                </Grid>
              </>
            )}
          </Grid>
        </Grid>
      </Grid>
    </PageLayout>
  );
}

/**
 * An offering: what it is, who approves it, and its request form.
 *
 * @internal
 */
export function OfferingPage() {
  const { namespace = '', name = '' } = useParams();
  // Keyed so that moving to another offering starts with a fresh form.
  return (
    <OfferingDetails
      key={`${namespace}/${name}`}
      namespace={namespace}
      name={name}
    />
  );
}
