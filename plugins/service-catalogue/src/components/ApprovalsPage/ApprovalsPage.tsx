import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
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
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  ApprovalDecision,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { requestRouteRef } from '../../routes';
import {
  DecisionDialog,
  errorMessage,
  formatAge,
  formatDateTime,
  formatValue,
  PageTab,
  TabbedPage,
  RequestStateChip,
  useRequestChanged,
} from '../shared';
import { OutOfOfficeTab } from './OutOfOfficeTab';

type Decision = 'approve' | 'reject';

/** What the user is confirming: one request, or the selected ones. */
type Pending = { decision: Decision; requests: ServiceRequest[] };

type Outcome = {
  decision: Decision;
  succeeded: ServiceRequest[];
  failed: Array<{ request: ServiceRequest; error: Error }>;
};

function pluralRequests(count: number) {
  return count === 1 ? '1 request' : `${count} requests`;
}

function FormSummary(props: { request: ServiceRequest }) {
  const entries = Object.entries(props.request.formValues);
  if (entries.length === 0) {
    return null;
  }
  return (
    <Typography variant="body2" component="div">
      {entries.map(([key, value]) => (
        <div key={key}>
          <Typography variant="caption" color="textSecondary">
            {`${key}: `}
          </Typography>
          {formatValue(value)}
        </div>
      ))}
    </Typography>
  );
}

function Offering(props: { request: ServiceRequest }) {
  const { request } = props;
  return (
    <>
      {request.offeringTitle}
      {request.extendsGrantId && (
        <Typography variant="caption" color="textSecondary" display="block">
          More time for access already held
        </Typography>
      )}
    </>
  );
}

function TrackingLink(props: { request: ServiceRequest }) {
  const requestRoute = useRouteRef(requestRouteRef);
  return (
    <Link to={requestRoute({ requestId: props.request.trackingNumber })}>
      {props.request.trackingNumber}
    </Link>
  );
}

function OutcomeAlert(props: { outcome: Outcome; onClose(): void }) {
  const { outcome, onClose } = props;
  const verb = outcome.decision === 'approve' ? 'Approved' : 'Rejected';
  if (outcome.failed.length === 0) {
    return (
      <Alert severity="success" role="status" onClose={onClose}>
        {`${verb} ${pluralRequests(outcome.succeeded.length)}`}
      </Alert>
    );
  }
  return (
    <Alert severity="error" onClose={onClose}>
      <AlertTitle>
        {outcome.succeeded.length > 0
          ? `${verb} ${pluralRequests(outcome.succeeded.length)}; ${
              outcome.failed.length
            } failed`
          : `${outcome.failed.length} failed`}
      </AlertTitle>
      <ul>
        {outcome.failed.map(({ request, error }) => (
          <li key={request.id}>
            {`${request.trackingNumber}: ${errorMessage(error)}`}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

function WaitingTab() {
  const api = useApi(serviceCatalogueApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listAwaitingApproval(),
    [api],
  );
  useRequestChanged(retry);

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return <Progress />;
  }

  const items = value.items;
  // A request decided elsewhere leaves the list; it must leave the
  // selection with it.
  const selectedItems = items.filter(request => selected.has(request.id));
  const allSelected = items.length > 0 && selectedItems.length === items.length;

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) {
      next.delete(id);
    } else {
      next.add(id);
    }
    setSelected(next);
  };

  const onConfirm = async (comment: string | undefined) => {
    if (!pending) {
      return;
    }
    setBusy(true);
    // One call a request: the backend decides each on its own, so one
    // refusal (already decided, no longer an approver) must not hide the
    // others' success.
    const results = await Promise.allSettled(
      pending.requests.map(request =>
        api.decideRequest(request.id, {
          decision: pending.decision,
          comment,
          stageIndex: request.currentStage,
        }),
      ),
    );
    const next: Outcome = {
      decision: pending.decision,
      succeeded: [],
      failed: [],
    };
    results.forEach((result, index) => {
      const request = pending.requests[index];
      if (result.status === 'fulfilled') {
        next.succeeded.push(request);
      } else {
        next.failed.push({ request, error: result.reason as Error });
      }
    });
    setOutcome(next);
    setSelected(new Set(next.failed.map(({ request }) => request.id)));
    setPending(undefined);
    setBusy(false);
    retry();
  };

  const subject =
    pending?.requests.length === 1
      ? pending.requests[0].trackingNumber
      : pluralRequests(pending?.requests.length ?? 0);

  return (
    <>
      {outcome && (
        <Box mb={2}>
          <OutcomeAlert
            outcome={outcome}
            onClose={() => setOutcome(undefined)}
          />
        </Box>
      )}
      {items.length === 0 ? (
        <EmptyState
          missing="data"
          title="Nothing waits for you"
          description="Requests that need your decision appear here."
        />
      ) : (
        <>
          <Box display="flex" gridGap={8} mb={1} alignItems="center">
            <Button
              variant="contained"
              color="primary"
              disabled={selectedItems.length === 0 || busy}
              onClick={() =>
                setPending({ decision: 'approve', requests: selectedItems })
              }
            >
              Approve selected
            </Button>
            <Button
              variant="outlined"
              color="secondary"
              disabled={selectedItems.length === 0 || busy}
              onClick={() =>
                setPending({ decision: 'reject', requests: selectedItems })
              }
            >
              Reject selected
            </Button>
            <Typography variant="body2" color="textSecondary">
              {`${selectedItems.length} of ${pluralRequests(
                items.length,
              )} selected`}
            </Typography>
          </Box>
          <TableContainer component={Paper}>
            {loading && <Progress />}
            <Table aria-label="Waiting for me" size="small">
              <TableHead>
                <TableRow>
                  <TableCell padding="checkbox">
                    <Checkbox
                      checked={allSelected}
                      indeterminate={selectedItems.length > 0 && !allSelected}
                      onChange={() =>
                        setSelected(
                          allSelected
                            ? new Set()
                            : new Set(items.map(request => request.id)),
                        )
                      }
                      inputProps={{ 'aria-label': 'Select all' }}
                    />
                  </TableCell>
                  <TableCell>Tracking number</TableCell>
                  <TableCell>Requester</TableCell>
                  <TableCell>Offering</TableCell>
                  <TableCell>Details</TableCell>
                  <TableCell>Waiting since</TableCell>
                  <TableCell>Decision</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {items.map(request => (
                  <TableRow
                    key={request.id}
                    selected={selected.has(request.id)}
                  >
                    <TableCell padding="checkbox">
                      <Checkbox
                        checked={selected.has(request.id)}
                        onChange={() => toggle(request.id)}
                        inputProps={{
                          'aria-label': `Select ${request.trackingNumber}`,
                        }}
                      />
                    </TableCell>
                    <TableCell>
                      <TrackingLink request={request} />
                    </TableCell>
                    <TableCell>
                      <EntityRefLink
                        entityRef={request.requesterRef}
                        defaultKind="user"
                      />
                    </TableCell>
                    <TableCell>
                      <Offering request={request} />
                    </TableCell>
                    <TableCell>
                      <FormSummary request={request} />
                    </TableCell>
                    <TableCell title={formatDateTime(request.createdAt)}>
                      {formatAge(request.createdAt)}
                    </TableCell>
                    <TableCell>
                      <Box display="flex" gridGap={8}>
                        <Button
                          size="small"
                          variant="contained"
                          color="primary"
                          disabled={busy}
                          aria-label={`Approve ${request.trackingNumber}`}
                          onClick={() =>
                            setPending({
                              decision: 'approve',
                              requests: [request],
                            })
                          }
                        >
                          Approve
                        </Button>
                        <Button
                          size="small"
                          variant="outlined"
                          color="secondary"
                          disabled={busy}
                          aria-label={`Reject ${request.trackingNumber}`}
                          onClick={() =>
                            setPending({
                              decision: 'reject',
                              requests: [request],
                            })
                          }
                        >
                          Reject
                        </Button>
                      </Box>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        </>
      )}
      <DecisionDialog
        decision={pending?.decision}
        subject={subject}
        busy={busy}
        onConfirm={onConfirm}
        onClose={() => setPending(undefined)}
      />
    </>
  );
}

function myDecision(
  request: ServiceRequest,
  userRef: string | undefined,
): ApprovalDecision | undefined {
  const decisions = request.stages.flatMap(stage => stage.decisions);
  // The backend stores refs in lowercase; the identity may spell them
  // otherwise.
  const me = userRef?.toLocaleLowerCase('en-US');
  return (
    decisions.find(d => d.decidedByRef === me) ??
    decisions.find(d => d.approverRef === me)
  );
}

function DecidedTab() {
  const api = useApi(serviceCatalogueApiRef);
  const identityApi = useApi(identityApiRef);
  const { value: userRef } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  const { value, error, retry } = useAsyncRetry(() => api.listDecided(), [api]);
  useRequestChanged(retry);

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return <Progress />;
  }
  if (value.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No decisions yet"
        description="Requests you approved or rejected appear here."
      />
    );
  }
  return (
    <TableContainer component={Paper}>
      <Table aria-label="Decided" size="small">
        <TableHead>
          <TableRow>
            <TableCell>Tracking number</TableCell>
            <TableCell>Requester</TableCell>
            <TableCell>Offering</TableCell>
            <TableCell>My decision</TableCell>
            <TableCell>Comment</TableCell>
            <TableCell>Decided</TableCell>
            <TableCell>State now</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.items.map(request => {
            const decision = myDecision(request, userRef);
            return (
              <TableRow key={request.id}>
                <TableCell>
                  <TrackingLink request={request} />
                </TableCell>
                <TableCell>
                  <EntityRefLink
                    entityRef={request.requesterRef}
                    defaultKind="user"
                  />
                </TableCell>
                <TableCell>
                  <Offering request={request} />
                </TableCell>
                <TableCell>
                  {decision &&
                    (decision.decision === 'approve' ? 'Approved' : 'Rejected')}
                </TableCell>
                <TableCell>{decision?.comment}</TableCell>
                <TableCell>
                  {decision && formatDateTime(decision.decidedAt)}
                </TableCell>
                <TableCell>
                  <RequestStateChip state={request.state} />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

const TABS: PageTab[] = [
  { id: 'approvals-tab-waiting', label: 'Waiting for me', Panel: WaitingTab },
  { id: 'approvals-tab-decided', label: 'Decided', Panel: DecidedTab },
  {
    id: 'approvals-tab-out-of-office',
    label: 'Out of office',
    Panel: OutOfOfficeTab,
  },
];

/**
 * The requests waiting for the signed-in user's decision, those they
 * decided on, and who decides for them while they are away.
 *
 * @internal
 */
export function ApprovalsPage() {
  return <TabbedPage title="Approvals" tabs={TABS} />;
}
