import { DateTime } from 'luxon';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  Grant,
  OPEN_REQUEST_STATES,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useRequestChanged } from '../../hooks';
import {
  accessRouteRef,
  approvalsRouteRef,
  requestRouteRef,
  requestsRouteRef,
  reviewsRouteRef,
} from '../../routes';
import { formatAge, formatDate, lineName, stateLabel } from '../shared';
import { formatRelative } from '../shared/grants';
import { HomeCardSection } from './HomeCardSection';

/** How far ahead access counts as expiring soon. */
const EXPIRING_WITHIN_DAYS = 30;

/**
 * Props of the service catalogue's home page card.
 *
 * @public
 */
export type ServiceCatalogueHomeCardProps = {
  /** How many of each list the card shows; 3 unless said. */
  maxItems?: number;
};

function useRequestLink() {
  const requestRoute = useRouteRef(requestRouteRef);
  return (trackingNumber: string) =>
    requestRoute({ requestId: trackingNumber });
}

function Awaiting(props: { maxItems: number }) {
  const api = useApi(serviceCatalogueApiRef);
  const approvalsRoute = useRouteRef(approvalsRouteRef);
  const requestLink = useRequestLink();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listAwaitingApproval(),
    [api],
  );
  useRequestChanged(retry);
  return (
    <HomeCardSection
      title="Waiting for your decision"
      to={approvalsRoute()}
      linkLabel="All requests waiting for your decision"
      loading={loading}
      error={error}
      total={value?.totalCount}
      items={value?.items.slice(0, props.maxItems).map(request => ({
        key: request.id,
        primary: `${request.trackingNumber} ${request.offeringTitle}`,
        secondary: `For ${humanizeEntityRef(
          parseEntityRef(request.requesterRef),
          { defaultKind: 'user' },
        )}, ${formatAge(request.createdAt)}`,
        to: requestLink(request.trackingNumber),
      }))}
      empty="Nothing waits for your decision."
    />
  );
}

function OpenRequests(props: { maxItems: number }) {
  const api = useApi(serviceCatalogueApiRef);
  const requestsRoute = useRouteRef(requestsRouteRef);
  const requestLink = useRequestLink();
  const { maxItems } = props;
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.listRequests({
        state: [...OPEN_REQUEST_STATES],
        limit: maxItems,
        offset: 0,
      }),
    [api, maxItems],
  );
  useRequestChanged(retry);
  return (
    <HomeCardSection
      title="Your open requests"
      to={requestsRoute()}
      linkLabel="All your requests"
      loading={loading}
      error={error}
      total={value?.totalCount}
      items={value?.items.slice(0, maxItems).map(request => ({
        key: request.id,
        primary: `${request.trackingNumber} ${request.offeringTitle}`,
        secondary: `${stateLabel(request.state)}, updated ${formatAge(
          request.updatedAt,
        )}`,
        to: requestLink(request.trackingNumber),
      }))}
      empty="You have no open requests."
    />
  );
}

/** Active grants that end within the window, the soonest first. */
function expiringSoon(grants: Grant[], now: DateTime): Grant[] {
  const horizon = now.plus({ days: EXPIRING_WITHIN_DAYS });
  return grants
    .filter(
      grant =>
        grant.state === 'active' &&
        grant.expiresAt &&
        DateTime.fromISO(grant.expiresAt) <= horizon,
    )
    .sort((a, b) => a.expiresAt!.localeCompare(b.expiresAt!));
}

function ExpiringAccess(props: { maxItems: number }) {
  const api = useApi(serviceCatalogueApiRef);
  const accessRoute = useRouteRef(accessRouteRef);
  const requestLink = useRequestLink();
  const { value, loading, error, retry } = useAsyncRetry(
    async () => expiringSoon((await api.listMyGrants()).items, DateTime.now()),
    [api],
  );
  // A fulfilled extension moves a grant's end.
  useRequestChanged(retry);
  return (
    <HomeCardSection
      title={`Your access expiring within ${EXPIRING_WITHIN_DAYS} days`}
      to={accessRoute()}
      linkLabel="All your access"
      loading={loading}
      error={error}
      total={value?.length}
      items={value?.slice(0, props.maxItems).map(grant => ({
        key: grant.id,
        primary: grant.offeringTitle,
        secondary: `Expires ${formatRelative(grant.expiresAt!)}, ${formatDate(
          grant.expiresAt!,
        )}${grant.pendingExtension ? '; more time asked' : ''}`,
        to: grant.pendingExtension
          ? requestLink(grant.pendingExtension.trackingNumber)
          : accessRoute(),
      }))}
      empty={`None of your access expires within ${EXPIRING_WITHIN_DAYS} days.`}
    />
  );
}

function ToReview(props: { maxItems: number }) {
  const api = useApi(serviceCatalogueApiRef);
  const reviewsRoute = useRouteRef(reviewsRouteRef);
  // Not refreshed on useRequestChanged like the other sections: the backend
  // signals request changes to the requester, submitter and approvers only;
  // a campaign opening, a reminder or a line decided reaches its reviewers
  // as a notification, never as a signal, so that hook would not fire for
  // them. The section is current as of the page's load.
  const { value, loading } = useAsync(() => api.listReviewLines(), [api]);
  // Few people review access, and only while a campaign is open: the
  // others see no section, rather than one saying that nothing waits, nor
  // an error where the backend has no reviews yet.
  if (loading || !value?.items.length) {
    return null;
  }
  // The backend does not count lines; one page is as many as it shows.
  const count = `${value.items.length}${value.nextCursor ? '+' : ''}`;
  return (
    <HomeCardSection
      title="Waiting for your review"
      to={reviewsRoute()}
      linkLabel="All access waiting for your review"
      loading={false}
      total={count}
      items={value.items.slice(0, props.maxItems).map(line => ({
        key: line.id,
        primary: lineName(line),
        secondary: `${line.campaignTitle}, due ${formatDate(line.deadlineAt)}`,
        to: reviewsRoute(),
      }))}
      empty=""
    />
  );
}

/**
 * What waits for the signed-in user in the service catalogue: requests
 * waiting for their decision, access waiting for their review, their open
 * requests, and their access that expires soon, each linking to its page.
 *
 * @internal
 */
export function HomeCardContent(props: ServiceCatalogueHomeCardProps) {
  const maxItems = props.maxItems ?? 3;
  return (
    <>
      <Awaiting maxItems={maxItems} />
      <ToReview maxItems={maxItems} />
      <OpenRequests maxItems={maxItems} />
      <ExpiringAccess maxItems={maxItems} />
    </>
  );
}
