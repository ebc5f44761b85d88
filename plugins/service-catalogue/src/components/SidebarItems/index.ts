export {
  ApprovalsSidebarItem,
  DeskQueueSidebarItem,
  MyAccessSidebarItem,
  MyRequestsSidebarItem,
  ReportsSidebarItem,
  ReviewsSidebarItem,
  type ApprovalsSidebarItemProps,
  type DeskQueueSidebarItemProps,
  type MyAccessSidebarItemProps,
  type MyRequestsSidebarItemProps,
  type ReportsSidebarItemProps,
  type ReviewsSidebarItemProps,
} from './SidebarItems';
