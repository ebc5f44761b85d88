import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  OfferingCategory,
  ReportBucket,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * What the reports are filtered on; empty strings for no filter. The dates
 * are days, `to` included.
 *
 * @internal
 */
export type ReportFilterValues = {
  from: string;
  to: string;
  bucket: ReportBucket;
  category: string;
  owner: string;
};

const BUCKETS: Array<[ReportBucket, string]> = [
  ['week', 'Week'],
  ['month', 'Month'],
  ['quarter', 'Quarter'],
];

/**
 * The period, grouping, category and owner of the reports.
 *
 * @internal
 */
export function ReportFilters(props: {
  value: ReportFilterValues;
  onChange: (value: ReportFilterValues) => void;
  categories: OfferingCategory[];
  owners: string[];
}) {
  const { value, onChange, categories, owners } = props;
  const set =
    (key: keyof ReportFilterValues) =>
    (event: React.ChangeEvent<{ value: unknown }>) =>
      onChange({ ...value, [key]: String(event.target.value) });
  return (
    <Grid container spacing={2}>
      <Grid item xs={6} md={2}>
        <TextField
          id="reports-from"
          label="From"
          type="date"
          value={value.from}
          onChange={set('from')}
          InputLabelProps={{ shrink: true }}
          fullWidth
        />
      </Grid>
      <Grid item xs={6} md={2}>
        <TextField
          id="reports-to"
          label="To"
          type="date"
          value={value.to}
          onChange={set('to')}
          InputLabelProps={{ shrink: true }}
          fullWidth
        />
      </Grid>
      <Grid item xs={4} md={2}>
        <TextField
          id="reports-bucket"
          label="Group by"
          select
          value={value.bucket}
          onChange={set('bucket')}
          fullWidth
        >
          {BUCKETS.map(([id, label]) => (
            <MenuItem key={id} value={id}>
              {label}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid item xs={4} md={3}>
        <TextField
          id="reports-category"
          label="Category"
          select
          value={value.category}
          onChange={set('category')}
          fullWidth
        >
          <MenuItem value="">All categories</MenuItem>
          {categories.map(category => (
            <MenuItem key={category.id} value={category.id}>
              {category.title}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid item xs={4} md={3}>
        <TextField
          id="reports-owner"
          label="Owner"
          select
          value={value.owner}
          onChange={set('owner')}
          fullWidth
        >
          <MenuItem value="">All owners</MenuItem>
          {owners.map(owner => (
            <MenuItem key={owner} value={owner}>
              {owner}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
    </Grid>
  );
}
