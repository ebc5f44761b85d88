import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  RequestSla,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { formatDateTime } from './format';
import { SlaDue } from './SlaDue';

const now = new Date('2026-12-01T12:00:00Z');

// Only the SLA decides what the Due column shows.
const withSla = (sla: Partial<RequestSla>) =>
  ({
    id: 'r1',
    trackingNumber: 'REQ-000001',
    sla: { policyId: 'standard', policyTitle: 'Standard', ...sla },
  } as ServiceRequest);

describe('SlaDue', () => {
  it('marks an open request whose response came late as breached, naming the response', async () => {
    await renderInTestApp(
      <SlaDue
        now={now}
        request={withSla({
          responseDueAt: '2026-12-01T10:00:00Z',
          respondedAt: '2026-12-01T11:00:00Z',
          resolutionDueAt: '2026-12-01T17:00:00Z',
        })}
      />,
    );
    expect(screen.getByText('Breached')).toBeInTheDocument();
    expect(
      screen.getByText(
        `response was due ${formatDateTime('2026-12-01T10:00:00Z')}`,
      ),
    ).toBeInTheDocument();
  });

  it('marks a response the job found missed as breached', async () => {
    await renderInTestApp(
      <SlaDue
        now={now}
        request={withSla({
          responseDueAt: '2026-12-01T10:00:00Z',
          responseBreachedAt: '2026-12-01T10:01:00Z',
          respondedAt: '2026-12-01T10:00:00Z',
          resolutionDueAt: '2026-12-01T17:00:00Z',
        })}
      />,
    );
    expect(screen.getByText('Breached')).toBeInTheDocument();
  });

  it('shows the resolution due time once a response came in time', async () => {
    await renderInTestApp(
      <SlaDue
        now={now}
        request={withSla({
          responseDueAt: '2026-12-01T10:00:00Z',
          respondedAt: '2026-12-01T09:30:00Z',
          resolutionDueAt: '2026-12-01T17:00:00Z',
        })}
      />,
    );
    expect(screen.queryByText('Breached')).not.toBeInTheDocument();
    expect(
      screen.getByText(formatDateTime('2026-12-01T17:00:00Z')),
    ).toBeInTheDocument();
  });
});
