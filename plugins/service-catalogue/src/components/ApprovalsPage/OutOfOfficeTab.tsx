import { FormEvent, useState } from 'react';
import { DateTime } from 'luxon';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  ApprovalDelegation,
  CreateDelegationBody,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useAction } from '../../hooks';
import { formatDateTime, UserPicker } from '../shared';

/** The value format of a `datetime-local` input. */
const LOCAL_INPUT_FORMAT = "yyyy-MM-dd'T'HH:mm";

function delegationState(delegation: ApprovalDelegation, now: DateTime) {
  if (now < DateTime.fromISO(delegation.startsAt)) {
    return 'Scheduled';
  }
  return now < DateTime.fromISO(delegation.endsAt) ? 'Active' : 'Ended';
}

function DelegationRow(props: {
  delegation: ApprovalDelegation;
  now: DateTime;
  busy: boolean;
  onRemove(): void;
}) {
  const { delegation, now, busy, onRemove } = props;
  const { primaryTitle } = useEntityPresentation(delegation.delegateRef, {
    defaultKind: 'user',
  });
  return (
    <TableRow>
      <TableCell>
        <EntityRefLink entityRef={delegation.delegateRef} defaultKind="user" />
      </TableCell>
      <TableCell>{formatDateTime(delegation.startsAt)}</TableCell>
      <TableCell>{formatDateTime(delegation.endsAt)}</TableCell>
      <TableCell>{delegation.reason}</TableCell>
      <TableCell>{delegationState(delegation, now)}</TableCell>
      <TableCell>
        <Button
          size="small"
          variant="outlined"
          color="secondary"
          disabled={busy}
          aria-label={`Remove delegation to ${primaryTitle}`}
          onClick={onRemove}
        >
          Remove
        </Button>
      </TableCell>
    </TableRow>
  );
}

type Problems = { delegate?: string; from?: string; until?: string };

function AddDelegationForm(props: { onAdded(): void }) {
  const { onAdded } = props;
  const api = useApi(serviceCatalogueApiRef);
  const [delegateRef, setDelegateRef] = useState<string>();
  const [from, setFrom] = useState(() =>
    DateTime.now().toFormat(LOCAL_INPUT_FORMAT),
  );
  const [until, setUntil] = useState(() =>
    DateTime.now().plus({ days: 7 }).toFormat(LOCAL_INPUT_FORMAT),
  );
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const add = useAction(
    (body: CreateDelegationBody) => api.createDelegation(body),
    {
      failure: 'The delegation was not added',
      onSuccess: () => {
        setDelegateRef(undefined);
        setReason('');
        onAdded();
      },
    },
  );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const startsAt = DateTime.fromISO(from);
    const endsAt = DateTime.fromISO(until);
    const next: Problems = {
      delegate: delegateRef ? undefined : 'Pick a delegate',
      from: startsAt.isValid ? undefined : 'Enter a date and time',
    };
    if (!endsAt.isValid) {
      next.until = 'Enter a date and time';
    } else if (startsAt.isValid && endsAt <= startsAt) {
      next.until = 'Until must be after From';
    }
    setProblems(next);
    if (!delegateRef || next.from || next.until) {
      return;
    }
    add.run({
      delegateRef,
      // The inputs hold the user's local time; the backend compares
      // instants, so send them with their zone resolved.
      startsAt: startsAt.toUTC().toISO()!,
      endsAt: endsAt.toUTC().toISO()!,
      reason: reason.trim() || undefined,
    });
  };

  return (
    <InfoCard title="Add a delegation">
      <form aria-label="Add a delegation" onSubmit={onSubmit} noValidate>
        <Box display="flex" flexDirection="column" gridGap={16} maxWidth={480}>
          <UserPicker
            label="Delegate"
            value={delegateRef}
            onChange={setDelegateRef}
            error={Boolean(problems.delegate)}
            helperText={problems.delegate}
          />
          <Box display="flex" gridGap={16}>
            <TextField
              id="delegation-from"
              label="From"
              type="datetime-local"
              variant="outlined"
              value={from}
              onChange={e => setFrom(e.target.value)}
              error={Boolean(problems.from)}
              helperText={problems.from}
              InputLabelProps={{ shrink: true }}
              fullWidth
            />
            <TextField
              id="delegation-until"
              label="Until"
              type="datetime-local"
              variant="outlined"
              value={until}
              onChange={e => setUntil(e.target.value)}
              error={Boolean(problems.until)}
              helperText={problems.until}
              InputLabelProps={{ shrink: true }}
              fullWidth
            />
          </Box>
          <TextField
            id="delegation-reason"
            label="Reason"
            variant="outlined"
            value={reason}
            onChange={e => setReason(e.target.value)}
          />
          <Box>
            <Button
              type="submit"
              variant="contained"
              color="primary"
              disabled={add.busy}
            >
              Add delegation
            </Button>
          </Box>
        </Box>
      </form>
    </InfoCard>
  );
}

/**
 * The signed-in approver's delegations of their approvals while they are
 * away, and a form to add one.
 *
 * @internal
 */
export function OutOfOfficeTab() {
  const api = useApi(serviceCatalogueApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listDelegations(),
    [api],
  );
  const remove = useAction(
    (delegation: ApprovalDelegation) => api.deleteDelegation(delegation.id),
    { failure: 'The delegation was not removed', onSettled: retry },
  );

  const now = DateTime.now();

  return (
    <>
      <Typography variant="body2" paragraph>
        While a delegation is active, the delegate sees your waiting approvals
        and decides on your behalf; decisions record both names.
      </Typography>
      {error && <ResponseErrorPanel error={error} />}
      {!error && !value && <Progress />}
      {value && (
        <Box mb={2}>
          {value.items.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              You have not delegated your approvals.
            </Typography>
          ) : (
            <TableContainer component={Paper}>
              {loading && <Progress />}
              <Table aria-label="Delegations" size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>Delegate</TableCell>
                    <TableCell>From</TableCell>
                    <TableCell>Until</TableCell>
                    <TableCell>Reason</TableCell>
                    <TableCell>State</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {value.items.map(delegation => (
                    <DelegationRow
                      key={delegation.id}
                      delegation={delegation}
                      now={now}
                      busy={remove.busy}
                      onRemove={() => remove.run(delegation)}
                    />
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </Box>
      )}
      <AddDelegationForm onAdded={retry} />
    </>
  );
}
