import { ChangeEvent, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  REQUEST_STATES,
  RequestState,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { requestRouteRef } from '../../routes';
import {
  formatAge,
  formatDateTime,
  PageLayout,
  RequestStateChip,
  stateLabel,
  useRequestChanged,
} from '../shared';

const PAGE_SIZE = 25;
const ALL_STATES = 'all';

function RequestRow(props: { request: ServiceRequest }) {
  const { request } = props;
  const requestRoute = useRouteRef(requestRouteRef);
  const onBehalf = request.submittedByRef !== request.requesterRef;
  return (
    <TableRow>
      <TableCell>
        <Link to={requestRoute({ requestId: request.trackingNumber })}>
          {request.trackingNumber}
        </Link>
      </TableCell>
      <TableCell>{request.offeringTitle}</TableCell>
      <TableCell>
        <EntityRefLink entityRef={request.requesterRef} defaultKind="user" />
        {onBehalf && (
          <Typography variant="caption" component="div" color="textSecondary">
            {'Submitted by '}
            <EntityRefLink
              entityRef={request.submittedByRef}
              defaultKind="user"
            />
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <RequestStateChip state={request.state} />
      </TableCell>
      <TableCell title={formatDateTime(request.createdAt)}>
        {formatDateTime(request.createdAt)}
      </TableCell>
      <TableCell title={formatDateTime(request.updatedAt)}>
        {formatAge(request.updatedAt)}
      </TableCell>
    </TableRow>
  );
}

/**
 * The requests the signed-in user made or that were made for them.
 *
 * @internal
 */
export function MyRequestsPage() {
  const api = useApi(serviceCatalogueApiRef);
  const [state, setState] = useState<RequestState | typeof ALL_STATES>(
    ALL_STATES,
  );
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);

  // The backend searches, so wait for a pause in typing rather than asking
  // on every keystroke.
  useDebounce(
    () => {
      setSearch(searchText.trim());
      setPage(0);
    },
    300,
    [searchText],
  );

  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.listRequests({
        state: state === ALL_STATES ? undefined : [state],
        search: search || undefined,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [api, state, search, page],
  );

  useRequestChanged(retry);

  const onStateChange = (event: ChangeEvent<{ value: unknown }>) => {
    setState(event.target.value as RequestState | typeof ALL_STATES);
    setPage(0);
  };

  let results;
  if (error) {
    results = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    results = <Progress />;
  } else if (value.items.length === 0) {
    results = (
      <EmptyState
        missing="data"
        title={
          state === ALL_STATES && !search
            ? 'No requests yet'
            : 'No requests match'
        }
        description="Requests you submit, or that colleagues submit for you, are listed here."
      />
    );
  } else {
    results = (
      <TableContainer component={Paper}>
        {loading && <Progress />}
        <Table aria-label="My requests" size="small">
          <TableHead>
            <TableRow>
              <TableCell>Tracking number</TableCell>
              <TableCell>Offering</TableCell>
              <TableCell>For</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>Updated</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(request => (
              <RequestRow key={request.id} request={request} />
            ))}
          </TableBody>
        </Table>
        <TablePagination
          component="div"
          count={value.totalCount}
          page={page}
          rowsPerPage={PAGE_SIZE}
          rowsPerPageOptions={[PAGE_SIZE]}
          onPageChange={(_event, next) => setPage(next)}
        />
      </TableContainer>
    );
  }

  return (
    <PageLayout title="My requests">
      <Grid container spacing={2}>
        <Grid item xs={12} sm={8}>
          <TextField
            id="service-catalogue-request-search"
            type="search"
            label="Search requests"
            helperText="A tracking number such as REQ-000123, or an offering"
            variant="outlined"
            size="small"
            fullWidth
            value={searchText}
            onChange={event => setSearchText(event.target.value)}
          />
        </Grid>
        <Grid item xs={12} sm={4}>
          <TextField
            id="service-catalogue-request-state"
            select
            label="State"
            variant="outlined"
            size="small"
            fullWidth
            value={state}
            onChange={onStateChange}
          >
            <MenuItem value={ALL_STATES}>All states</MenuItem>
            {REQUEST_STATES.map(option => (
              <MenuItem key={option} value={option}>
                {stateLabel(option)}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12}>
          {results}
        </Grid>
      </Grid>
    </PageLayout>
  );
}
