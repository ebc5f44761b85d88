import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { scaffolderTaskRouteRef } from '../../routes';
import { formatDateTime, RequestStateChip } from '../shared';
import { Facts } from '../shared';

function fulfilmentLabel(request: ServiceRequest): string {
  if (request.extendsGrantId) {
    return 'Moves the end of the access already held';
  }
  return request.fulfilment === 'automatic'
    ? 'Automatic, by the offering’s template'
    : 'By hand';
}

/**
 * Who a request is for, where it stands, and who works on it.
 *
 * @internal
 */
export function RequestFacts(props: { request: ServiceRequest }) {
  const { request } = props;
  const taskRoute = useRouteRef(scaffolderTaskRouteRef);
  return (
    <Facts
      items={[
        ['State', <RequestStateChip state={request.state} />],
        ['Offering', request.offeringTitle],
        [
          'For',
          <EntityRefLink entityRef={request.requesterRef} defaultKind="user" />,
        ],
        [
          'Submitted by',
          <EntityRefLink
            entityRef={request.submittedByRef}
            defaultKind="user"
          />,
        ],
        ['Created', formatDateTime(request.createdAt)],
        ['Updated', formatDateTime(request.updatedAt)],
        [
          'Due',
          request.slaDueAt ? formatDateTime(request.slaDueAt) : undefined,
        ],
        ['Fulfilment', fulfilmentLabel(request)],
        [
          'Provisioning task',
          request.scaffolderTaskId && taskRoute ? (
            <Link to={taskRoute({ taskId: request.scaffolderTaskId })}>
              Open in the scaffolder
            </Link>
          ) : undefined,
        ],
        [
          'Assignee',
          request.assigneeRef ? (
            <EntityRefLink entityRef={request.assigneeRef} defaultKind="user" />
          ) : undefined,
        ],
      ]}
    />
  );
}
