import { InfoCard } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import { BirthrightOf, GrantCells, sortGrants } from '../shared';
import { cardTitleProps } from './cardTitle';
import { SwapSource } from './SwapHoldersDialog';

/**
 * A holder's name as the revoke button and dialog say it.
 *
 * @internal
 */
export function holderName(grant: Grant): string {
  return humanizeEntityRef(parseEntityRef(grant.holderRef), {
    defaultKind: 'user',
  });
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

/**
 * Who holds access to the entity; for the offerings' owners, with ways to
 * revoke a grant and to move every holder of an offering to another.
 *
 * @internal
 */
export function HoldersCard(props: {
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
              <GrantCells grant={grant} review />
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
