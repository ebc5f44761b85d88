export { ReviewsPage } from './ReviewsPage';
export { ReviewCampaignPage } from './ReviewCampaignPage';
