import { ChangeEvent, useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import {
  Content,
  EmptyState,
  Header,
  ItemCardGrid,
  LinkButton,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import SearchIcon from '@material-ui/icons/Search';
import { serviceCatalogueApiRef } from '../../api';
import { CategoryIndex, matchesQuery, parseQuery } from '../../lib/catalogue';
import { CategoryNav } from './CategoryNav';
import { OfferingCard } from './OfferingCard';

const TITLE = 'Service catalogue';
const SUBTITLE = 'Request access, software and services';

// Query parameters, so that a filtered view can be bookmarked and shared.
const CATEGORY_PARAM = 'category';
const QUERY_PARAM = 'q';

function pluralOfferings(count: number) {
  return count === 1 ? '1 offering' : `${count} offerings`;
}

function CatalogueBrowser() {
  const api = useApi(serviceCatalogueApiRef);
  const {
    value: catalogue,
    loading,
    error,
  } = useAsync(async () => {
    const [categories, offerings] = await Promise.all([
      api.getCategories(),
      api.getOfferings(),
    ]);
    return { categories: categories.items, offerings: offerings.items };
  }, [api]);

  const [searchParams, setSearchParams] = useSearchParams();
  const query = searchParams.get(QUERY_PARAM) ?? '';
  const selected = searchParams.get(CATEGORY_PARAM) || undefined;

  const index = useMemo(
    () => new CategoryIndex(catalogue?.categories ?? []),
    [catalogue],
  );

  // The backend has already narrowed the offerings to those this user may
  // see; all that is left to do here is the user's own search.
  const matching = useMemo(() => {
    const words = parseQuery(query);
    return (catalogue?.offerings ?? [])
      .filter(offering =>
        matchesQuery(offering, index.trail(offering.category), words),
      )
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogue, index, query]);

  // Counted after the search but before the category, so that the tree
  // shows where the matches are.
  const counts = useMemo(() => index.count(matching), [index, matching]);

  const shown = useMemo(
    () =>
      selected
        ? matching.filter(offering =>
            index.contains(selected, offering.category),
          )
        : matching,
    [index, matching, selected],
  );

  const linkTo = useCallback(
    (categoryId: string | undefined) => {
      const next = new URLSearchParams(searchParams);
      if (categoryId) {
        next.set(CATEGORY_PARAM, categoryId);
      } else {
        next.delete(CATEGORY_PARAM);
      }
      return `?${next}`;
    },
    [searchParams],
  );

  const onQueryChange = (event: ChangeEvent<HTMLInputElement>) => {
    const next = new URLSearchParams(searchParams);
    if (event.target.value) {
      next.set(QUERY_PARAM, event.target.value);
    } else {
      next.delete(QUERY_PARAM);
    }
    // Replace rather than push: one history entry per keystroke would make
    // the back button useless.
    setSearchParams(next, { replace: true });
  };

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (loading || !catalogue) {
    return <Progress />;
  }

  const total = catalogue.offerings.length;
  const filtered = Boolean(query || selected);

  let results;
  if (total === 0) {
    results = (
      <EmptyState
        missing="data"
        title="No offerings available"
        description="Nothing in the catalogue is open to you yet."
      />
    );
  } else if (shown.length === 0) {
    results = (
      <EmptyState
        missing="data"
        title="No offerings match"
        description="Try other words, or look in another category."
        action={
          <LinkButton to="?" variant="outlined" color="primary">
            Show all offerings
          </LinkButton>
        }
      />
    );
  } else {
    results = (
      <ItemCardGrid>
        {shown.map(offering => (
          <OfferingCard
            key={offering.entityRef}
            offering={offering}
            categoryTrail={index.trail(offering.category)}
          />
        ))}
      </ItemCardGrid>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <TextField
          id="service-catalogue-search"
          type="search"
          label="Search offerings"
          variant="outlined"
          size="small"
          fullWidth
          value={query}
          onChange={onQueryChange}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon />
              </InputAdornment>
            ),
          }}
        />
      </Grid>
      <Grid item xs={12} md={3}>
        <CategoryNav
          index={index}
          counts={counts}
          total={matching.length}
          selected={selected}
          linkTo={linkTo}
        />
      </Grid>
      <Grid item xs={12} md={9}>
        {/* Announces how many are left as the user types or picks a
            category, which a screen reader would otherwise not notice. */}
        <Typography
          role="status"
          variant="body2"
          color="textSecondary"
          gutterBottom
        >
          {filtered
            ? `Showing ${shown.length} of ${pluralOfferings(total)}`
            : `Showing ${pluralOfferings(total)}`}
        </Typography>
        {results}
      </Grid>
    </Grid>
  );
}

/**
 * The catalogue page for the legacy frontend system, with its own header.
 *
 * @internal
 */
export function CataloguePage() {
  return (
    <Page themeId="tool">
      <Header title={TITLE} subtitle={SUBTITLE} />
      <Content>
        <CatalogueBrowser />
      </Content>
    </Page>
  );
}

/**
 * The catalogue page for the new frontend system, where the page blueprint
 * already draws a header with the plugin's title and icon.
 *
 * @internal
 */
export function NfsCataloguePage() {
  return (
    <Content>
      <Typography variant="subtitle1" color="textSecondary" component="p">
        {SUBTITLE}
      </Typography>
      <CatalogueBrowser />
    </Content>
  );
}
