import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  Grant,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useRequestChanged, useRevokeGrant } from '../../hooks';
import { requestRouteRef } from '../../routes';
import {
  GiveUpButton,
  GiveUpDialog,
  GrantCells,
  GrantOffering,
  PageLayout,
  sortGrants,
} from '../shared';
import { ExtendGrantDialog } from './ExtendGrantDialog';

function MoreTime(props: { grant: Grant; onExtend(grant: Grant): void }) {
  const { grant, onExtend } = props;
  const requestRoute = useRouteRef(requestRouteRef);
  if (grant.pendingExtension) {
    const { trackingNumber } = grant.pendingExtension;
    return (
      <Typography variant="body2" component="span">
        {'More time asked in '}
        <Link to={requestRoute({ requestId: trackingNumber })}>
          {trackingNumber}
        </Link>
      </Typography>
    );
  }
  if (grant.state !== 'active' || !grant.expiresAt) {
    return null;
  }
  return (
    <Button
      size="small"
      variant="outlined"
      aria-label={`Ask for more time on ${grant.offeringTitle}`}
      onClick={() => onExtend(grant)}
    >
      Ask for more time
    </Button>
  );
}

function ExtendedAlert(props: { request: ServiceRequest; onClose(): void }) {
  const { request, onClose } = props;
  const requestRoute = useRouteRef(requestRouteRef);
  return (
    <Alert severity="success" role="status" onClose={onClose}>
      {request.state === 'DONE' ? 'More time given in ' : 'More time asked in '}
      <Link to={requestRoute({ requestId: request.trackingNumber })}>
        {request.trackingNumber}
      </Link>
    </Alert>
  );
}

function GrantRow(props: {
  grant: Grant;
  onExtend(grant: Grant): void;
  onGiveUp(grant: Grant): void;
}) {
  const { grant, onExtend, onGiveUp } = props;
  const requestRoute = useRouteRef(requestRouteRef);
  return (
    <TableRow>
      <TableCell>
        <GrantOffering grant={grant} />
      </TableCell>
      <TableCell>
        {grant.targetRef && <EntityRefLink entityRef={grant.targetRef} />}
      </TableCell>
      <GrantCells grant={grant} />
      <TableCell>
        <Link to={requestRoute({ requestId: grant.trackingNumber })}>
          {grant.trackingNumber}
        </Link>
      </TableCell>
      <TableCell align="right">
        <Box
          display="flex"
          justifyContent="flex-end"
          alignItems="center"
          gridGap={8}
        >
          <MoreTime grant={grant} onExtend={onExtend} />
          <GiveUpButton grant={grant} onGiveUp={onGiveUp} />
        </Box>
      </TableCell>
    </TableRow>
  );
}

/**
 * The access the signed-in user holds through the service catalogue, with
 * ways to ask for more time and to give it up.
 *
 * @internal
 */
export function MyAccessPage() {
  const api = useApi(serviceCatalogueApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listMyGrants(),
    [api],
  );
  // A fulfilled request is what grants access, so its signal may bring a
  // new grant.
  useRequestChanged(retry);
  const giveUp = useRevokeGrant(retry, 'The access was not given up');
  const [extending, setExtending] = useState<Grant>();
  const [extended, setExtended] = useState<ServiceRequest>();

  let results;
  if (error) {
    results = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    results = <Progress />;
  } else if (value.items.length === 0) {
    results = (
      <EmptyState
        missing="data"
        title="No access yet"
        description="Access you get through fulfilled requests is listed here, until it ends."
      />
    );
  } else {
    results = (
      <TableContainer component={Paper}>
        {loading && <Progress />}
        <Table aria-label="My access" size="small">
          <TableHead>
            <TableRow>
              <TableCell>Offering</TableCell>
              <TableCell>Target</TableCell>
              <TableCell>Granted</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Request</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {sortGrants(value.items).map(grant => (
              <GrantRow
                key={grant.id}
                grant={grant}
                onExtend={setExtending}
                onGiveUp={giveUp.confirm}
              />
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );
  }

  return (
    <PageLayout title="My access">
      {extended && (
        <Box mb={2}>
          <ExtendedAlert
            request={extended}
            onClose={() => setExtended(undefined)}
          />
        </Box>
      )}
      {results}
      <GiveUpDialog giveUp={giveUp} />
      <ExtendGrantDialog
        grant={extending}
        onExtended={request => {
          setExtending(undefined);
          setExtended(request);
          retry();
        }}
        onClose={() => setExtending(undefined)}
      />
    </PageLayout>
  );
}
