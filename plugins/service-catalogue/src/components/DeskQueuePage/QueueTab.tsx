import { useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  fulfillerRequestActions,
  FULFILMENT_REQUEST_STATES,
  REQUEST_TRANSITIONS,
  RequestState,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { usePagedRequests, useUserRef } from '../../hooks';
import {
  Fulfilment,
  FulfilmentDialogs,
  RequestActionButtons,
  RequestColumn,
  requestColumns,
  RequestTable,
  StateFilter,
  useFulfilment,
  UserPicker,
} from '../shared';

// The backend's default: what the desk still has to do.
const OPEN = 'open';
// What the desk may also list: the states it works in, and those its work
// ends in.
const STATES: RequestState[] = [
  ...new Set([
    ...FULFILMENT_REQUEST_STATES,
    ...REQUEST_TRANSITIONS.filter(
      t => t.action === 'complete' || t.action === 'fail',
    ).map(t => t.to),
  ]),
];

type AssigneeFilter = 'anyone' | 'me' | 'none';
type DueFilter = 'oldest' | 'due' | 'breached';

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

function actionsColumn(
  fulfilment: Fulfilment,
  userRef: string | undefined,
): RequestColumn {
  return {
    title: 'Actions',
    render: (request: ServiceRequest) => {
      const { take, ...others } = fulfilment.handlers(request);
      return (
        <RequestActionButtons
          // Everyone in the queue fulfils its requests.
          actions={fulfillerRequestActions(request)}
          // A request already the user's has nothing to take.
          handlers={
            request.assigneeRef === userRef ? others : { take, ...others }
          }
          busy={fulfilment.busy}
          subject={request.trackingNumber}
          size="small"
        />
      );
    },
  };
}

/**
 * The manual requests for the offerings the signed-in user fulfils, oldest
 * or soonest due first, or only those past their SLA, a page at a time, to
 * take, complete or fail.
 *
 * @internal
 */
export function QueueTab() {
  const api = useApi(serviceCatalogueApiRef);
  const userRef = useUserRef();
  const [state, setState] = useState<RequestState | typeof OPEN>(OPEN);
  const [offeringText, setOfferingText] = useState('');
  const [offering, setOffering] = useState('');
  const [requester, setRequester] = useState<string>();
  const [assignee, setAssignee] = useState<AssigneeFilter>('anyone');
  const [due, setDue] = useState<DueFilter>('oldest');

  // The backend filters, so wait for a pause in typing rather than asking
  // on every keystroke.
  useDebounce(() => setOffering(offeringText.trim()), 300, [offeringText]);

  let assigneeRef: string | undefined;
  if (assignee === 'me') {
    assigneeRef = userRef;
  } else if (assignee === 'none') {
    assigneeRef = 'none';
  }
  const list = usePagedRequests(
    async page =>
      // Waits for the identity rather than listing everyone's.
      assignee === 'me' && !assigneeRef
        ? undefined
        : api.listQueue({
            state: state === OPEN ? undefined : [state],
            offering: offeringRef(offering),
            requester,
            assignee: assigneeRef,
            order: due === 'oldest' ? 'oldest' : 'due',
            ...(due === 'breached' ? { breached: true } : {}),
            ...page,
          }),
    [state, offering, requester, assignee, assigneeRef, due],
  );

  const fulfilment = useFulfilment(list.retry);
  const columns: RequestColumn[] = [
    requestColumns.trackingNumber(),
    requestColumns.offering(),
    requestColumns.requester('For'),
    requestColumns.state(),
    requestColumns.assignee(),
    requestColumns.age('Age', request => request.createdAt),
    requestColumns.due(),
    actionsColumn(fulfilment, userRef),
  ];

  return (
    <>
      <Grid container spacing={2}>
        <Grid item xs={12} sm={6} md={3}>
          <StateFilter<typeof OPEN>
            id="service-catalogue-desk-state"
            states={STATES}
            value={state}
            defaultValue={OPEN}
            defaultLabel="Waiting and in progress"
            onChange={setState}
          />
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
        <Grid item xs={12} sm={6} md={3}>
          <TextField
            id="service-catalogue-desk-due"
            select
            label="Show"
            variant="outlined"
            size="small"
            fullWidth
            value={due}
            onChange={event => setDue(event.target.value as DueFilter)}
          >
            <MenuItem value="oldest">Oldest first</MenuItem>
            <MenuItem value="due">Soonest due first</MenuItem>
            <MenuItem value="breached">Breached SLA only</MenuItem>
          </TextField>
        </Grid>
        <Grid item xs={12}>
          <RequestTable
            title="Desk queue"
            columns={columns}
            {...list.table}
            empty={{
              title: 'Nothing waits for the desk.',
              description:
                'Manual requests for the offerings you fulfil appear here once approved.',
            }}
          />
        </Grid>
      </Grid>
      <FulfilmentDialogs fulfilment={fulfilment} />
    </>
  );
}
