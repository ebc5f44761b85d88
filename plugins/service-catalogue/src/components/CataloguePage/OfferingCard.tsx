import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  OfferingCategory,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import { formatApproximateDuration, formatDuration } from '../../lib/durations';
import { offeringRouteRef } from '../../routes';

const useStyles = makeStyles(
  theme => ({
    card: {
      display: 'flex',
      flexDirection: 'column',
      height: '100%',
    },
    content: {
      display: 'flex',
      flexDirection: 'column',
      gap: theme.spacing(1),
      flex: 1,
    },
    facts: {
      display: 'grid',
      gridTemplateColumns: 'auto 1fr',
      columnGap: theme.spacing(1),
      rowGap: theme.spacing(0.5),
      margin: 0,
      marginTop: 'auto',
      '& dt': {
        color: theme.palette.text.secondary,
      },
      '& dd': {
        margin: 0,
      },
    },
    chips: {
      display: 'flex',
      flexWrap: 'wrap',
      gap: theme.spacing(0.5),
      listStyle: 'none',
      margin: 0,
      padding: 0,
    },
  }),
  { name: 'ServiceCatalogueOfferingCard' },
);

/**
 * The label telling a lasting grant of access from a one-off delivery, such
 * as `Access · 90 days`.
 *
 * @internal
 */
export function kindLabel(offering: OfferingSummary): string {
  if (!offering.grant) {
    return 'One-off';
  }
  const duration = offering.grant.duration
    ? formatDuration(offering.grant.duration)
    : undefined;
  return duration ? `Access · ${duration}` : 'Access';
}

/**
 * One offering in the catalogue grid.
 *
 * @internal
 */
export function OfferingCard(props: {
  offering: OfferingSummary;
  /** The offering's category and those above it, outermost first. */
  categoryTrail: OfferingCategory[];
}) {
  const { offering, categoryTrail } = props;
  const classes = useStyles();
  const offeringRoute = useRouteRef(offeringRouteRef);
  const headingId = `service-catalogue-offering-${offering.namespace}-${offering.name}`;
  const breadcrumb =
    categoryTrail.length > 0
      ? categoryTrail.map(category => category.title).join(' › ')
      : // A category missing from config still tells the user something.
        offering.category;
  const delay = offering.estimatedDelay
    ? formatApproximateDuration(offering.estimatedDelay)
    : undefined;

  return (
    <Card
      component="article"
      aria-labelledby={headingId}
      data-testid="offering-card"
      className={classes.card}
    >
      <CardContent className={classes.content}>
        <Typography variant="h6" component="h2" id={headingId}>
          <Link
            to={offeringRoute({
              namespace: offering.namespace,
              name: offering.name,
            })}
          >
            {offering.title}
          </Link>
        </Typography>
        <Typography variant="caption" color="textSecondary" component="p">
          {breadcrumb}
        </Typography>
        {offering.description && (
          <Typography variant="body2">{offering.description}</Typography>
        )}
        <dl className={classes.facts}>
          <Typography variant="body2" component="dt">
            Owner
          </Typography>
          <Typography variant="body2" component="dd">
            <EntityRefLink entityRef={offering.owner} defaultKind="group" />
          </Typography>
          {delay && (
            <>
              <Typography variant="body2" component="dt">
                Estimated delay
              </Typography>
              <Typography variant="body2" component="dd">
                {delay}
              </Typography>
            </>
          )}
        </dl>
        <ul className={classes.chips} aria-label="Labels">
          <li>
            <Chip
              size="small"
              color={offering.grant ? 'primary' : 'default'}
              label={kindLabel(offering)}
            />
          </li>
          {offering.tags.map(tag => (
            <li key={tag}>
              <Chip size="small" variant="outlined" label={tag} />
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
