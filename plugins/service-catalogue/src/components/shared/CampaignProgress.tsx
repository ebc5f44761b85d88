import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { ReviewCampaign } from '@service-catalogue/plugin-service-catalogue-common';
import { decidedCount } from './reviews';

/**
 * How far a campaign has come: a bar of the lines decided, and the
 * numbers kept, revoked and still undecided.
 *
 * @internal
 */
export function CampaignProgress(props: { campaign: ReviewCampaign }) {
  const { campaign } = props;
  const { total, kept, revoked, undecided } = campaign.progress;
  const decided = decidedCount(campaign);
  return (
    <Box minWidth={160}>
      <LinearProgress
        variant="determinate"
        value={total ? (decided / total) * 100 : 100}
        aria-label={`${campaign.title}: ${decided} of ${total} decided`}
      />
      <Typography variant="caption" component="div">
        {`${decided} of ${total} decided`}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {`${kept} kept · ${revoked} revoked · ${undecided} undecided`}
      </Typography>
    </Box>
  );
}
