/**
 * Corrections of p-values for testing many cells at once, as named strategies (R's p.adjust):
 *
 * - `fdr`: Benjamini–Hochberg false discovery rate (the default, as ArcGIS's hot spot tool);
 * - `bonferroni`: family-wise error, p × m;
 * - `holm`: family-wise error, Holm's step-down (what sfhotspot's hotspot_classify applies across
 *   each cell's periods);
 * - `none`: the p-values as they are.
 *
 * m is the number of p-values that are not NaN; NaN stays NaN. Ties take the same adjusted value.
 * See docs/decisions/0023-multiple-testing.md.
 */
import { usageError } from '../../core/errors.js';
import { lowerBound, upperBound } from '../../core/statistics/sortedBounds.js';

export const CORRECTIONS = ['fdr', 'bonferroni', 'holm', 'none'] as const;
export type Correction = (typeof CORRECTIONS)[number];

export const CORRECTION_NAMES: Record<Correction, string> = {
  fdr: 'Benjamini–Hochberg false discovery rate',
  bonferroni: 'Bonferroni',
  holm: 'Holm',
  none: 'none',
};

export function parseCorrection(value: string): Correction {
  if ((CORRECTIONS as readonly string[]).includes(value)) return value as Correction;
  throw usageError(
    'BAD_CORRECTION',
    `invalid correction ${JSON.stringify(value)}`,
    `use one of: fdr (Benjamini–Hochberg, the default), bonferroni, holm, none`,
  );
}

export function adjustPValues(p: Float64Array, method: Correction): Float64Array {
  const out = new Float64Array(p.length);
  if (method === 'none') {
    out.set(p);
    return out;
  }
  let m = 0;
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i]!)) m++;
  if (method === 'bonferroni') {
    for (let i = 0; i < p.length; i++) out[i] = Math.min(1, p[i]! * m);
    return out;
  }
  // Typed-array sort puts NaN last; the first m values are the p-values in ascending order.
  const sorted = Float64Array.from(p).sort().subarray(0, m);
  const adjusted = new Float64Array(m);
  if (method === 'fdr') {
    let run = Infinity;
    for (let k = m - 1; k >= 0; k--) {
      const v = (m / (k + 1)) * sorted[k]!;
      if (v < run) run = v;
      adjusted[k] = Math.min(1, run);
    }
    for (let i = 0; i < p.length; i++)
      out[i] = Number.isNaN(p[i]!) ? NaN : adjusted[upperBound(sorted, p[i]!)]!;
  } else {
    let run = 0;
    for (let k = 0; k < m; k++) {
      const v = (m - k) * sorted[k]!;
      if (v > run) run = v;
      adjusted[k] = Math.min(1, run);
    }
    for (let i = 0; i < p.length; i++)
      out[i] = Number.isNaN(p[i]!) ? NaN : adjusted[lowerBound(sorted, p[i]!)]!;
  }
  return out;
}

/** The same by R's formulas with explicit index sorting: for tests and the benchmark. */
export function adjustPValuesDirect(p: readonly number[], method: Correction): number[] {
  const idx = p.map((_, i) => i).filter((i) => !Number.isNaN(p[i]!));
  const m = idx.length;
  const out = p.map(() => NaN);
  if (method === 'none') return [...p];
  if (method === 'bonferroni') {
    for (const i of idx) out[i] = Math.min(1, p[i]! * m);
    return out;
  }
  if (method === 'fdr') {
    const o = [...idx].sort((a, b) => p[b]! - p[a]! || b - a);
    let run = Infinity;
    o.forEach((i, j) => {
      run = Math.min(run, (m / (m - j)) * p[i]!);
      out[i] = Math.min(1, run);
    });
    return out;
  }
  const o = [...idx].sort((a, b) => p[a]! - p[b]! || a - b);
  let run = 0;
  o.forEach((i, j) => {
    run = Math.max(run, (m - j) * p[i]!);
    out[i] = Math.min(1, run);
  });
  return out;
}
