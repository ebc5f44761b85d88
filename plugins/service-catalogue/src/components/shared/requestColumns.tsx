import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { requestRouteRef } from '../../routes';
import { formatAge, formatDateTime } from './format';
import { RequestStateChip } from './RequestStateChip';
import { RequestColumn } from './RequestTable';
import { SlaDue } from './SlaDue';

function TrackingLink(props: { request: ServiceRequest }) {
  const requestRoute = useRouteRef(requestRouteRef);
  const { trackingNumber } = props.request;
  return (
    <Link to={requestRoute({ requestId: trackingNumber })}>
      {trackingNumber}
    </Link>
  );
}

/**
 * The columns the request lists share, each a function so that a page
 * picks its heading where the lists word it differently.
 *
 * @internal
 */
export const requestColumns = {
  trackingNumber: (): RequestColumn => ({
    title: 'Tracking number',
    render: request => <TrackingLink request={request} />,
  }),
  offering: (options: { extension?: boolean } = {}): RequestColumn => ({
    title: 'Offering',
    render: request => (
      <>
        {request.offeringTitle}
        {options.extension && request.extendsGrantId && (
          <Typography variant="caption" color="textSecondary" display="block">
            More time for access already held
          </Typography>
        )}
      </>
    ),
  }),
  requester: (
    title: string,
    options: { submittedBy?: boolean } = {},
  ): RequestColumn => ({
    title,
    render: request => (
      <>
        <EntityRefLink entityRef={request.requesterRef} defaultKind="user" />
        {options.submittedBy &&
          request.submittedByRef !== request.requesterRef && (
            <Typography variant="caption" component="div" color="textSecondary">
              {'Submitted by '}
              <EntityRefLink
                entityRef={request.submittedByRef}
                defaultKind="user"
              />
            </Typography>
          )}
      </>
    ),
  }),
  state: (title = 'State'): RequestColumn => ({
    title,
    render: request => <RequestStateChip state={request.state} />,
  }),
  assignee: (): RequestColumn => ({
    title: 'Assignee',
    render: request =>
      request.assigneeRef ? (
        <EntityRefLink entityRef={request.assigneeRef} defaultKind="user" />
      ) : (
        '—'
      ),
  }),
  /** The SLA's due time that counts now, the time left, or breached. */
  due: (): RequestColumn => ({
    title: 'Due',
    render: request => <SlaDue request={request} />,
  }),
  /** When the request was made, as a date. */
  created: (): RequestColumn => ({
    title: 'Created',
    render: request => formatDateTime(request.createdAt),
  }),
  /** How long ago something happened, the date on hover. */
  age: (
    title: string,
    at: (request: ServiceRequest) => string,
  ): RequestColumn => ({
    title,
    render: request => (
      <span title={formatDateTime(at(request))}>{formatAge(at(request))}</span>
    ),
  }),
};
