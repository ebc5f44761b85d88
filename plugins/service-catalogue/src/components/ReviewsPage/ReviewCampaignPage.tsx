import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  ReviewEvent,
  ReviewLine,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import {
  CampaignProgress,
  decisionLabel,
  errorMessage,
  Facts,
  formatDate,
  formatDateTime,
  originLabel,
  PageLayout,
  refName,
  reviewEventLabel,
  scopeLabel,
  useTableName,
} from '../shared';
import { grantStateLabel } from '../shared/grants';

const LINE_COLUMNS: TableColumn<ReviewLine>[] = [
  {
    title: 'Holder',
    render: line => (
      <EntityRefLink entityRef={line.holderRef} defaultKind="user" />
    ),
  },
  {
    title: 'Offering',
    render: line => line.offeringTitle,
  },
  {
    title: 'Target',
    render: line =>
      line.targetRef ? <EntityRefLink entityRef={line.targetRef} /> : '—',
  },
  { title: 'Since', render: line => formatDate(line.grantedAt) },
  { title: 'Why', render: line => originLabel(line.origin) },
  // Plain text, as in the lines to review: not everyone who may read the
  // report may read each request.
  { title: 'Request', render: line => line.trackingNumber },
  { title: 'Decision', render: line => decisionLabel(line.decision) },
  {
    title: 'Decided by',
    render: line => {
      // The deadline's rule decided it, not whoever the backend acted as.
      if (line.automatic) {
        return 'At the deadline';
      }
      return line.decidedByRef ? (
        <>
          <EntityRefLink entityRef={line.decidedByRef} defaultKind="user" />
          {line.decidedForRef && (
            <>
              {' for '}
              <EntityRefLink
                entityRef={line.decidedForRef}
                defaultKind="user"
              />
            </>
          )}
        </>
      ) : (
        '—'
      );
    },
  },
  {
    title: 'When',
    render: line => (line.decidedAt ? formatDateTime(line.decidedAt) : '—'),
  },
  { title: 'Reason', render: line => line.reason ?? '—' },
  {
    title: 'Grant',
    render: line => (line.grantState ? grantStateLabel(line.grantState) : '—'),
  },
];

/**
 * Who acted: a person or group, or the service catalogue itself (its
 * scheduled reminders and deadline), which has no catalog page to link to.
 */
function Actor(props: { actorRef: string }) {
  let kind: string | undefined;
  try {
    kind = parseEntityRef(props.actorRef).kind.toLocaleLowerCase('en-US');
  } catch {
    kind = undefined;
  }
  if (kind !== 'user' && kind !== 'group') {
    return <>Service catalogue</>;
  }
  return <EntityRefLink entityRef={props.actorRef} defaultKind="user" />;
}

const EVENT_COLUMNS: TableColumn<ReviewEvent>[] = [
  { title: 'When', render: event => formatDateTime(event.at) },
  { title: 'What', render: event => reviewEventLabel(event.type) },
  { title: 'Who', render: event => <Actor actorRef={event.actorRef} /> },
  { title: 'Details', render: event => event.message },
];

function save(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * The report of one access review campaign: who decided what, when and
 * why, what was revoked and what was left undecided, and its history; as
 * the backend's CSV too.
 *
 * @internal
 */
export function ReviewCampaignPage() {
  const { campaignId = '' } = useParams();
  const api = useApi(serviceCatalogueApiRef);
  const alertApi = useApi(alertApiRef);
  const linesTable = useTableName('Lines');
  const historyTable = useTableName('History');
  const { value, loading, error } = useAsync(
    () => api.getReviewCampaignReport(campaignId),
    [api, campaignId],
  );
  // The file comes from the backend, with the user's token, rather than
  // from a link, which would carry none.
  const [download, downloadCsv] = useAsyncFn(async () => {
    try {
      save(
        await api.getReviewCampaignReportCsv(campaignId),
        `review-${campaignId}.csv`,
      );
    } catch (e) {
      alertApi.post({
        message: `The report was not downloaded: ${errorMessage(e as Error)}`,
        severity: 'error',
      });
    }
  }, [api, alertApi, campaignId]);

  if (loading) {
    return (
      <PageLayout title="Review campaign">
        <Progress />
      </PageLayout>
    );
  }
  if (error || !value) {
    return (
      <PageLayout title="Review campaign">
        <ResponseErrorPanel error={error ?? new Error('No report')} />
      </PageLayout>
    );
  }
  const { campaign, lines, events } = value;
  return (
    <PageLayout title={campaign.title} subtitle={scopeLabel(campaign.scope)}>
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <InfoCard
            title="Campaign"
            titleTypographyProps={{ component: 'h2' }}
            action={
              <Button
                size="small"
                startIcon={<GetAppIcon />}
                onClick={downloadCsv}
                disabled={download.loading}
              >
                Download CSV
              </Button>
            }
          >
            <Facts
              items={[
                ['State', campaign.state === 'open' ? 'Open' : 'Closed'],
                [
                  'Opened',
                  `${formatDateTime(campaign.openedAt)} ${
                    campaign.trigger === 'schedule'
                      ? 'on schedule'
                      : `by ${refName(campaign.openedByRef)}`
                  }`,
                ],
                ['Deadline', formatDateTime(campaign.deadlineAt)],
                [
                  'Closed',
                  campaign.closedAt
                    ? formatDateTime(campaign.closedAt)
                    : undefined,
                ],
                [
                  'Owners',
                  campaign.ownerRefs
                    .map(ref => refName(ref, 'group'))
                    .join(', '),
                ],
                ['Progress', <CampaignProgress campaign={campaign} />],
              ]}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12} ref={linesTable}>
          <Table<ReviewLine>
            title="Lines"
            columns={LINE_COLUMNS}
            data={lines}
            options={{
              search: false,
              sorting: false,
              paging: lines.length > 20,
              pageSize: 20,
              padding: 'dense',
            }}
          />
        </Grid>
        <Grid item xs={12} ref={historyTable}>
          <Table<ReviewEvent>
            title="History"
            columns={EVENT_COLUMNS}
            data={events}
            options={{
              search: false,
              sorting: false,
              paging: events.length > 20,
              pageSize: 20,
              padding: 'dense',
            }}
          />
        </Grid>
      </Grid>
    </PageLayout>
  );
}
