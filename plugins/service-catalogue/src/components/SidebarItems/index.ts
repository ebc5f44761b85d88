export {
  ApprovalsSidebarItem,
  MyRequestsSidebarItem,
  type ApprovalsSidebarItemProps,
  type MyRequestsSidebarItemProps,
} from './SidebarItems';
