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
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Alert from '@material-ui/lab/Alert';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { offeringRouteRef, requestRouteRef } from '../../routes';
import {
  errorMessage,
  formatDate,
  formatDateTime,
  GrantExpiry,
  GrantStatus,
  offeringParams,
  PageLayout,
  RevokeGrantDialog,
  sortGrants,
  useRequestChanged,
  useRevokeGrant,
  GiveUpButton,
} from '../shared';

function GrantRow(props: { grant: Grant; onGiveUp(grant: Grant): void }) {
  const { grant, onGiveUp } = props;
  const offeringRoute = useRouteRef(offeringRouteRef);
  const requestRoute = useRouteRef(requestRouteRef);
  return (
    <TableRow>
      <TableCell>
        <Link to={offeringRoute(offeringParams(grant.offeringRef))}>
          {grant.offeringTitle}
        </Link>
      </TableCell>
      <TableCell>
        {grant.targetRef && <EntityRefLink entityRef={grant.targetRef} />}
      </TableCell>
      <TableCell title={formatDateTime(grant.grantedAt)}>
        {formatDate(grant.grantedAt)}
      </TableCell>
      <TableCell>
        <GrantExpiry grant={grant} />
      </TableCell>
      <TableCell>
        <GrantStatus grant={grant} />
      </TableCell>
      <TableCell>
        <Link to={requestRoute({ requestId: grant.trackingNumber })}>
          {grant.trackingNumber}
        </Link>
      </TableCell>
      <TableCell align="right">
        <GiveUpButton grant={grant} onGiveUp={onGiveUp} />
      </TableCell>
    </TableRow>
  );
}

/**
 * The access the signed-in user holds through the service catalogue, with
 * a way to give it up.
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
  const giveUp = useRevokeGrant(retry);

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
      {giveUp.error && (
        <Box mb={2}>
          <Alert severity="error" onClose={giveUp.dismissError}>
            {`The access was not given up: ${errorMessage(giveUp.error)}`}
          </Alert>
        </Box>
      )}
      {results}
      <RevokeGrantDialog
        grant={giveUp.grant}
        title={grant => `Give up ${grant.offeringTitle}?`}
        description={() =>
          'Your access is removed. To get it back, request the offering again.'
        }
        confirmLabel="Give up"
        busy={giveUp.busy}
        onConfirm={giveUp.revoke}
        onClose={giveUp.cancel}
      />
    </PageLayout>
  );
}
