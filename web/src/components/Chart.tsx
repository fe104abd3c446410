import { useEffect, useRef, type ReactNode } from 'react';
import { echarts } from '../echarts';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];

export interface ChartProps {
  option: Option;
  /** What the chart shows, for screen readers. */
  label: string;
  height?: number;
  /** The table of the chart's data, shown on request. */
  table: ReactNode;
  onReady?: (chart: ReturnType<typeof echarts.init>) => void;
  testId?: string;
}

/** An ECharts chart with the table of its data behind it. */
export function Chart({ option, label, height = 320, table, onReady, testId }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ReturnType<typeof echarts.init> | null>(null);
  useEffect(() => {
    if (ref.current === null) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const resize = (): void => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
      chartRef.current = null;
    };
  }, []);
  useEffect(() => {
    const chart = chartRef.current;
    if (chart === null) return;
    // No animation for people who ask their system for less motion.
    const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;
    chart.setOption(still ? { ...option, animation: false } : option, { notMerge: true });
    onReady?.(chart);
  }, [option, onReady]);
  return (
    <figure className="chart">
      <div ref={ref} style={{ height }} role="img" aria-label={label} data-testid={testId} />
      <details>
        <summary>Table of this chart's data</summary>
        {table}
      </details>
    </figure>
  );
}
