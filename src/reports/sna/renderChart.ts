/**
 * Charts drawn on the server as SVG by ECharts (its server-side renderer: no DOM, no script in
 * the result), from published figures only — a withheld figure is a gap. On count axes of a
 * public report the ticks step by at least the smallest published count, so no axis label reads
 * like a small count either. ECharts escapes every text it draws.
 */
import { createRequire } from 'node:module';
import { trusted, type SafeHtml } from '../html.js';
import { MONTH_ABBREVIATIONS } from '../../core/months.js';

export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

export interface ChartSpec {
  kind: 'bar' | 'line';
  /** The categories; for a series over months, the months ('YYYY-MM'), drawn on a time axis. */
  categories: string[];
  /**
   * The categories are months: the axis is a time axis placing each month at its date, so that
   * months not held stand apart as a gap (their values are null and break the line), never
   * joined as if neighbours.
   */
  time?: boolean;
  series: ChartSeries[];
  /** Label of the value axis. */
  axis: string;
  /** Ticks at least this far apart (the public minimum on count axes). */
  minInterval?: number;
  width?: number;
  height?: number;
  /** Categories along the vertical axis (long names). */
  horizontal?: boolean;
}

// ECharts types its package as CommonJS (`export =`); its CommonJS build is loaded the same way.
const echarts = createRequire(import.meta.url)('echarts') as typeof import('echarts');

const PALETTE = ['#0b3d5c', '#d17a00', '#4a8f3c', '#8a1c7c', '#5b7f99', '#a8324a'];

let serial = 0;
/** Time spent drawing charts since the last reset, in milliseconds (for the benchmark). */
export const chartTiming = { ms: 0, charts: 0 };

/** The first day of a month, as a time-axis value (ms since the epoch, UTC): where the axis puts its month ticks and labels. */
function monthTime(month: string): number {
  return Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1);
}

/** The ECharts option of a chart (exported for tests: the axis types and the gaps). */
export function chartOption(spec: ChartSpec): Record<string, unknown> {
  const valueAxis = {
    type: 'value' as const,
    name: spec.axis,
    nameLocation: 'middle' as const,
    nameGap: spec.horizontal ? 24 : 40,
    minInterval: spec.minInterval ?? 1,
    axisLabel: { fontSize: 10 },
  };
  const time = spec.time === true && !spec.horizontal;
  const categoryAxis = time
    ? {
        type: 'time' as const,
        // Half a month either side, so that the first and last months are whole.
        min: monthTime(spec.categories[0] ?? '2000-01') - 15 * 86_400_000,
        max: monthTime(spec.categories.at(-1) ?? '2000-01') + 15 * 86_400_000,
        // Ticks at least four weeks apart: a short series would otherwise label each week with its month.
        minInterval: 28 * 86_400_000,
        axisLabel: {
          fontSize: 10,
          hideOverlap: true,
          showMinLabel: false,
          showMaxLabel: false,
          formatter: (value: number): string => {
            // Ticks fall on local midnights (01:00 UTC in summer is still the 1st, but
            // midnight of 1 April BST is 31 March UTC): half a day on reads the right month.
            const d = new Date(value + 43_200_000);
            return `${MONTH_ABBREVIATIONS[d.getUTCMonth()]!} ${d.getUTCFullYear()}`;
          },
        },
        splitLine: { show: false },
      }
    : {
        type: 'category' as const,
        data: spec.categories,
        axisLabel: {
          fontSize: 10,
          interval: 0,
          ...(spec.horizontal ? {} : { rotate: spec.categories.length > 8 ? 45 : 0 }),
        },
      };
  return {
    animation: false,
    color: PALETTE,
    textStyle: { fontFamily: 'DejaVu Sans, Liberation Sans, Arial, sans-serif' },
    grid: {
      left: spec.horizontal ? 150 : 60,
      right: 20,
      top: spec.series.length > 1 ? 36 : 16,
      bottom: spec.horizontal ? 40 : 64,
    },
    legend:
      spec.series.length > 1
        ? { top: 0, itemGap: 28, textStyle: { fontSize: 10 } }
        : { show: false },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: spec.series.map((s) => ({
      type: spec.kind,
      name: s.name.length > 48 ? `${s.name.slice(0, 47)}…` : s.name,
      data: time
        ? s.values.map((v, i) => [monthTime(spec.categories[i]!), v === null ? '-' : v])
        : s.values.map((v) => (v === null ? '-' : v)),
      connectNulls: false,
      ...(time && spec.kind === 'bar' ? { barMaxWidth: 12 } : {}),
      ...(spec.kind === 'line' ? { symbolSize: 5 } : {}),
    })),
  };
}

export function renderChart(spec: ChartSpec): SafeHtml {
  const width = spec.width ?? 640;
  const height =
    spec.height ?? (spec.horizontal ? Math.max(160, 28 * spec.categories.length + 60) : 260);
  const started = performance.now();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(chartOption(spec));
    // ECharts numbers its instances (zr0, zr1 …) across the process; name them by the chart instead,
    // so that the same report is the same file.
    const id = `c${serial++}`;
    // Its style classes are numbered across the process too: renumber them in order of use.
    const classes = new Map<string, number>();
    const svg = chart
      .renderToSVGString()
      .replace(/zr\d+-cls-(\d+)/g, (_: string, n: string) => {
        if (!classes.has(n)) classes.set(n, classes.size);
        return `${id}-cls-${classes.get(n)}`;
      })
      .replace(/zr\d+-/g, `${id}-`);
    return trusted(svg.replace('<svg ', '<svg class="chart" role="img" '));
  } finally {
    chart.dispose();
    chartTiming.ms += performance.now() - started;
    chartTiming.charts++;
  }
}

/** Restart the chart numbering (each report numbers its charts from 0). */
export function resetChartIds(): void {
  serial = 0;
  chartTiming.ms = 0;
  chartTiming.charts = 0;
}
