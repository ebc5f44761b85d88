import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  OfferingRequestMode,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import { formatApproximateDuration } from '../../lib/durations';
import { Facts } from '../shared';

const REQUEST_MODE_LABELS: Record<OfferingRequestMode, string> = {
  'self-service': 'Self-service',
  delegated: 'On your own behalf or for a colleague',
  desk: 'Through the service desk, for anyone',
};

/**
 * What an offering is: where it is filed, who owns it, how long it takes
 * and how it is requested.
 *
 * @internal
 */
export function AboutCard(props: {
  offering: OfferingSummary;
  /** The category's trail of titles. */
  category: string;
}) {
  const { offering, category } = props;
  return (
    <InfoCard title="About">
      <Facts
        items={[
          ['Category', category],
          [
            'Owner',
            <EntityRefLink entityRef={offering.owner} defaultKind="group" />,
          ],
          [
            'Estimated delay',
            offering.estimatedDelay
              ? formatApproximateDuration(offering.estimatedDelay)
              : undefined,
          ],
          ['SLA', offering.sla],
          [
            'Request mode',
            REQUEST_MODE_LABELS[offering.requestMode] ?? offering.requestMode,
          ],
        ]}
      />
    </InfoCard>
  );
}
