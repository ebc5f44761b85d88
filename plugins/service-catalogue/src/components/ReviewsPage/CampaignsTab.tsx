import { useCallback, useState } from 'react';
import { Link, TableColumn } from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { ReviewCampaign } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useCursorPages } from '../../hooks';
import { reviewCampaignRouteRef } from '../../routes';
import {
  CampaignProgress,
  formatDate,
  PagedTable,
  pluralLines,
  refName,
  scopeLabel,
} from '../shared';
import { StartReviewDialog, useReviewChoices } from './StartReviewDialog';

function CampaignLink(props: { campaign: ReviewCampaign }) {
  const campaignRoute = useRouteRef(reviewCampaignRouteRef);
  return (
    <Link to={campaignRoute({ campaignId: props.campaign.id })}>
      {props.campaign.title}
    </Link>
  );
}

const COLUMNS: TableColumn<ReviewCampaign>[] = [
  {
    title: 'Campaign',
    render: campaign => (
      <>
        <CampaignLink campaign={campaign} />
        <Typography variant="caption" color="textSecondary" display="block">
          {scopeLabel(campaign.scope)}
        </Typography>
      </>
    ),
  },
  {
    title: 'Opened',
    render: campaign => (
      <>
        {formatDate(campaign.openedAt)}
        <Typography variant="caption" color="textSecondary" display="block">
          {campaign.trigger === 'schedule'
            ? 'On schedule'
            : `By ${refName(campaign.openedByRef)}`}
        </Typography>
      </>
    ),
  },
  {
    title: 'Deadline',
    render: campaign =>
      campaign.state === 'closed' && campaign.closedAt
        ? `Closed ${formatDate(campaign.closedAt)}`
        : formatDate(campaign.deadlineAt),
  },
  {
    title: 'Progress',
    render: campaign => <CampaignProgress campaign={campaign} />,
  },
];

/**
 * The review campaigns of the offerings the signed-in user owns (every one
 * for administrators and the desk), open or closed, and a way to start one.
 *
 * @internal
 */
export function CampaignsTab() {
  const api = useApi(serviceCatalogueApiRef);
  const alertApi = useApi(alertApiRef);
  const [state, setState] = useState<'open' | 'closed'>('open');
  const [starting, setStarting] = useState(false);
  const choices = useReviewChoices();
  // Shown to those the backend lets start one: owners and administrators.
  const canStart =
    !!choices.value &&
    (choices.value.offerings.length > 0 || choices.value.groups.length > 0);
  const { table, retry } = useCursorPages(
    page => api.listReviewCampaigns({ state, ...page }),
    [state],
  );
  const onStarted = useCallback(
    (campaign: ReviewCampaign) => {
      setStarting(false);
      alertApi.post({
        message: `${campaign.title} started with ${pluralLines(
          campaign.progress.total,
        )} to review`,
        severity: 'success',
        display: 'transient',
      });
      if (state === 'open') {
        retry();
      } else {
        setState('open');
      }
    },
    [alertApi, retry, state],
  );

  return (
    <Grid container spacing={2} alignItems="center">
      <Grid item xs={12} sm={4}>
        <TextField
          id="service-catalogue-campaign-state"
          select
          label="Campaigns"
          variant="outlined"
          size="small"
          fullWidth
          value={state}
          onChange={event => setState(event.target.value as 'open' | 'closed')}
        >
          <MenuItem value="open">Open</MenuItem>
          <MenuItem value="closed">Closed</MenuItem>
        </TextField>
      </Grid>
      <Grid item xs={12} sm={8} style={{ textAlign: 'right' }}>
        {canStart && (
          <Button
            variant="contained"
            color="primary"
            onClick={() => setStarting(true)}
          >
            Start a review
          </Button>
        )}
      </Grid>
      <Grid item xs={12}>
        <PagedTable<ReviewCampaign>
          title={state === 'open' ? 'Open campaigns' : 'Closed campaigns'}
          columns={COLUMNS}
          {...table}
          empty={{
            title:
              state === 'open' ? 'No open campaigns' : 'No closed campaigns',
            description:
              'The review campaigns of the offerings you own are listed here.',
          }}
        />
      </Grid>
      <StartReviewDialog
        open={starting}
        choices={choices}
        onStarted={onStarted}
        onClose={() => setStarting(false)}
      />
    </Grid>
  );
}
