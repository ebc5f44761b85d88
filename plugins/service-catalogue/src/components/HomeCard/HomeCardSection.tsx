import { ReactNode, useId } from 'react';
import { Link, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '../shared';

/** One line of a section: what it is, and where to open it. */
export type SectionItem = {
  key: string;
  primary: string;
  secondary: string;
  to: string;
};

/**
 * One question the card answers, such as what waits for the user's
 * decision: how many, the first few, and a link to the page with them all.
 */
export function HomeCardSection(props: {
  title: string;
  /** Where all of them are listed. */
  to: string;
  /** Names the link to all of them, such as `Open approvals`. */
  linkLabel: string;
  loading: boolean;
  error?: Error;
  /** How many, such as `4`, or `25+` where the backend does not count. */
  total?: number | string;
  items?: SectionItem[];
  empty: ReactNode;
}) {
  const { title, to, linkLabel, loading, error, total, items, empty } = props;
  const headingId = useId();

  let body: ReactNode;
  if (error) {
    body = (
      <Typography variant="body2" color="error" role="alert">
        Could not load: {errorMessage(error)}
      </Typography>
    );
  } else if (loading && !items) {
    body = <Progress />;
  } else if (!items?.length) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {empty}
      </Typography>
    );
  } else {
    body = (
      <List dense disablePadding aria-labelledby={headingId}>
        {items.map(item => (
          <ListItem key={item.key} disableGutters>
            <ListItemText
              primary={<Link to={item.to}>{item.primary}</Link>}
              secondary={item.secondary}
            />
          </ListItem>
        ))}
      </List>
    );
  }

  return (
    <Box component="section" mb={2}>
      <Box display="flex" alignItems="baseline" justifyContent="space-between">
        <Typography variant="subtitle1" component="h3" id={headingId}>
          {title}
          {total !== undefined && !error && (
            <Typography
              component="span"
              variant="subtitle1"
              color="textSecondary"
            >{` (${total})`}</Typography>
          )}
        </Typography>
        <Link to={to} aria-label={linkLabel}>
          View all
        </Link>
      </Box>
      {body}
    </Box>
  );
}
