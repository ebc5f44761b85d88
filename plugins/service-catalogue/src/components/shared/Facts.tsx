import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
}));

/**
 * Labelled facts as a description list; a fact without a value is left
 * out rather than shown empty.
 *
 * @internal
 */
export function Facts(props: {
  items: Array<[string, ReactNode | undefined]>;
}) {
  const classes = useStyles();
  return (
    <dl className={classes.facts}>
      {props.items
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([label, value]) => (
          <Box key={label} display="contents">
            <Typography variant="body2" component="dt">
              {label}
            </Typography>
            <Typography variant="body2" component="dd">
              {value}
            </Typography>
          </Box>
        ))}
    </dl>
  );
}
