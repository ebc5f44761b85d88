import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { RequestEvent } from '@service-catalogue/plugin-service-catalogue-common';
import { formatDateTime, stateLabel } from '../shared';
import { useListStyles } from './styles';

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
  'sla-warn': 'SLA warning sent',
  'sla-breach': 'SLA breached',
  'stage-remind': 'Approvers reminded',
  'stage-escalate': 'Stage escalated',
};

/**
 * What happened to a request, who did it, and when.
 *
 * @internal
 */
export function Timeline(props: { events: RequestEvent[] }) {
  const classes = useListStyles();
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
