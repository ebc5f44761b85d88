import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { serviceCatalogueApiRef } from '../../api';
import { reviewCampaignRouteRef, reviewsRouteRef } from '../../routes';
import { CampaignProgress, formatDate, scopeLabel } from '../shared';

/** As many as a card holds; the Reviews page lists them all. */
const CAMPAIGNS_SHOWN = 20;

/**
 * The open access review campaigns the user may see and how far each has
 * come, linking to their reports. Not filtered by the page's period: a
 * campaign open now is open whatever the period.
 *
 * @internal
 */
export function ReviewCampaignsCard() {
  const api = useApi(serviceCatalogueApiRef);
  const campaignRoute = useRouteRef(reviewCampaignRouteRef);
  const reviewsRoute = useRouteRef(reviewsRouteRef);
  const { value, loading, error } = useAsync(
    () => api.listReviewCampaigns({ state: 'open', limit: CAMPAIGNS_SHOWN }),
    [api],
  );
  return (
    <InfoCard
      title="Access reviews"
      titleTypographyProps={{ component: 'h2' }}
      // The card shows the first few open campaigns; the tab has them all.
      deepLink={{ title: 'All campaigns', link: `${reviewsRoute()}/campaigns` }}
    >
      <Typography variant="body2" color="textSecondary" paragraph>
        Open review campaigns and how many of their lines were decided.
      </Typography>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && value.items.length === 0 && (
        <Typography variant="body2">No review campaign is open.</Typography>
      )}
      {value && value.items.length > 0 && (
        <List aria-label="Open review campaigns" dense disablePadding>
          {value.items.map(campaign => (
            <ListItem key={campaign.id} disableGutters divider>
              <div style={{ width: '100%' }}>
                <Link to={campaignRoute({ campaignId: campaign.id })}>
                  {campaign.title}
                </Link>
                <Typography variant="caption" color="textSecondary" paragraph>
                  {`${scopeLabel(campaign.scope)}; due ${formatDate(
                    campaign.deadlineAt,
                  )}`}
                </Typography>
                <CampaignProgress campaign={campaign} />
              </div>
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
