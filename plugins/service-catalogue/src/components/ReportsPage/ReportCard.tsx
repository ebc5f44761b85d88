import { ReactNode, useId } from 'react';
import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { ReportColumn, toCsv } from './csv';

/**
 * One report: a chart where there is one, the same numbers as a table, and
 * the table as a CSV download.
 *
 * @internal
 */
export function ReportCard<T extends object>(props: {
  title: string;
  description: string;
  /** The file name of the export, without `.csv`. */
  name: string;
  columns: ReportColumn<T>[];
  rows: T[];
  chart?: ReactNode;
  emptyText?: string;
}) {
  const { title, description, name, columns, rows, chart } = props;
  const descriptionId = useId();
  const download = () => {
    const blob = new Blob([toCsv(columns, rows)], {
      type: 'text/csv;charset=utf-8',
    });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${name}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };
  const tableColumns: TableColumn<T>[] = columns.map(column => ({
    title: column.title,
    render: (row: T) => column.value(row),
  }));
  return (
    <InfoCard
      title={title}
      titleTypographyProps={{ component: 'h2' }}
      action={
        <Button
          size="small"
          startIcon={<GetAppIcon />}
          onClick={download}
          disabled={rows.length === 0}
          aria-label={`Export ${title} as CSV`}
        >
          CSV
        </Button>
      }
    >
      <Typography
        id={descriptionId}
        variant="body2"
        color="textSecondary"
        paragraph
      >
        {description}
      </Typography>
      {chart && rows.length > 0 && (
        <Box
          component="figure"
          m={0}
          mb={2}
          aria-label={`Chart: ${title}`}
          aria-describedby={descriptionId}
        >
          {chart}
        </Box>
      )}
      <Table<T>
        title={`${title}: the numbers`}
        columns={tableColumns}
        data={rows}
        options={{
          search: false,
          paging: rows.length > 10,
          pageSize: 10,
          padding: 'dense',
          toolbar: true,
        }}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              {props.emptyText ?? 'No requests in this period.'}
            </Typography>
          </Box>
        }
      />
    </InfoCard>
  );
}
