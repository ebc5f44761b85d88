export {
  ApprovalsSidebarItem,
  MyAccessSidebarItem,
  MyRequestsSidebarItem,
  type ApprovalsSidebarItemProps,
  type MyAccessSidebarItemProps,
  type MyRequestsSidebarItemProps,
} from './SidebarItems';
