import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { RequestDetails } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useRequestChanged } from '../../hooks';
import { PageLayout } from '../shared';
import { ApprovalStages } from './ApprovalStages';
import { Comments } from './Comments';
import { FormValues } from './FormValues';
import { RequestActions } from './RequestActions';
import { RequestFacts } from './RequestFacts';
import { TaskLog } from './TaskLog';
import { Timeline } from './Timeline';

function RequestView(props: { details: RequestDetails; reload(): void }) {
  const { details, reload } = props;
  const { request } = details;

  return (
    <PageLayout title={request.trackingNumber} subtitle={request.offeringTitle}>
      <Grid container spacing={3}>
        {request.extendsGrantId && (
          <Grid item xs={12}>
            {/* A note rather than an alert: it is read with the page, not
                announced as news. */}
            <Alert severity="info" role="note">
              <AlertTitle>More time for access already held</AlertTitle>
              <EntityRefLink
                entityRef={request.requesterRef}
                defaultKind="user"
              />
              {` holds ${request.offeringTitle} and asks to keep it longer. Once approved, the access ends later by the offering’s duration; nothing new is given.`}
            </Alert>
          </Grid>
        )}
        {request.state === 'FAILED' && request.failure && (
          <Grid item xs={12}>
            <Alert severity="error">
              <AlertTitle>
                {request.fulfilment === 'manual'
                  ? 'Fulfilment failed'
                  : 'Provisioning failed'}
              </AlertTitle>
              {request.failure.stepId
                ? `Step ${request.failure.stepId}: ${request.failure.message}`
                : request.failure.message}
            </Alert>
          </Grid>
        )}
        <Grid item xs={12} md={5}>
          <InfoCard title="Request">
            <RequestFacts request={request} />
            <RequestActions details={details} reload={reload} />
          </InfoCard>
          <Box mt={3}>
            <InfoCard title="Form">
              <FormValues request={request} />
            </InfoCard>
          </Box>
          {request.scaffolderTaskId && (
            <Box mt={3}>
              <InfoCard title="Task log">
                <TaskLog requestId={request.id} version={request.version} />
              </InfoCard>
            </Box>
          )}
        </Grid>
        <Grid item xs={12} md={7}>
          <InfoCard title="Approval">
            <ApprovalStages stages={request.stages} />
          </InfoCard>
          <Box mt={3}>
            <InfoCard title="Comments">
              <Comments details={details} onAdded={reload} />
            </InfoCard>
          </Box>
          <Box mt={3}>
            <InfoCard title="Timeline">
              <Timeline events={details.events} />
            </InfoCard>
          </Box>
        </Grid>
      </Grid>
    </PageLayout>
  );
}

/**
 * One request: its state, approval stages, history and comments, with what
 * the signed-in user may do to it.
 *
 * @internal
 */
export function RequestPage() {
  const { requestId = '' } = useParams();
  const api = useApi(serviceCatalogueApiRef);
  const { value, error, retry } = useAsyncRetry(
    () => api.getRequest(requestId),
    [api, requestId],
  );

  useRequestChanged(signal => {
    if (
      signal.requestId === value?.request.id ||
      signal.trackingNumber === requestId
    ) {
      retry();
    }
  });

  if (error) {
    return (
      <PageLayout title={requestId}>
        <ResponseErrorPanel error={error} />
      </PageLayout>
    );
  }
  // Kept on screen while the same request reloads, so that a refresh does
  // not flash; another request's page never shows, nor acts on, this one.
  const shown =
    value &&
    (value.request.id === requestId ||
      value.request.trackingNumber.toLocaleUpperCase('en-US') ===
        requestId.toLocaleUpperCase('en-US'))
      ? value
      : undefined;
  if (!shown) {
    return (
      <PageLayout title={requestId}>
        <Progress />
      </PageLayout>
    );
  }
  return <RequestView key={shown.request.id} details={shown} reload={retry} />;
}
