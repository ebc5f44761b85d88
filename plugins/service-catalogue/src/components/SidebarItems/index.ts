export {
  ApprovalsSidebarItem,
  DeskQueueSidebarItem,
  MyAccessSidebarItem,
  MyRequestsSidebarItem,
  ReportsSidebarItem,
  type ApprovalsSidebarItemProps,
  type DeskQueueSidebarItemProps,
  type MyAccessSidebarItemProps,
  type MyRequestsSidebarItemProps,
  type ReportsSidebarItemProps,
} from './SidebarItems';
