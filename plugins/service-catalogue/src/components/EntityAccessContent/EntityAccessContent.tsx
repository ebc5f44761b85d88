import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { getCompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  humanizeEntityRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EntityAccess,
  Grant,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useRequestChanged, useRevokeGrant } from '../../hooks';
import { offeringRouteRef, requestRouteRef } from '../../routes';
import {
  BirthrightOf,
  formatDate,
  formatDateTime,
  GrantExpiry,
  GrantReview,
  GrantStatus,
  offeringParams,
  RequestStateChip,
  ReasonDialog,
  sortGrants,
  GiveUpButton,
  GiveUpDialog,
} from '../shared';
import { SwapHoldersDialog, SwapSource } from './SwapHoldersDialog';

const useStyles = makeStyles(theme => ({
  offerings: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    '& > li': {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(2),
    },
    '& > li + li': {
      marginTop: theme.spacing(2),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
}));

// Card titles as headings, so that the tab can be read by its sections.
const cardTitleProps = { component: 'h2', variant: 'h5' } as const;

function holderName(grant: Grant): string {
  return humanizeEntityRef(parseEntityRef(grant.holderRef), {
    defaultKind: 'user',
  });
}

function Offerings(props: { offerings: OfferingSummary[] }) {
  const classes = useStyles();
  const offeringRoute = useRouteRef(offeringRouteRef);
  return (
    <InfoCard title="Offerings" titleTypographyProps={cardTitleProps}>
      <ul className={classes.offerings} aria-label="Offerings">
        {props.offerings.map(offering => {
          const to = offeringRoute({
            namespace: offering.namespace,
            name: offering.name,
          });
          return (
            <li key={offering.entityRef}>
              <Box flex={1}>
                <Typography variant="subtitle1" component="h3">
                  <Link to={to}>{offering.title}</Link>
                </Typography>
                {offering.description && (
                  <Typography variant="body2" color="textSecondary">
                    {offering.description}
                  </Typography>
                )}
              </Box>
              <Link to={to} aria-label={`Request ${offering.title}`}>
                Request
              </Link>
            </li>
          );
        })}
      </ul>
    </InfoCard>
  );
}

function YourAccess(props: {
  access: EntityAccess;
  onGiveUp(grant: Grant): void;
}) {
  const { access, onGiveUp } = props;
  const offeringRoute = useRouteRef(offeringRouteRef);
  const requestRoute = useRouteRef(requestRouteRef);

  if (access.myGrants.length === 0 && access.myRequests.length === 0) {
    return (
      <InfoCard title="Your access" titleTypographyProps={cardTitleProps}>
        <Typography variant="body2">
          You hold no access here through the service catalogue; request one of
          the offerings to get some.
        </Typography>
      </InfoCard>
    );
  }

  return (
    <InfoCard
      title="Your access"
      titleTypographyProps={cardTitleProps}
      noPadding
    >
      {access.myGrants.length > 0 && (
        <Table aria-label="Your grants" size="small">
          <TableHead>
            <TableRow>
              <TableCell>Offering</TableCell>
              <TableCell>Granted</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>State</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {sortGrants(access.myGrants).map(grant => (
              <TableRow key={grant.id}>
                <TableCell>
                  <Link to={offeringRoute(offeringParams(grant.offeringRef))}>
                    {grant.offeringTitle}
                  </Link>
                  <BirthrightOf grant={grant} />
                </TableCell>
                <TableCell title={formatDateTime(grant.grantedAt)}>
                  {formatDate(grant.grantedAt)}
                </TableCell>
                <TableCell>
                  <GrantExpiry grant={grant} />
                </TableCell>
                <TableCell>
                  <GrantStatus grant={grant} />
                </TableCell>
                <TableCell align="right">
                  <GiveUpButton grant={grant} onGiveUp={onGiveUp} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {access.myRequests.length > 0 && (
        <Table aria-label="Your open requests" size="small">
          <TableHead>
            <TableRow>
              <TableCell>Request</TableCell>
              <TableCell>Offering</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Created</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {access.myRequests.map(request => (
              <TableRow key={request.id}>
                <TableCell>
                  <Link
                    to={requestRoute({ requestId: request.trackingNumber })}
                  >
                    {request.trackingNumber}
                  </Link>
                </TableCell>
                <TableCell>{request.offeringTitle}</TableCell>
                <TableCell>
                  <RequestStateChip state={request.state} />
                </TableCell>
                <TableCell title={formatDateTime(request.createdAt)}>
                  {formatDate(request.createdAt)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/** The offerings with someone holding them now, in the order they came. */
function heldOfferings(holders: Grant[]): SwapSource[] {
  const held = new Map<string, SwapSource>();
  for (const grant of holders) {
    if (grant.state === 'active' && !held.has(grant.offeringRef)) {
      held.set(grant.offeringRef, {
        offeringRef: grant.offeringRef,
        title: grant.offeringTitle,
      });
    }
  }
  return [...held.values()];
}

function Holders(props: {
  holders: Grant[];
  canRevoke: boolean;
  onRevoke(grant: Grant): void;
  onMove(from: SwapSource): void;
}) {
  const { holders, canRevoke, onRevoke, onMove } = props;
  const movable = canRevoke ? heldOfferings(holders) : [];
  return (
    <InfoCard title="Holders" titleTypographyProps={cardTitleProps} noPadding>
      {movable.length > 0 && (
        <Box display="flex" flexWrap="wrap" gridGap={8} p={2}>
          {movable.map(from => (
            <Button
              key={from.offeringRef}
              size="small"
              variant="outlined"
              aria-label={`Move all holders of ${from.title}`}
              onClick={() => onMove(from)}
            >
              {`Move all holders of ${from.title}…`}
            </Button>
          ))}
        </Box>
      )}
      <Table aria-label="Holders" size="small">
        <TableHead>
          <TableRow>
            <TableCell>Holder</TableCell>
            <TableCell>Offering</TableCell>
            <TableCell>Granted</TableCell>
            <TableCell>Expires</TableCell>
            <TableCell>State</TableCell>
            {canRevoke && <TableCell />}
          </TableRow>
        </TableHead>
        <TableBody>
          {sortGrants(holders).map(grant => (
            <TableRow key={grant.id}>
              <TableCell>
                <EntityRefLink entityRef={grant.holderRef} defaultKind="user" />
              </TableCell>
              <TableCell>
                {grant.offeringTitle}
                <BirthrightOf grant={grant} />
              </TableCell>
              <TableCell title={formatDateTime(grant.grantedAt)}>
                {formatDate(grant.grantedAt)}
              </TableCell>
              <TableCell>
                <GrantExpiry grant={grant} />
              </TableCell>
              <TableCell>
                <GrantStatus grant={grant} />
                <GrantReview grant={grant} />
              </TableCell>
              {canRevoke && (
                <TableCell align="right">
                  {grant.state === 'active' && (
                    <Button
                      size="small"
                      variant="outlined"
                      color="secondary"
                      aria-label={`Revoke ${holderName(grant)} from ${
                        grant.offeringTitle
                      }`}
                      onClick={() => onRevoke(grant)}
                    >
                      Revoke
                    </Button>
                  )}
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

/**
 * The Access tab of a catalog entity: the offerings that give access to it,
 * the viewer's own access and requests, and, for the offerings' owners, who
 * holds access, which grants need a look, and ways to revoke one or to move
 * every holder of an offering to another.
 *
 * @internal
 */
export function EntityAccessContent() {
  const { entity } = useEntity();
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const api = useApi(serviceCatalogueApiRef);
  const { value, error, retry } = useAsyncRetry(
    () => api.getEntityAccess({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
  // Requests for these offerings show here, and their fulfilment grants
  // access.
  useRequestChanged(retry);
  const giveUp = useRevokeGrant(retry, 'The access was not given up');
  const revoke = useRevokeGrant(retry, 'The access was not revoked');
  const [moving, setMoving] = useState<SwapSource>();

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return <Progress />;
  }
  if (value.offerings.length === 0) {
    return (
      <EmptyState
        missing="info"
        title="No offering of the service catalogue gives access to this entity."
        description="An offering gives access to an entity when its spec.target names it."
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <Offerings offerings={value.offerings} />
      </Grid>
      <Grid item xs={12} md={6}>
        <YourAccess access={value} onGiveUp={giveUp.confirm} />
      </Grid>
      {value.holders.length > 0 && (
        <Grid item xs={12}>
          <Holders
            holders={value.holders}
            canRevoke={value.canRevoke}
            onRevoke={revoke.confirm}
            onMove={setMoving}
          />
        </Grid>
      )}
      <GiveUpDialog giveUp={giveUp} />
      <ReasonDialog
        open={Boolean(revoke.grant)}
        title="Revoke access?"
        description={
          revoke.grant
            ? `${holderName(revoke.grant)} loses ${
                revoke.grant.offeringTitle
              }, and is told your reason.`
            : ''
        }
        label="Reason"
        minRows={2}
        confirmLabel="Revoke"
        confirmColor="secondary"
        busy={revoke.busy}
        onConfirm={revoke.revoke}
        onClose={revoke.cancel}
      />
      <SwapHoldersDialog
        from={moving}
        onSwapped={retry}
        onClose={() => setMoving(undefined)}
      />
    </Grid>
  );
}
