import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { DateTime } from 'luxon';
import { formatDateTime } from './format';

const useStyles = makeStyles(theme => ({
  breached: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
}));

/**
 * Where a request stands against its SLA: the due time that counts now
 * (the response while nobody acted yet and it is the earlier, otherwise the
 * resolution), and whether a due time was missed. Once the request ended,
 * what was recorded then.
 *
 * @internal
 */
export function slaStanding(
  request: ServiceRequest,
  now: Date = new Date(),
):
  | {
      dueAt?: string;
      target: 'response' | 'resolution';
      breached: boolean;
      ended: boolean;
    }
  | undefined {
  const { sla } = request;
  if (!sla) {
    return undefined;
  }
  if (sla.endedAt) {
    return {
      dueAt: sla.resolutionDueAt,
      target: 'resolution',
      breached: sla.met === false,
      ended: true,
    };
  }
  const past = (due?: string) =>
    due !== undefined && new Date(due).getTime() < now.getTime();
  const awaitsResponse = !sla.respondedAt && sla.responseDueAt !== undefined;
  // A response that came late stays a missed target after it came.
  const responseMissed =
    (awaitsResponse && past(sla.responseDueAt)) ||
    sla.responseBreachedAt !== undefined ||
    (sla.respondedAt !== undefined &&
      sla.responseDueAt !== undefined &&
      new Date(sla.respondedAt).getTime() >
        new Date(sla.responseDueAt).getTime());
  if (past(sla.resolutionDueAt)) {
    return {
      dueAt: sla.resolutionDueAt,
      target: 'resolution',
      breached: true,
      ended: false,
    };
  }
  if (responseMissed) {
    return {
      dueAt: sla.responseDueAt,
      target: 'response',
      breached: true,
      ended: false,
    };
  }
  const responseFirst =
    awaitsResponse &&
    (!sla.resolutionDueAt ||
      new Date(sla.responseDueAt!).getTime() <=
        new Date(sla.resolutionDueAt).getTime());
  return {
    dueAt: responseFirst ? sla.responseDueAt : sla.resolutionDueAt,
    target: responseFirst ? 'response' : 'resolution',
    breached: false,
    ended: false,
  };
}

/**
 * A clear mark for a request past a due time of its SLA.
 *
 * @internal
 */
export function BreachedChip() {
  const classes = useStyles();
  return <Chip size="small" label="Breached" className={classes.breached} />;
}

/**
 * A request's due time with the time left, or the breached mark; a dash
 * without an SLA.
 *
 * @internal
 */
export function SlaDue(props: { request: ServiceRequest; now?: Date }) {
  const standing = slaStanding(props.request, props.now);
  if (!standing?.dueAt) {
    return <>—</>;
  }
  const due = formatDateTime(standing.dueAt);
  if (standing.breached) {
    return (
      <span title={`Due ${due}`}>
        <BreachedChip />
        <Typography variant="caption" color="textSecondary" display="block">
          {standing.ended
            ? `was due ${due}`
            : `${standing.target} was due ${due}`}
        </Typography>
      </span>
    );
  }
  if (standing.ended) {
    return <span title="SLA met">{due}</span>;
  }
  const left = DateTime.fromISO(standing.dueAt).toRelative({
    base: props.now ? DateTime.fromJSDate(props.now) : undefined,
  });
  return (
    <span>
      {due}
      <Typography variant="caption" color="textSecondary" display="block">
        {standing.target === 'response' ? `response ${left}` : left}
      </Typography>
    </span>
  );
}
