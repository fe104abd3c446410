import { useCallback } from 'react';
import type { echarts } from '../echarts';
import { fmtInt, fmtRate } from '../format';
import type { PointsAnswer } from '@api';

/** Zoom (1 = whole area) from which the incidents' map points are drawn over the map. */
export const POINTS_ZOOM = 4;

export type Measure = 'count' | 'rate';

/**
 * Draws the incidents' map points (the chart's second series) once the map is zoomed in to
 * POINTS_ZOOM or more, and takes them away when zoomed out.
 */
export function usePointsOnZoom(
  points: PointsAnswer,
): (chart: ReturnType<typeof echarts.init>) => void {
  return useCallback(
    (chart: ReturnType<typeof echarts.init>) => {
      let shown = false;
      chart.off('georoam');
      chart.on('georoam', () => {
        const geo = (chart.getOption() as { geo?: { zoom?: number }[] }).geo?.[0];
        const zoomed = (geo?.zoom ?? 1) >= POINTS_ZOOM;
        if (zoomed === shown) return;
        shown = zoomed;
        chart.setOption({
          series: [{}, { data: zoomed ? points.points.map((p) => [p.lon, p.lat, p.n]) : [] }],
        });
      });
    },
    [points],
  );
}

/**
 * Six classes at the sextiles of the LSOAs' values, so that one busy city-centre LSOA does not
 * leave every other area in the lightest colour; the classes and their bounds are in the legend.
 */
export function classBreaks(
  values: readonly number[],
  measure: Measure,
): { min?: number; max?: number; gte?: number; lt?: number; label: string }[] {
  const fmt = (v: number): string => (measure === 'rate' ? fmtRate(v) : fmtInt(v));
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [{ min: 0, max: 0, label: 'no data' }];
  const cuts: number[] = [];
  for (let k = 1; k < 6; k++) {
    const raw = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / 6))]!;
    const v = measure === 'rate' ? Math.round(raw * 100) / 100 : Math.round(raw);
    if (cuts.length === 0 || v > cuts.at(-1)!) cuts.push(v);
  }
  const bounds = [sorted[0]!, ...cuts.filter((c) => c > sorted[0]!)];
  return bounds.map((lo, i) => {
    const hi = bounds[i + 1];
    return hi === undefined
      ? { gte: lo, label: `${fmt(lo)} or more` }
      : { gte: lo, lt: hi, label: `${fmt(lo)} to under ${fmt(hi)}` };
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
