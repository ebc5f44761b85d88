import { ComponentType } from 'react';
import {
  Content,
  Header,
  Page,
  TabbedLayout,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useIsNewFrontendSystem } from './PageLayout';

/**
 * One tab of a {@link TabbedPage}.
 *
 * @internal
 */
export type PageTab = {
  /** Below the page's own path, so that the tab can be linked; `/` for the first. */
  path: string;
  label: string;
  Panel: ComponentType;
};

/**
 * A page of tabs, each at a path of its own below the page's; the app must
 * mount the page with a trailing `/*`. A tab's panel mounts afresh each
 * time it is chosen, so its filters start over.
 *
 * @internal
 */
export function TabbedPage(props: { title: string; tabs: PageTab[] }) {
  const { title, tabs } = props;
  const nfs = useIsNewFrontendSystem();
  const layout = (
    <TabbedLayout>
      {tabs.map(({ path, label, Panel }) => (
        <TabbedLayout.Route key={path} path={path} title={label}>
          <Panel />
        </TabbedLayout.Route>
      ))}
    </TabbedLayout>
  );
  // The new frontend system's page already draws a header; the tabs go
  // under a heading of the page's own.
  if (nfs) {
    return (
      <>
        <Content>
          <Typography variant="h4" component="h1">
            {title}
          </Typography>
        </Content>
        {layout}
      </>
    );
  }
  return (
    <Page themeId="tool">
      <Header title={title} />
      {layout}
    </Page>
  );
}
