import { useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { JsonObject } from '@backstage/types';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { CategoryIndex } from '../../lib/catalogue';
import { requestRouteRef } from '../../routes';
import { errorMessage, PageLayout, UserPicker } from '../shared';
import { AboutCard } from './AboutCard';
import { AnticipatedApproversCard } from './AnticipatedApproversCard';
import { RequestForm } from './RequestForm';

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
  const api = useApi(serviceCatalogueApiRef);
  const [forUser, setForUser] = useState<string>();

  const { value, loading, error } = useAsync(async () => {
    const [offering, categories, options] = await Promise.all([
      api.getOffering({ namespace, name }),
      api.getCategories(),
      api.getRequestOptions({ namespace, name }),
    ]);
    return { offering, index: new CategoryIndex(categories.items), options };
  }, [api, namespace, name]);

  const offering = value?.offering;
  // Kept on the page rather than thrown: the form keeps its values, so the
  // user can fix what the backend named and submit again.
  const [submission, onSubmit] = useAsyncFn(
    async (formValues: JsonObject) =>
      offering &&
      api.submitRequest({
        offeringRef: offering.entityRef,
        forUser,
        formValues,
      }),
    [api, offering, forUser],
  );
  const submitted = submission.value;
  const submitError = submission.error;

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
              <AboutCard offering={offering} category={category} />
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
