import { useApi } from '@backstage/core-plugin-api';
import {
  ApprovalDecision,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useCursorPages, useUserRef } from '../../hooks';
import {
  formatDateTime,
  RequestColumn,
  requestColumns,
  RequestTable,
} from '../shared';

function myDecision(
  request: ServiceRequest,
  userRef: string | undefined,
): ApprovalDecision | undefined {
  const decisions = request.stages.flatMap(stage => stage.decisions);
  return (
    decisions.find(d => d.decidedByRef === userRef) ??
    decisions.find(d => d.approverRef === userRef)
  );
}

function decisionColumns(userRef: string | undefined): RequestColumn[] {
  const column = (
    title: string,
    render: (decision: ApprovalDecision) => string | undefined,
  ): RequestColumn => ({
    title,
    render: request => {
      const decision = myDecision(request, userRef);
      return decision && render(decision);
    },
  });
  return [
    column('My decision', d =>
      d.decision === 'approve' ? 'Approved' : 'Rejected',
    ),
    column('Comment', d => d.comment),
    column('Decided', d => formatDateTime(d.decidedAt)),
  ];
}

/**
 * The requests the signed-in user decided on, with their decision and
 * where each request stands now.
 *
 * @internal
 */
export function DecidedTab() {
  const api = useApi(serviceCatalogueApiRef);
  const userRef = useUserRef();
  const { table } = useCursorPages(page => api.listDecided(page));

  return (
    <RequestTable
      title="Decided"
      columns={[
        requestColumns.trackingNumber(),
        requestColumns.requester('Requester'),
        requestColumns.offering({ extension: true }),
        ...decisionColumns(userRef),
        requestColumns.state('State now'),
      ]}
      {...table}
      empty={{
        title: 'No decisions yet',
        description: 'Requests you approved or rejected appear here.',
      }}
    />
  );
}
