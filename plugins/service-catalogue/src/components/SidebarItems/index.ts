export {
  ApprovalsSidebarItem,
  DeskQueueSidebarItem,
  MyAccessSidebarItem,
  MyRequestsSidebarItem,
  type ApprovalsSidebarItemProps,
  type DeskQueueSidebarItemProps,
  type MyAccessSidebarItemProps,
  type MyRequestsSidebarItemProps,
} from './SidebarItems';
