import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import {
  ApprovalDecision,
  ApprovalStageStatus,
  RequestApprovalStage,
} from '@service-catalogue/plugin-service-catalogue-common';
import { formatDateTime, policyLabel } from '../shared';
import { useListStyles } from './styles';

const STAGE_STATUS_LABELS: Record<ApprovalStageStatus, string> = {
  waiting: 'Waiting',
  active: 'Waiting for decisions',
  approved: 'Approved',
  rejected: 'Rejected',
  skipped: 'Skipped',
};

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

/** When an open stage times out and what happens then, or that it did. */
function StageDeadline(props: { stage: RequestApprovalStage }) {
  const { stage } = props;
  if (!stage.deadlineAt) {
    return null;
  }
  const then =
    stage.onTimeout === 'reject' ? 'the request is rejected' : 'it escalates';
  let text: string | undefined;
  if (stage.timedOutAt) {
    text = `Timed out ${formatDateTime(stage.timedOutAt)}: ${
      stage.onTimeout === 'reject' ? 'rejected' : 'escalated'
    }`;
  } else if (stage.status === 'active') {
    text = `Decide by ${formatDateTime(stage.deadlineAt)}, or ${then}`;
  }
  return text ? (
    <Typography variant="body2" color="textSecondary">
      {text}
    </Typography>
  ) : null;
}

/**
 * A request's approval stages, their approvers and the decisions taken.
 *
 * @internal
 */
export function ApprovalStages(props: { stages: RequestApprovalStage[] }) {
  const classes = useListStyles();
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
          <StageDeadline stage={stage} />
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
