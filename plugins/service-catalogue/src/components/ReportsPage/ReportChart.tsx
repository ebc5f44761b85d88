import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/**
 * One series of a bar chart: its label in the legend and its value per row.
 *
 * @internal
 */
export type ChartSeries<T> = {
  label: string;
  value: (row: T) => number;
  /** Bars with the same stack are drawn on top of each other. */
  stack?: string;
};

/**
 * A bar chart of a report's rows, one group of bars per row, keyboard
 * navigable (recharts' accessibility layer) with a title for screen
 * readers; the report's table beside it carries the same numbers.
 *
 * @internal
 */
export function ReportChart<T>(props: {
  title: string;
  rows: T[];
  label: (row: T) => string;
  series: ChartSeries<T>[];
  unit?: string;
}) {
  const { title, rows, label, series, unit } = props;
  const theme = useTheme();
  const colours = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success?.main ?? theme.palette.primary.dark,
    theme.palette.warning?.main ?? theme.palette.secondary.dark,
  ];
  const data = rows.map(row => ({
    name: label(row),
    ...Object.fromEntries(series.map(s => [s.label, s.value(row)])),
  }));
  return (
    <ResponsiveContainer width="100%" height={280}>
      <BarChart data={data} accessibilityLayer title={title}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="name" stroke={theme.palette.text.secondary} />
        <YAxis unit={unit} stroke={theme.palette.text.secondary} />
        <Tooltip />
        <Legend />
        {series.map((s, i) => (
          <Bar
            key={s.label}
            dataKey={s.label}
            name={s.label}
            stackId={s.stack}
            fill={colours[i % colours.length]}
            unit={unit}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
