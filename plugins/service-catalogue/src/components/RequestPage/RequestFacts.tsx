import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { scaffolderTaskRouteRef } from '../../routes';
import { formatDateTime, RequestStateChip, SlaDue } from '../shared';
import { Facts } from '../shared';

function fulfilmentLabel(request: ServiceRequest): string {
  if (request.extendsGrantId) {
    return 'Moves the end of the access already held';
  }
  return request.fulfilment === 'automatic'
    ? 'Automatic, by the offering’s template'
    : 'By hand';
}

/** Business minutes as people say them, such as `2 h 05 min`. */
function businessTime(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = String(minutes % 60).padStart(hours ? 2 : 1, '0');
  return hours ? `${hours} h ${rest} min` : `${rest} min`;
}

function slaSummary(request: ServiceRequest): string | undefined {
  const { sla } = request;
  if (!sla) {
    return undefined;
  }
  if (sla.met === undefined) {
    return sla.policyTitle;
  }
  const taken =
    sla.businessMinutes !== undefined
      ? `, in ${businessTime(sla.businessMinutes)} of business time`
      : '';
  return `${sla.policyTitle}: ${sla.met ? 'met' : 'missed'}${taken}`;
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
        ['SLA', slaSummary(request)],
        ['Due', request.sla ? <SlaDue request={request} /> : undefined],
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
