import { ReactNode } from 'react';
import { Link } from '@backstage/core-components';
import { useApp } from '@backstage/core-plugin-api';
import { makeStyles } from '@material-ui/core/styles';
import { CategoryIndex, CategoryNode } from '../../lib/catalogue';

const useStyles = makeStyles(
  theme => ({
    list: {
      listStyle: 'none',
      margin: 0,
      padding: 0,
    },
    nested: {
      listStyle: 'none',
      margin: 0,
      padding: 0,
      paddingLeft: theme.spacing(2),
    },
    item: {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1),
      padding: theme.spacing(0.75, 1),
      borderRadius: theme.shape.borderRadius,
      color: theme.palette.text.primary,
      '&:hover': {
        backgroundColor: theme.palette.action.hover,
        textDecoration: 'none',
      },
    },
    selected: {
      backgroundColor: theme.palette.action.selected,
      fontWeight: theme.typography.fontWeightBold as number,
    },
    icon: {
      display: 'inline-flex',
      width: '1.25em',
      fontSize: '1.25em',
      color: theme.palette.text.secondary,
    },
    title: {
      flex: 1,
    },
    count: {
      color: theme.palette.text.secondary,
      fontVariantNumeric: 'tabular-nums',
    },
  }),
  { name: 'ServiceCatalogueCategoryNav' },
);

function countDescriptionId(categoryId: string | undefined) {
  // Ids are path-like (`access/network`); only whitespace would break the
  // id reference list of aria-describedby.
  return `service-catalogue-count-${(categoryId ?? '*').replace(/\s/g, '_')}`;
}

function CategoryLink(props: {
  categoryId: string | undefined;
  title: string;
  icon?: ReactNode;
  count: number;
  selected: boolean;
  to: string;
}) {
  const { categoryId, title, icon, count, selected, to } = props;
  const classes = useStyles();
  const descriptionId = countDescriptionId(categoryId);
  return (
    <>
      <Link
        to={to}
        underline="none"
        className={
          selected ? `${classes.item} ${classes.selected}` : classes.item
        }
        aria-current={selected ? 'true' : undefined}
        aria-describedby={descriptionId}
      >
        <span className={classes.icon} aria-hidden="true">
          {icon}
        </span>
        <span className={classes.title}>{title}</span>
        {/* The visible number would otherwise become part of the link's
            name ("Network 3"); it is announced as a description instead. */}
        <span className={classes.count} aria-hidden="true">
          {count}
        </span>
      </Link>
      <span id={descriptionId} hidden>
        {count === 1 ? '1 offering' : `${count} offerings`}
      </span>
    </>
  );
}

/**
 * The category tree beside the catalogue: "All", then the configured
 * categories, each linking to the same page filtered to it.
 *
 * @internal
 */
export function CategoryNav(props: {
  index: CategoryIndex;
  /** Offerings per category, subcategories included. */
  counts: Map<string, number>;
  total: number;
  selected: string | undefined;
  /** The link target that selects a category, or all of them. */
  linkTo: (categoryId: string | undefined) => string;
}) {
  const { index, counts, total, selected, linkTo } = props;
  const classes = useStyles();
  // useApp() rather than the new system's iconsApiRef: the page runs in both
  // systems, and useApp() reads iconsApiRef itself when in the new one.
  const app = useApp();

  const renderNode = (node: CategoryNode) => {
    const { id, title, icon } = node.category;
    const Icon = icon ? app.getSystemIcon(icon) : undefined;
    return (
      <li key={id}>
        <CategoryLink
          categoryId={id}
          title={title}
          icon={Icon ? <Icon fontSize="inherit" /> : undefined}
          count={counts.get(id) ?? 0}
          selected={selected === id}
          to={linkTo(id)}
        />
        {node.children.length > 0 && (
          <ul className={classes.nested}>{node.children.map(renderNode)}</ul>
        )}
      </li>
    );
  };

  return (
    <nav aria-label="Categories">
      <ul className={classes.list}>
        <li>
          <CategoryLink
            categoryId={undefined}
            title="All"
            count={total}
            selected={selected === undefined}
            to={linkTo(undefined)}
          />
        </li>
        {index.roots.map(renderNode)}
      </ul>
    </nav>
  );
}
