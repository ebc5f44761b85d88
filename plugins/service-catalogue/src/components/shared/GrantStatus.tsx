import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import TableCell from '@material-ui/core/TableCell';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import WarningIcon from '@material-ui/icons/Warning';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import { useRevokeGrant } from '../../hooks';
import { offeringRouteRef } from '../../routes';
import { formatDateTime } from './format';
import {
  endReasonLabel,
  formatDate,
  offeringParams,
  formatRelative,
  grantStateLabel,
} from './grants';
import { ReasonDialog } from './ReasonDialog';

/**
 * A grant's state as a chip, with why and when it ended, or why its
 * revocation failed.
 *
 * @internal
 */
export function GrantStatus(props: { grant: Grant }) {
  const { grant } = props;
  return (
    <Box display="flex" flexDirection="column" alignItems="flex-start">
      <Chip
        size="small"
        label={grantStateLabel(grant.state)}
        color={grant.state === 'active' ? 'primary' : 'default'}
        variant={grant.state === 'ended' ? 'default' : 'outlined'}
      />
      {grant.state === 'ended' && (grant.endReason || grant.endedAt) && (
        <Typography variant="caption" color="textSecondary">
          {[
            grant.endReason && endReasonLabel(grant.endReason),
            grant.endedAt && formatDateTime(grant.endedAt),
          ]
            .filter(Boolean)
            .join(', ')}
        </Typography>
      )}
      {grant.state === 'revoking' && grant.failure && (
        <Typography variant="caption" color="error">
          {`Revocation failed: ${
            grant.failure.stepId
              ? `step ${grant.failure.stepId}: ${grant.failure.message}`
              : grant.failure.message
          }`}
        </Typography>
      )}
    </Box>
  );
}

/**
 * When a grant ends on its own: the date, and how far off it is.
 *
 * @internal
 */
export function GrantExpiry(props: { grant: Grant }) {
  const { state, expiresAt } = props.grant;
  // An ended grant no longer expires; its state says when it ended.
  if (state === 'ended') {
    return <>—</>;
  }
  if (!expiresAt) {
    return <>Never</>;
  }
  return (
    <Box
      display="flex"
      flexDirection="column"
      title={formatDateTime(expiresAt)}
    >
      <span>{formatDate(expiresAt)}</span>
      <Typography variant="caption" color="textSecondary">
        {formatRelative(expiresAt)}
      </Typography>
    </Box>
  );
}

/**
 * Gives up one's own active grant; nothing for one that is ending or ended.
 *
 * @internal
 */
export function GiveUpButton(props: {
  grant: Grant;
  onGiveUp(grant: Grant): void;
}) {
  const { grant, onGiveUp } = props;
  if (grant.state !== 'active') {
    return null;
  }
  return (
    <Button
      size="small"
      variant="outlined"
      aria-label={`Give up ${grant.offeringTitle}`}
      onClick={() => onGiveUp(grant)}
    >
      Give up
    </Button>
  );
}

/**
 * The cells every list of grants shows: when the grant was given, when it
 * ends, and where it stands (with, for its owners, whether it needs a
 * look).
 *
 * @internal
 */
export function GrantCells(props: { grant: Grant; review?: boolean }) {
  const { grant, review } = props;
  return (
    <>
      <TableCell title={formatDateTime(grant.grantedAt)}>
        {formatDate(grant.grantedAt)}
      </TableCell>
      <TableCell>
        <GrantExpiry grant={grant} />
      </TableCell>
      <TableCell>
        <GrantStatus grant={grant} />
        {review && <GrantReview grant={grant} />}
      </TableCell>
    </>
  );
}

/**
 * An offering's title linking to its page, and the group that gives the
 * grant as a birthright.
 *
 * @internal
 */
export function GrantOffering(props: { grant: Grant }) {
  const { grant } = props;
  const offeringRoute = useRouteRef(offeringRouteRef);
  return (
    <>
      <Link to={offeringRoute(offeringParams(grant.offeringRef))}>
        {grant.offeringTitle}
      </Link>
      <BirthrightOf grant={grant} />
    </>
  );
}

/**
 * Asks for an optional reason before the signed-in user gives up their
 * own access.
 *
 * @internal
 */
export function GiveUpDialog(props: {
  giveUp: ReturnType<typeof useRevokeGrant>;
}) {
  const { grant, busy, revoke, cancel } = props.giveUp;
  return (
    <ReasonDialog
      open={Boolean(grant)}
      title={grant ? `Give up ${grant.offeringTitle}?` : ''}
      description="Your access is removed. To get it back, request the offering again."
      label="Reason"
      minRows={2}
      confirmLabel="Give up"
      confirmColor="secondary"
      busy={busy}
      onConfirm={revoke}
      onClose={cancel}
    />
  );
}

/**
 * Says which group gives a grant as a birthright; nothing for a grant
 * someone asked for.
 *
 * @internal
 */
export function BirthrightOf(props: { grant: Grant }) {
  const { birthrightGroupRef } = props.grant;
  if (!birthrightGroupRef) {
    return null;
  }
  return (
    <Typography variant="caption" color="textSecondary" display="block">
      {'Birthright of '}
      <EntityRefLink entityRef={birthrightGroupRef} defaultKind="group" />
    </Typography>
  );
}

const useReviewStyles = makeStyles(theme => ({
  chip: {
    borderColor: theme.palette.warning.main,
    color: theme.palette.text.primary,
    height: 'auto',
    maxWidth: '100%',
  },
  label: {
    whiteSpace: 'normal',
    paddingTop: theme.spacing(0.5),
    paddingBottom: theme.spacing(0.5),
  },
  icon: {
    color: theme.palette.warning.main,
  },
}));

/**
 * Why the owners should look at a grant, and since when; nothing for a
 * grant that is not flagged.
 *
 * @internal
 */
export function GrantReview(props: { grant: Grant }) {
  const { review } = props.grant;
  const classes = useReviewStyles();
  if (!review) {
    return null;
  }
  return (
    <Box display="flex" flexDirection="column" alignItems="flex-start" mt={1}>
      <Chip
        size="small"
        variant="outlined"
        icon={<WarningIcon />}
        label={`Review: ${review.reason}`}
        classes={{
          root: classes.chip,
          label: classes.label,
          icon: classes.icon,
        }}
      />
      <Typography
        variant="caption"
        color="textSecondary"
        title={formatDateTime(review.flaggedAt)}
      >
        {`Flagged ${formatDate(review.flaggedAt)}`}
      </Typography>
    </Box>
  );
}
