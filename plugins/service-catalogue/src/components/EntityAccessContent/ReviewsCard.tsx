import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { useReviewLines } from '../../hooks';
import { ReviewLinesTable } from '../shared';
import { cardTitleProps } from './cardTitle';

/**
 * The access review lines for the entity that wait for the viewer's
 * decision, to keep or revoke as on the Reviews page. Shown only to those
 * with lines to review; once shown it stays, so that the outcome of the
 * last decision does not vanish with the lines.
 *
 * @internal
 */
export function ReviewsCard(props: { targetRef: string }) {
  const { table, retry } = useReviewLines({ targetRef: props.targetRef });
  const [shown, setShown] = useState(false);
  if (!shown && table.rows && table.rows.length > 0) {
    setShown(true);
  }
  if (!shown) {
    return null;
  }
  return (
    <Grid item xs={12}>
      <InfoCard title="Reviews" titleTypographyProps={cardTitleProps}>
        <ReviewLinesTable
          title="Lines to review"
          list={table}
          onDecided={retry}
          hideTarget
          empty={{
            title: 'Nothing left to review',
            description:
              'Every line for this entity that waited for you is decided.',
          }}
        />
      </InfoCard>
    </Grid>
  );
}
