import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';
import { offeringRouteRef } from '../../routes';
import { cardTitleProps } from './cardTitle';

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

/**
 * The offerings that give access to the entity, each with a way to
 * request it.
 *
 * @internal
 */
export function OfferingsCard(props: { offerings: OfferingSummary[] }) {
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
