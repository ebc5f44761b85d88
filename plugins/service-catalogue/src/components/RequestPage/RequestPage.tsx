import { FormEvent, ReactNode, useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  ApprovalDecision,
  ApprovalStageStatus,
  RequestDetails,
  RequestEvent,
  RequestApprovalStage,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { scaffolderTaskRouteRef } from '../../routes';
import { TaskLog } from './TaskLog';
import {
  DecisionDialog,
  errorMessage,
  formatDateTime,
  formatValue,
  FulfilmentDialogs,
  PageLayout,
  policyLabel,
  RequestStateChip,
  stateLabel,
  useFulfilment,
  useRequestChanged,
} from '../shared';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    '& > li + li': {
      marginTop: theme.spacing(2),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
  internal: {
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    paddingLeft: theme.spacing(1),
  },
  actions: {
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
}));

const STAGE_STATUS_LABELS: Record<ApprovalStageStatus, string> = {
  waiting: 'Waiting',
  active: 'Waiting for decisions',
  approved: 'Approved',
  rejected: 'Rejected',
  skipped: 'Skipped',
};

const EVENT_LABELS: Record<RequestEvent['type'], string> = {
  submit: 'Submitted',
  route: 'Sent for approval',
  decide: 'Decision recorded',
  approve: 'Approved',
  reject: 'Rejected',
  start: 'Fulfilment started',
  complete: 'Completed',
  fail: 'Failed',
  retry: 'Retried',
  cancel: 'Cancelled',
  comment: 'Commented',
  assign: 'Assigned',
  task: 'Provisioning task started',
};

// The actions that have a button of their own; comments have their form.
const ACTIONS_WITH_BUTTONS: RequestDetails['actions'] = [
  'approve',
  'reject',
  'cancel',
  'retry',
  'assign',
  'complete',
  'fail',
];

function fulfilmentLabel(request: ServiceRequest): string {
  if (request.extendsGrantId) {
    return 'Moves the end of the access already held';
  }
  return request.fulfilment === 'automatic'
    ? 'Automatic, by the offering’s template'
    : 'By hand';
}

function Facts(props: { items: Array<[string, ReactNode | undefined]> }) {
  const classes = useStyles();
  return (
    <dl className={classes.facts}>
      {props.items
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([label, value]) => (
          <Box key={label} display="contents">
            <Typography variant="body2" component="dt">
              {label}
            </Typography>
            <Typography variant="body2" component="dd">
              {value}
            </Typography>
          </Box>
        ))}
    </dl>
  );
}

function Decision(props: { decision: ApprovalDecision }) {
  const { decision } = props;
  return (
    <li>
      <Typography variant="body2">
        <strong>
          {decision.decision === 'approve' ? 'Approved' : 'Rejected'}
        </strong>
        {' by '}
        <EntityRefLink entityRef={decision.decidedByRef} defaultKind="user" />
        {decision.decidedByRef !== decision.approverRef && (
          <>
            {' on behalf of '}
            <EntityRefLink
              entityRef={decision.approverRef}
              defaultKind="user"
            />
          </>
        )}
        {`, ${formatDateTime(decision.decidedAt)}`}
      </Typography>
      {decision.comment && (
        <Typography variant="body2" color="textSecondary">
          {decision.comment}
        </Typography>
      )}
    </li>
  );
}

function Stages(props: { stages: RequestApprovalStage[] }) {
  const classes = useStyles();
  if (props.stages.length === 0) {
    return <Typography variant="body2">No approval needed.</Typography>;
  }
  return (
    <ol className={classes.list} aria-label="Approval stages">
      {props.stages.map(stage => (
        <li key={stage.index}>
          <Box display="flex" alignItems="center" gridGap={8}>
            <Typography variant="subtitle1" component="h3">
              {`Stage ${stage.index + 1}`}
            </Typography>
            <Chip size="small" label={STAGE_STATUS_LABELS[stage.status]} />
          </Box>
          <Typography variant="body2" color="textSecondary">
            {policyLabel(stage.policy)}
          </Typography>
          <Typography variant="body2" component="div">
            {'Approvers: '}
            <EntityRefLinks entityRefs={stage.approvers} defaultKind="user" />
          </Typography>
          {stage.decisions.length > 0 && (
            <ul aria-label={`Decisions of stage ${stage.index + 1}`}>
              {stage.decisions.map(decision => (
                <Decision
                  key={`${decision.approverRef}-${decision.decidedAt}`}
                  decision={decision}
                />
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

function Timeline(props: { events: RequestEvent[] }) {
  const classes = useStyles();
  return (
    <ol className={classes.list} aria-label="Timeline">
      {props.events.map(event => (
        <li key={event.id}>
          <Typography variant="body2">
            <strong>{EVENT_LABELS[event.type] ?? event.type}</strong>
            {' by '}
            <EntityRefLink entityRef={event.actorRef} defaultKind="user" />
            {event.toState && event.fromState !== event.toState
              ? ` (${stateLabel(event.toState)})`
              : ''}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {formatDateTime(event.createdAt)}
          </Typography>
        </li>
      ))}
    </ol>
  );
}

function Comments(props: { details: RequestDetails; onAdded(): void }) {
  const { details, onAdded } = props;
  const classes = useStyles();
  const api = useApi(serviceCatalogueApiRef);
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const canComment = details.actions.includes('comment');

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.addComment(details.request.id, {
        body: body.trim(),
        visibility: internal && details.seesInternal ? 'internal' : 'external',
      });
      setBody('');
      setInternal(false);
      onAdded();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {details.comments.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No comments yet.
        </Typography>
      ) : (
        <ul className={classes.list} aria-label="Comments">
          {details.comments.map(comment => (
            <li
              key={comment.id}
              className={
                comment.visibility === 'internal' ? classes.internal : undefined
              }
            >
              <Box display="flex" alignItems="center" gridGap={8}>
                <Typography variant="subtitle2" component="span">
                  <EntityRefLink
                    entityRef={comment.authorRef}
                    defaultKind="user"
                  />
                </Typography>
                <Typography variant="caption" color="textSecondary">
                  {formatDateTime(comment.createdAt)}
                </Typography>
                {comment.visibility === 'internal' && (
                  <Chip size="small" label="Internal" />
                )}
              </Box>
              <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
                {comment.body}
              </Typography>
            </li>
          ))}
        </ul>
      )}
      {canComment && (
        <Box component="form" onSubmit={onSubmit} mt={2}>
          {error && (
            <Box mb={1}>
              <Alert severity="error">{`The comment was not added: ${errorMessage(
                error,
              )}`}</Alert>
            </Box>
          )}
          <TextField
            id="service-catalogue-comment"
            label="Comment"
            value={body}
            onChange={event => setBody(event.target.value)}
            multiline
            minRows={2}
            fullWidth
            variant="outlined"
          />
          <Box display="flex" alignItems="center" mt={1} gridGap={8}>
            {details.seesInternal && (
              <FormControlLabel
                control={
                  <Checkbox
                    checked={internal}
                    onChange={event => setInternal(event.target.checked)}
                  />
                }
                label="Internal (not shown to the requester)"
              />
            )}
            <Button
              type="submit"
              variant="contained"
              color="primary"
              disabled={busy || !body.trim()}
            >
              Add comment
            </Button>
          </Box>
        </Box>
      )}
    </>
  );
}

function RequestView(props: { details: RequestDetails; reload(): void }) {
  const { details, reload } = props;
  const { request, actions } = details;
  const classes = useStyles();
  const api = useApi(serviceCatalogueApiRef);
  const [decision, setDecision] = useState<'approve' | 'reject'>();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<Error>();
  const fulfilment = useFulfilment(reload);
  const taskRoute = useRouteRef(scaffolderTaskRouteRef);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await action();
      setDecision(undefined);
      reload();
    } catch (e) {
      setDecision(undefined);
      setActionError(e as Error);
      // A refusal often means the request moved on (409): show it as it is.
      reload();
    } finally {
      setBusy(false);
    }
  };

  const onCancel = () =>
    run(() =>
      // The version seen, so that a request that moved on in the meantime
      // is not cancelled blindly.
      api.cancelRequest(request.id, { expectedVersion: request.version }),
    );
  const onRetry = () => run(() => api.retryRequest(request.id));
  const onDecide = (comment: string | undefined) =>
    decision &&
    run(() =>
      api.decideRequest(request.id, {
        decision,
        comment,
        stageIndex: request.currentStage,
      }),
    );

  const formEntries = Object.entries(request.formValues);

  return (
    <PageLayout title={request.trackingNumber} subtitle={request.offeringTitle}>
      <Grid container spacing={3}>
        {request.extendsGrantId && (
          <Grid item xs={12}>
            {/* A note rather than an alert: it is read with the page, not
                announced as news. */}
            <Alert severity="info" role="note">
              <AlertTitle>More time for access already held</AlertTitle>
              <EntityRefLink
                entityRef={request.requesterRef}
                defaultKind="user"
              />
              {` holds ${request.offeringTitle} and asks to keep it longer. Once approved, the access ends later by the offering’s duration; nothing new is given.`}
            </Alert>
          </Grid>
        )}
        {actionError && (
          <Grid item xs={12}>
            <Alert severity="error">{errorMessage(actionError)}</Alert>
          </Grid>
        )}
        {fulfilment.error && (
          <Grid item xs={12}>
            <Alert severity="error" onClose={fulfilment.dismissError}>
              {errorMessage(fulfilment.error)}
            </Alert>
          </Grid>
        )}
        {request.state === 'FAILED' && request.failure && (
          <Grid item xs={12}>
            <Alert severity="error">
              <AlertTitle>
                {request.fulfilment === 'manual'
                  ? 'Fulfilment failed'
                  : 'Provisioning failed'}
              </AlertTitle>
              {request.failure.stepId
                ? `Step ${request.failure.stepId}: ${request.failure.message}`
                : request.failure.message}
            </Alert>
          </Grid>
        )}
        <Grid item xs={12} md={5}>
          <InfoCard title="Request">
            <Facts
              items={[
                ['State', <RequestStateChip state={request.state} />],
                ['Offering', request.offeringTitle],
                [
                  'For',
                  <EntityRefLink
                    entityRef={request.requesterRef}
                    defaultKind="user"
                  />,
                ],
                [
                  'Submitted by',
                  <EntityRefLink
                    entityRef={request.submittedByRef}
                    defaultKind="user"
                  />,
                ],
                ['Created', formatDateTime(request.createdAt)],
                ['Updated', formatDateTime(request.updatedAt)],
                [
                  'Due',
                  request.slaDueAt
                    ? formatDateTime(request.slaDueAt)
                    : undefined,
                ],
                ['Fulfilment', fulfilmentLabel(request)],
                [
                  'Provisioning task',
                  request.scaffolderTaskId && taskRoute ? (
                    <Link to={taskRoute({ taskId: request.scaffolderTaskId })}>
                      Open in the scaffolder
                    </Link>
                  ) : undefined,
                ],
                [
                  'Assignee',
                  request.assigneeRef ? (
                    <EntityRefLink
                      entityRef={request.assigneeRef}
                      defaultKind="user"
                    />
                  ) : undefined,
                ],
              ]}
            />
            {ACTIONS_WITH_BUTTONS.some(action => actions.includes(action)) && (
              <Box className={classes.actions} mt={2}>
                {actions.includes('approve') && (
                  <Button
                    variant="contained"
                    color="primary"
                    disabled={busy}
                    onClick={() => setDecision('approve')}
                  >
                    Approve
                  </Button>
                )}
                {actions.includes('reject') && (
                  <Button
                    variant="outlined"
                    color="secondary"
                    disabled={busy}
                    onClick={() => setDecision('reject')}
                  >
                    Reject
                  </Button>
                )}
                {actions.includes('cancel') && (
                  <Button variant="outlined" disabled={busy} onClick={onCancel}>
                    Cancel request
                  </Button>
                )}
                {actions.includes('retry') && (
                  <Button
                    variant="contained"
                    color="primary"
                    disabled={busy}
                    onClick={onRetry}
                  >
                    Retry provisioning
                  </Button>
                )}
                {actions.includes('assign') && (
                  <>
                    <Button
                      variant="contained"
                      color="primary"
                      disabled={busy || fulfilment.busy}
                      onClick={() => fulfilment.take(request)}
                    >
                      Take
                    </Button>
                    <Button
                      variant="outlined"
                      disabled={busy || fulfilment.busy}
                      onClick={() => fulfilment.open('assign', request)}
                    >
                      Assign to…
                    </Button>
                  </>
                )}
                {actions.includes('complete') && (
                  <Button
                    variant="contained"
                    color="primary"
                    disabled={busy || fulfilment.busy}
                    onClick={() => fulfilment.open('complete', request)}
                  >
                    Complete
                  </Button>
                )}
                {actions.includes('fail') && (
                  <Button
                    variant="outlined"
                    color="secondary"
                    disabled={busy || fulfilment.busy}
                    onClick={() => fulfilment.open('fail', request)}
                  >
                    Fail
                  </Button>
                )}
              </Box>
            )}
          </InfoCard>
          <Box mt={3}>
            <InfoCard title="Form">
              {formEntries.length === 0 ? (
                <Typography variant="body2">No values.</Typography>
              ) : (
                <Facts
                  items={formEntries.map(([key, value]) => [
                    key,
                    formatValue(value),
                  ])}
                />
              )}
            </InfoCard>
          </Box>
          {request.scaffolderTaskId && (
            <Box mt={3}>
              <InfoCard title="Task log">
                <TaskLog requestId={request.id} version={request.version} />
              </InfoCard>
            </Box>
          )}
        </Grid>
        <Grid item xs={12} md={7}>
          <InfoCard title="Approval">
            <Stages stages={request.stages} />
          </InfoCard>
          <Box mt={3}>
            <InfoCard title="Comments">
              <Comments details={details} onAdded={reload} />
            </InfoCard>
          </Box>
          <Box mt={3}>
            <InfoCard title="Timeline">
              <Timeline events={details.events} />
            </InfoCard>
          </Box>
        </Grid>
      </Grid>
      <DecisionDialog
        decision={decision}
        subject={request.trackingNumber}
        busy={busy}
        onConfirm={onDecide}
        onClose={() => setDecision(undefined)}
      />
      <FulfilmentDialogs fulfilment={fulfilment} />
    </PageLayout>
  );
}

/**
 * One request: its state, approval stages, history and comments, with what
 * the signed-in user may do to it.
 *
 * @internal
 */
export function RequestPage() {
  const { requestId = '' } = useParams();
  const api = useApi(serviceCatalogueApiRef);
  const { value, error, retry } = useAsyncRetry(
    () => api.getRequest(requestId),
    [api, requestId],
  );

  useRequestChanged(signal => {
    if (
      signal.requestId === value?.request.id ||
      signal.trackingNumber === requestId
    ) {
      retry();
    }
  });

  if (error) {
    return (
      <PageLayout title={requestId}>
        <ResponseErrorPanel error={error} />
      </PageLayout>
    );
  }
  // Kept on screen while the same request reloads, so that a refresh does
  // not flash; another request's page never shows, nor acts on, this one.
  const shown =
    value &&
    (value.request.id === requestId ||
      value.request.trackingNumber.toLocaleUpperCase('en-US') ===
        requestId.toLocaleUpperCase('en-US'))
      ? value
      : undefined;
  if (!shown) {
    return (
      <PageLayout title={requestId}>
        <Progress />
      </PageLayout>
    );
  }
  return <RequestView key={shown.request.id} details={shown} reload={retry} />;
}
