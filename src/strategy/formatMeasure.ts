/** How a measure's figures are written, the same in the terminal and in reports. */
import type { Metric } from './schema.js';
import type { TargetStatus } from '../api/strategy.js';

const nf = new Intl.NumberFormat('en-GB');

export function formatMeasureValue(metric: Metric, value: number | null): string {
  if (value === null) return '—';
  switch (metric) {
    case 'count':
      return Number.isInteger(value) ? nf.format(value) : value.toFixed(1);
    case 'rate':
      return value.toFixed(2);
    case 'share':
      return `${(value * 100).toFixed(1)}%`;
  }
}

/**
 * "12.5–14.0", "95.1%–95.3%": ends that would read the same are given up to two more decimals,
 * and an interval that is one value at any precision is written once ("95.0%").
 */
export function formatInterval(metric: Metric, lower: number | null, upper: number | null): string {
  if (lower === null || upper === null) return '';
  const f = (v: number, extra: number): string =>
    metric === 'count'
      ? v.toFixed(1 + extra)
      : metric === 'rate'
        ? v.toFixed(2 + extra)
        : `${(v * 100).toFixed(1 + extra)}%`;
  for (let extra = 0; extra <= 2; extra++)
    if (f(lower, extra) !== f(upper, extra)) return `${f(lower, extra)}–${f(upper, extra)}`;
  return f(lower, 0);
}

export function formatChange(metric: Metric, change: number, percent: number | null): string {
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const abs = Math.abs(change);
  const amount =
    metric === 'share'
      ? `${(abs * 100).toFixed(1)} points`
      : metric === 'rate'
        ? abs.toFixed(2)
        : formatMeasureValue('count', abs);
  return `${sign}${amount}${percent === null ? '' : ` (${percent > 0 ? '+' : percent < 0 ? '−' : '±'}${Math.abs(percent).toFixed(0)}%)`}`;
}

export const STATUS_LABELS: Record<TargetStatus, string> = {
  met: 'target met',
  'on-track': 'on track',
  'within-tolerance': 'within tolerance',
  'off-track': 'off track',
  missed: 'target missed',
  missing: 'data missing',
  'no-target': 'no target',
};
