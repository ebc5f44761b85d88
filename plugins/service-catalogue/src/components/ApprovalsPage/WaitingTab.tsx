import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useCursorPages } from '../../hooks';
import {
  DecisionDialog,
  RequestActionButtons,
  RequestColumn,
  requestColumns,
  RequestTable,
} from '../shared';
import { FormSummary } from './FormSummary';
import { Outcome, OutcomeAlert, pluralRequests } from './OutcomeAlert';

type Decision = 'approve' | 'reject';

/** What the user is confirming: one request, or the selected ones. */
type Pending = { decision: Decision; requests: ServiceRequest[] };

/**
 * The requests waiting for the signed-in user's decision, to decide one at
 * a time or several at once.
 *
 * @internal
 */
export function WaitingTab() {
  const api = useApi(serviceCatalogueApiRef);
  const theme = useTheme();
  const { value, retry, table } = useCursorPages(page =>
    api.listAwaitingApproval(page),
  );

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<Pending>();
  const [outcome, setOutcome] = useState<Outcome>();

  // One call a request: the backend decides each on its own, so one
  // refusal (already decided, no longer an approver) must not hide the
  // others' success.
  const [decideState, decide] = useAsyncFn(
    async (what: Pending, comment: string | undefined) => {
      const results = await Promise.allSettled(
        what.requests.map(request =>
          api.decideRequest(request.id, {
            decision: what.decision,
            comment,
            stageIndex: request.currentStage,
          }),
        ),
      );
      const next: Outcome = {
        decision: what.decision,
        succeeded: [],
        failed: [],
      };
      results.forEach((result, index) => {
        const request = what.requests[index];
        if (result.status === 'fulfilled') {
          next.succeeded.push(request);
        } else {
          next.failed.push({ request, error: result.reason as Error });
        }
      });
      setOutcome(next);
      setSelected(new Set(next.failed.map(({ request }) => request.id)));
      setPending(undefined);
      retry();
    },
    [api, retry],
  );
  const busy = decideState.loading;

  const items = value?.items ?? [];
  // A request decided elsewhere leaves the list; it must leave the
  // selection with it.
  const selectedItems = items.filter(request => selected.has(request.id));
  const allSelected = items.length > 0 && selectedItems.length === items.length;

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) {
      next.add(id);
    }
    setSelected(next);
  };

  const columns: RequestColumn[] = [
    {
      title: (
        <Checkbox
          checked={allSelected}
          indeterminate={selectedItems.length > 0 && !allSelected}
          onChange={() =>
            setSelected(allSelected ? new Set() : new Set(items.map(r => r.id)))
          }
          inputProps={{ 'aria-label': 'Select all' }}
        />
      ),
      width: '48px',
      render: request => (
        <Checkbox
          checked={selected.has(request.id)}
          onChange={() => toggle(request.id)}
          inputProps={{ 'aria-label': `Select ${request.trackingNumber}` }}
        />
      ),
    },
    requestColumns.trackingNumber(),
    requestColumns.requester('Requester'),
    requestColumns.offering({ extension: true }),
    { title: 'Details', render: request => <FormSummary request={request} /> },
    requestColumns.age('Waiting since', request => request.createdAt),
    requestColumns.due(),
    {
      title: 'Decision',
      render: request => (
        <RequestActionButtons
          actions={['approve', 'reject']}
          handlers={{
            approve: () =>
              setPending({ decision: 'approve', requests: [request] }),
            reject: () =>
              setPending({ decision: 'reject', requests: [request] }),
          }}
          busy={busy}
          subject={request.trackingNumber}
          size="small"
        />
      ),
    },
  ];

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
      {items.length > 0 && (
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
            )} on this page selected`}
          </Typography>
        </Box>
      )}
      <RequestTable
        title="Waiting for me"
        columns={columns}
        {...table}
        empty={{
          title: 'Nothing waits for you',
          description: 'Requests that need your decision appear here.',
        }}
        rowStyle={request =>
          selected.has(request.id)
            ? { backgroundColor: theme.palette.action.selected }
            : {}
        }
      />
      <DecisionDialog
        decision={pending?.decision}
        subject={subject}
        busy={busy}
        onConfirm={comment => pending && decide(pending, comment)}
        onClose={() => setPending(undefined)}
      />
    </>
  );
}
