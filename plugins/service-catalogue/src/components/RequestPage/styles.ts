import { makeStyles } from '@material-ui/core/styles';

/**
 * The request page's lists of stages, comments and events, one item
 * ruled off from the next.
 *
 * @internal
 */
export const useListStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    '& > li + li': {
      marginTop: theme.spacing(2),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
  internal: {
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    paddingLeft: theme.spacing(1),
  },
}));
