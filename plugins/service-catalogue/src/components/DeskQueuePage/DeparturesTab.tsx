import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import { Departure } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { offeringRouteRef, requestRouteRef } from '../../routes';
import { formatAge, formatDateTime, offeringParams } from '../shared';

const REASON_LABELS: Record<Departure['reason'], string> = {
  missing: 'Missing from the catalog',
  marked: 'Marked as gone',
};

const useStyles = makeStyles({
  list: {
    margin: 0,
    paddingLeft: 0,
    listStyle: 'none',
  },
});

function RevokedGrants(props: { departure: Departure }) {
  const { departure } = props;
  const classes = useStyles();
  const offeringRoute = useRouteRef(offeringRouteRef);
  if (departure.revokedGrants.length === 0) {
    return <>—</>;
  }
  return (
    <ul className={classes.list} aria-label="Access revoked">
      {departure.revokedGrants.map(revoked => (
        <li key={revoked.grantId}>
          <Link to={offeringRoute(offeringParams(revoked.offeringRef))}>
            {revoked.offeringTitle}
          </Link>
        </li>
      ))}
    </ul>
  );
}

function CancelledRequests(props: { departure: Departure }) {
  const { departure } = props;
  const classes = useStyles();
  const requestRoute = useRouteRef(requestRouteRef);
  if (departure.cancelledRequests.length === 0) {
    return <>—</>;
  }
  return (
    <ul className={classes.list} aria-label="Requests cancelled">
      {departure.cancelledRequests.map(cancelled => (
        <li key={cancelled.requestId}>
          <Link to={requestRoute({ requestId: cancelled.trackingNumber })}>
            {cancelled.trackingNumber}
          </Link>
          {` for ${cancelled.offeringTitle}`}
        </li>
      ))}
    </ul>
  );
}

/**
 * Who left the organisation, and what the service catalogue took away from
 * them; for the service desk and administrators.
 *
 * @internal
 */
export function DeparturesTab() {
  const api = useApi(serviceCatalogueApiRef);
  const { value, error } = useAsync(() => api.listDepartures(), [api]);

  if (error) {
    if (error instanceof ResponseError && error.statusCode === 403) {
      return (
        <EmptyState
          missing="info"
          title="Only the service desk and administrators see departures"
          description="Departures list what was taken away from people who left the organisation."
        />
      );
    }
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return <Progress />;
  }
  if (value.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="Nobody has left yet."
        description="When someone leaves the organisation, the access revoked and the requests cancelled for them are listed here."
      />
    );
  }
  return (
    <TableContainer component={Paper}>
      <Table aria-label="Departures" size="small">
        <TableHead>
          <TableRow>
            <TableCell>Who</TableCell>
            <TableCell>When</TableCell>
            <TableCell>Why</TableCell>
            <TableCell>Access revoked</TableCell>
            <TableCell>Requests cancelled</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.items.map(departure => (
            <TableRow key={departure.id}>
              <TableCell>
                <EntityRefLink
                  entityRef={departure.userRef}
                  defaultKind="user"
                />
              </TableCell>
              <TableCell title={formatAge(departure.detectedAt)}>
                {formatDateTime(departure.detectedAt)}
              </TableCell>
              <TableCell>
                {REASON_LABELS[departure.reason] ?? departure.reason}
              </TableCell>
              <TableCell>
                <RevokedGrants departure={departure} />
              </TableCell>
              <TableCell>
                <CancelledRequests departure={departure} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
