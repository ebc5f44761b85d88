import { ComponentType, useState } from 'react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { PageLayout } from './PageLayout';

/**
 * One tab of a {@link TabbedPage}.
 *
 * @internal
 */
export type PageTab = {
  /** The tab's element id, which labels its panel. */
  id: string;
  label: string;
  Panel: ComponentType;
};

/**
 * A page of tabs, the first one open; a tab's panel mounts afresh each time
 * it is chosen, so its filters start over.
 *
 * @internal
 */
export function TabbedPage(props: { title: string; tabs: PageTab[] }) {
  const { title, tabs } = props;
  const [tab, setTab] = useState(0);
  const { id, Panel } = tabs[tab];
  return (
    <PageLayout title={title}>
      <Tabs
        value={tab}
        onChange={(_event, next) => setTab(next)}
        indicatorColor="primary"
        aria-label={title}
      >
        {tabs.map(t => (
          <Tab key={t.id} label={t.label} id={t.id} />
        ))}
      </Tabs>
      <Box mt={2} role="tabpanel" aria-labelledby={id}>
        <Panel />
      </Box>
    </PageLayout>
  );
}
