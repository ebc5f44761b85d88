import { PageTab, TabbedPage } from '../shared';
import { CampaignsTab } from './CampaignsTab';
import { ToReviewTab } from './ToReviewTab';

const TABS: PageTab[] = [
  { path: '/', label: 'To review', Panel: ToReviewTab },
  { path: '/campaigns', label: 'Campaigns', Panel: CampaignsTab },
];

/**
 * Access reviews: the lines waiting for the signed-in user's decision, and
 * the campaigns of the offerings they own.
 *
 * @internal
 */
export function ReviewsPage() {
  return <TabbedPage title="Reviews" tabs={TABS} />;
}
