import { createContext, ReactNode, useContext } from 'react';
import { Content, Header, Page } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

// Which frontend system renders the pages: the new one's page blueprint
// already draws a header with the plugin's title, so the pages draw a
// heading of their own inside it instead of a second header.
const NewFrontendSystemContext = createContext(false);

/**
 * Tells the pages below that the new frontend system draws the header.
 *
 * @internal
 */
export function NewFrontendSystemProvider(props: { children: ReactNode }) {
  return (
    <NewFrontendSystemContext.Provider value>
      {props.children}
    </NewFrontendSystemContext.Provider>
  );
}

/**
 * Whether the new frontend system draws the page header.
 *
 * @internal
 */
export function useIsNewFrontendSystem(): boolean {
  return useContext(NewFrontendSystemContext);
}

/**
 * A page of the plugin with its title, in either frontend system.
 *
 * @internal
 */
export function PageLayout(props: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  const { title, subtitle, children } = props;
  const nfs = useIsNewFrontendSystem();
  if (nfs) {
    return (
      <Content>
        <Typography variant="h4" component="h1" gutterBottom>
          {title}
        </Typography>
        {subtitle && (
          <Typography
            variant="subtitle1"
            color="textSecondary"
            component="div"
            gutterBottom
          >
            {subtitle}
          </Typography>
        )}
        {children}
      </Content>
    );
  }
  return (
    <Page themeId="tool">
      <Header title={title} subtitle={subtitle} />
      <Content>{children}</Content>
    </Page>
  );
}
