import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { SidebarItem } from '@backstage/core-components';
import { IconComponent, useApi, useRouteRef } from '@backstage/core-plugin-api';
import Badge from '@material-ui/core/Badge';
import AssignmentIcon from '@material-ui/icons/Assignment';
import CheckCircleOutlineIcon from '@material-ui/icons/CheckCircleOutline';
import HeadsetMicIcon from '@material-ui/icons/HeadsetMic';
import BarChartIcon from '@material-ui/icons/BarChart';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import RateReviewIcon from '@material-ui/icons/RateReview';
import { serviceCatalogueApiRef } from '../../api';
import { useRequestChanged } from '../../hooks';
import {
  accessRouteRef,
  approvalsRouteRef,
  deskRouteRef,
  reportsRouteRef,
  requestsRouteRef,
  reviewsRouteRef,
} from '../../routes';

/**
 * Props of {@link ApprovalsSidebarItem}.
 *
 * @public
 */
export type ApprovalsSidebarItemProps = {
  /** Defaults to `Approvals`. */
  text?: string;
  icon?: IconComponent;
};

/**
 * A sidebar item linking to the approvals page, with the number of requests
 * waiting for the signed-in user's decision. The number follows the
 * backend's signals.
 *
 * @public
 */
export function ApprovalsSidebarItem(props: ApprovalsSidebarItemProps) {
  const { text = 'Approvals', icon: Icon = CheckCircleOutlineIcon } = props;
  const api = useApi(serviceCatalogueApiRef);
  const approvalsRoute = useRouteRef(approvalsRouteRef);
  const { value, retry } = useAsyncRetry(
    // Only the count: one request is the smallest page.
    () => api.listAwaitingApproval({ limit: 1 }),
    [api],
  );
  useRequestChanged(retry);

  // A failed count is left out rather than shown as zero, which would
  // claim that nothing waits.
  const count = value?.totalCount ?? 0;
  const label = count === 1 ? '1 waiting' : `${count} waiting`;

  return (
    <SidebarItem
      to={approvalsRoute()}
      text={text}
      hasNotifications={count > 0}
      icon={() => (
        <Badge
          badgeContent={count}
          color="secondary"
          max={99}
          overlap="rectangular"
          aria-label={count > 0 ? label : undefined}
        >
          <Icon />
        </Badge>
      )}
    />
  );
}

/**
 * Props of {@link MyRequestsSidebarItem}.
 *
 * @public
 */
export type MyRequestsSidebarItemProps = {
  /** Defaults to `My requests`. */
  text?: string;
  icon?: IconComponent;
};

/**
 * A sidebar item linking to the signed-in user's requests.
 *
 * @public
 */
export function MyRequestsSidebarItem(props: MyRequestsSidebarItemProps) {
  const { text = 'My requests', icon = AssignmentIcon } = props;
  const requestsRoute = useRouteRef(requestsRouteRef);
  return <SidebarItem to={requestsRoute()} text={text} icon={icon} />;
}

/**
 * Props of {@link MyAccessSidebarItem}.
 *
 * @public
 */
export type MyAccessSidebarItemProps = {
  /** Defaults to `My access`. */
  text?: string;
  icon?: IconComponent;
};

/**
 * A sidebar item linking to the access the signed-in user holds through the
 * service catalogue.
 *
 * @public
 */
export function MyAccessSidebarItem(props: MyAccessSidebarItemProps) {
  const { text = 'My access', icon = VpnKeyIcon } = props;
  const accessRoute = useRouteRef(accessRouteRef);
  return <SidebarItem to={accessRoute()} text={text} icon={icon} />;
}

/**
 * Props of {@link DeskQueueSidebarItem}.
 *
 * @public
 */
export type DeskQueueSidebarItemProps = {
  /** Defaults to `Desk queue`. */
  text?: string;
  icon?: IconComponent;
};

/**
 * A sidebar item linking to the desk queue: the manual requests for the
 * offerings the signed-in user fulfils.
 *
 * @public
 */
export function DeskQueueSidebarItem(props: DeskQueueSidebarItemProps) {
  const { text = 'Desk queue', icon = HeadsetMicIcon } = props;
  const deskRoute = useRouteRef(deskRouteRef);
  return <SidebarItem to={deskRoute()} text={text} icon={icon} />;
}

/**
 * Props of {@link ReportsSidebarItem}.
 *
 * @public
 */
export type ReportsSidebarItemProps = {
  /** Defaults to `Reports`. */
  text?: string;
  icon?: IconComponent;
};

/**
 * A sidebar item linking to the reports: volumes, delivery times, SLA
 * compliance, automation, approvals and access, for the offerings the
 * signed-in user owns (all of them for the desk and administrators).
 *
 * @public
 */
export function ReportsSidebarItem(props: ReportsSidebarItemProps) {
  const { text = 'Reports', icon = BarChartIcon } = props;
  const reportsRoute = useRouteRef(reportsRouteRef);
  return <SidebarItem to={reportsRoute()} text={text} icon={icon} />;
}

/**
 * Props of {@link ReviewsSidebarItem}.
 *
 * @public
 */
export type ReviewsSidebarItemProps = {
  /** Defaults to `Reviews`. */
  text?: string;
  icon?: IconComponent;
};

/**
 * A sidebar item linking to the access reviews: the lines waiting for the
 * signed-in user's decision, and the campaigns of the offerings they own.
 *
 * @public
 */
export function ReviewsSidebarItem(props: ReviewsSidebarItemProps) {
  const { text = 'Reviews', icon = RateReviewIcon } = props;
  const reviewsRoute = useRouteRef(reviewsRouteRef);
  return <SidebarItem to={reviewsRoute()} text={text} icon={icon} />;
}
