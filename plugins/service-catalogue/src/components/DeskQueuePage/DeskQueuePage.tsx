import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/core-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import {
  RequestState,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { requestRouteRef } from '../../routes';
import {
  errorMessage,
  formatAge,
  formatDateTime,
  FulfilmentDialogs,
  PageTab,
  TabbedPage,
  RequestStateChip,
  stateLabel,
  useFulfilment,
  UserPicker,
  useRequestChanged,
} from '../shared';
import { DeparturesTab } from './DeparturesTab';

// The backend's default: what the desk still has to do.
const OPEN = 'open';
const STATES: RequestState[] = ['APPROVED', 'IN_PROGRESS', 'DONE', 'FAILED'];

type AssigneeFilter = 'anyone' | 'me' | 'none';

/** An offering's entity ref from what was typed: a full ref or a name. */
function offeringRef(text: string): string | undefined {
  if (!text) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(text, {
        defaultKind: 'offering',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    // Left as typed, so that the backend's answer names the problem.
    return text;
  }
}

function QueueRow(props: {
  request: ServiceRequest;
  userRef?: string;
  busy: boolean;
  onTake(): void;
  onComplete(): void;
  onFail(): void;
}) {
  const { request, userRef, busy } = props;
  const requestRoute = useRouteRef(requestRouteRef);
  const open = request.state === 'APPROVED' || request.state === 'IN_PROGRESS';
  const { trackingNumber } = request;
  return (
    <TableRow>
      <TableCell>
        <Link to={requestRoute({ requestId: trackingNumber })}>
          {trackingNumber}
        </Link>
      </TableCell>
      <TableCell>{request.offeringTitle}</TableCell>
      <TableCell>
        <EntityRefLink entityRef={request.requesterRef} defaultKind="user" />
      </TableCell>
      <TableCell>
        <RequestStateChip state={request.state} />
      </TableCell>
      <TableCell>
        {request.assigneeRef ? (
          <EntityRefLink entityRef={request.assigneeRef} defaultKind="user" />
        ) : (
          '—'
        )}
      </TableCell>
      <TableCell title={formatDateTime(request.createdAt)}>
        {formatAge(request.createdAt)}
      </TableCell>
      <TableCell>
        {request.slaDueAt ? formatDateTime(request.slaDueAt) : '—'}
      </TableCell>
      <TableCell>
        <Box display="flex" gridGap={8}>
          {open &&
            // Stored refs are lowercase; the identity may spell them otherwise.
            request.assigneeRef !== userRef?.toLocaleLowerCase('en-US') && (
              <Button
                size="small"
                variant="outlined"
                color="primary"
                disabled={busy}
                aria-label={`Take ${trackingNumber}`}
                onClick={props.onTake}
              >
                Take
              </Button>
            )}
          {request.state === 'IN_PROGRESS' && (
            <>
              <Button
                size="small"
                variant="contained"
                color="primary"
                disabled={busy}
                aria-label={`Complete ${trackingNumber}`}
                onClick={props.onComplete}
              >
                Complete
              </Button>
              <Button
                size="small"
                variant="outlined"
                color="secondary"
                disabled={busy}
                aria-label={`Fail ${trackingNumber}`}
                onClick={props.onFail}
              >
                Fail
              </Button>
            </>
          )}
        </Box>
      </TableCell>
    </TableRow>
  );
}

function QueueTab() {
  const api = useApi(serviceCatalogueApiRef);
  const identityApi = useApi(identityApiRef);
  const [state, setState] = useState<RequestState | typeof OPEN>(OPEN);
  const [offeringText, setOfferingText] = useState('');
  const [offering, setOffering] = useState('');
  const [requester, setRequester] = useState<string>();
  const [assignee, setAssignee] = useState<AssigneeFilter>('anyone');

  // The backend filters, so wait for a pause in typing rather than asking
  // on every keystroke.
  useDebounce(() => setOffering(offeringText.trim()), 300, [offeringText]);

  const { value: userRef } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );

  const { value, loading, error, retry } = useAsyncRetry(async () => {
    let assigneeRef: string | undefined;
    if (assignee === 'me') {
      assigneeRef = (await identityApi.getBackstageIdentity()).userEntityRef;
    } else if (assignee === 'none') {
      assigneeRef = 'none';
    }
    return api.listQueue({
      state: state === OPEN ? undefined : [state],
      offering: offeringRef(offering),
      requester,
      assignee: assigneeRef,
    });
  }, [api, identityApi, state, offering, requester, assignee]);
  useRequestChanged(retry);

  const fulfilment = useFulfilment(retry);

  let results;
  if (error) {
    results = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    results = <Progress />;
  } else if (value.items.length === 0) {
    results = (
      <EmptyState
        missing="data"
        title="Nothing waits for the desk."
        description="Manual requests for the offerings you fulfil appear here once approved."
      />
    );
  } else {
    results = (
      <TableContainer component={Paper}>
        {loading && <Progress />}
        <Table aria-label="Desk queue" size="small">
          <TableHead>
            <TableRow>
              <TableCell>Tracking number</TableCell>
              <TableCell>Offering</TableCell>
              <TableCell>For</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Assignee</TableCell>
              <TableCell>Age</TableCell>
              <TableCell>Due</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(request => (
              <QueueRow
                key={request.id}
                request={request}
                userRef={userRef}
                busy={fulfilment.busy}
                onTake={() => fulfilment.take(request)}
                onComplete={() => fulfilment.open('complete', request)}
                onFail={() => fulfilment.open('fail', request)}
              />
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );
  }

  return (
    <>
      <Grid container spacing={2}>
        <Grid item xs={12} sm={6} md={3}>
          <TextField
            id="service-catalogue-desk-state"
            select
            label="State"
            variant="outlined"
            size="small"
            fullWidth
            value={state}
            onChange={event =>
              setState(event.target.value as RequestState | typeof OPEN)
            }
          >
            <MenuItem value={OPEN}>Waiting and in progress</MenuItem>
            {STATES.map(option => (
              <MenuItem key={option} value={option}>
                {stateLabel(option)}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <TextField
            id="service-catalogue-desk-offering"
            label="Offering"
            helperText="An entity ref or a name"
            variant="outlined"
            size="small"
            fullWidth
            value={offeringText}
            onChange={event => setOfferingText(event.target.value)}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <UserPicker
            label="Requester"
            value={requester}
            onChange={setRequester}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <TextField
            id="service-catalogue-desk-assignee"
            select
            label="Assignee"
            variant="outlined"
            size="small"
            fullWidth
            value={assignee}
            onChange={event =>
              setAssignee(event.target.value as AssigneeFilter)
            }
          >
            <MenuItem value="anyone">Anyone</MenuItem>
            <MenuItem value="me">Me</MenuItem>
            <MenuItem value="none">Nobody yet</MenuItem>
          </TextField>
        </Grid>
        {fulfilment.error && (
          <Grid item xs={12}>
            <Alert severity="error" onClose={fulfilment.dismissError}>
              {errorMessage(fulfilment.error)}
            </Alert>
          </Grid>
        )}
        <Grid item xs={12}>
          {results}
        </Grid>
      </Grid>
      <FulfilmentDialogs fulfilment={fulfilment} />
    </>
  );
}

const TABS: PageTab[] = [
  { id: 'desk-tab-queue', label: 'Queue', Panel: QueueTab },
  { id: 'desk-tab-departures', label: 'Departures', Panel: DeparturesTab },
];

/**
 * The desk queue: the manual requests for the offerings the signed-in user
 * fulfils, to take, complete or fail; and the departures, what was taken
 * away from people who left.
 *
 * @internal
 */
export function DeskQueuePage() {
  return <TabbedPage title="Desk queue" tabs={TABS} />;
}
