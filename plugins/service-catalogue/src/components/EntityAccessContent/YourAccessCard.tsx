import { InfoCard } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  EntityAccess,
  Grant,
} from '@service-catalogue/plugin-service-catalogue-common';
import {
  GiveUpButton,
  GrantCells,
  GrantOffering,
  RequestTable,
  requestColumns,
  sortGrants,
} from '../shared';
import { cardTitleProps } from './cardTitle';

/**
 * The viewer's own grants on the entity and their open requests for it.
 *
 * @internal
 */
export function YourAccessCard(props: {
  access: EntityAccess;
  onGiveUp(grant: Grant): void;
}) {
  const { access, onGiveUp } = props;

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
                  <GrantOffering grant={grant} />
                </TableCell>
                <GrantCells grant={grant} />
                <TableCell align="right">
                  <GiveUpButton grant={grant} onGiveUp={onGiveUp} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {access.myRequests.length > 0 && (
        <RequestTable
          title="Your open requests"
          columns={[
            requestColumns.trackingNumber(),
            requestColumns.offering(),
            requestColumns.state(),
            requestColumns.created(),
          ]}
          rows={access.myRequests}
          empty={{ title: 'No open requests', description: '' }}
        />
      )}
    </InfoCard>
  );
}
