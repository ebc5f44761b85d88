import { useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import {
  REQUEST_STATES,
  RequestState,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useCursorPages } from '../../hooks';
import {
  PageLayout,
  RequestColumn,
  requestColumns,
  RequestTable,
  StateFilter,
} from '../shared';

const ALL_STATES = 'all';

const COLUMNS: RequestColumn[] = [
  requestColumns.trackingNumber(),
  requestColumns.offering(),
  requestColumns.requester('For', { submittedBy: true }),
  requestColumns.state(),
  requestColumns.due(),
  requestColumns.created(),
  requestColumns.age('Updated', request => request.updatedAt),
];

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

  // The backend searches, so wait for a pause in typing rather than asking
  // on every keystroke.
  useDebounce(() => setSearch(searchText.trim()), 300, [searchText]);

  const list = useCursorPages(
    page =>
      api.listRequests({
        state: state === ALL_STATES ? undefined : [state],
        search: search || undefined,
        ...page,
      }),
    [state, search],
  );

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
          <StateFilter<typeof ALL_STATES>
            id="service-catalogue-request-state"
            states={REQUEST_STATES}
            value={state}
            defaultValue={ALL_STATES}
            defaultLabel="All states"
            onChange={setState}
          />
        </Grid>
        <Grid item xs={12}>
          <RequestTable
            title="My requests"
            columns={COLUMNS}
            {...list.table}
            empty={{
              title:
                state === ALL_STATES && !search
                  ? 'No requests yet'
                  : 'No requests match',
              description:
                'Requests you submit, or that colleagues submit for you, are listed here.',
            }}
          />
        </Grid>
      </Grid>
    </PageLayout>
  );
}
