/**
 * The Wilson score interval for a share x / n (without continuity correction; R's
 * `prop.test(x, n, correct = FALSE)$conf.int`). Chosen for shares because its coverage stays close
 * to the nominal level for small n and for shares near 0 or 1, where the simple ± 1.96·SE interval
 * fails, without the over-wide intervals of Clopper–Pearson; it is the method public health
 * statistics in England use for proportions.
 */
import { normalQuantile } from './distributions.js';

export interface ShareInterval {
  count: number;
  total: number;
  /** count / total, or null when total is 0. */
  share: number | null;
  lower: number | null;
  upper: number | null;
}

export function wilsonInterval(x: number, n: number, confidence = 0.95): ShareInterval {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || x > n)
    throw new RangeError(`a share needs whole numbers 0 ≤ x ≤ n: ${x} of ${n}`);
  if (n === 0) return { count: x, total: n, share: null, lower: null, upper: null };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    count: x,
    total: n,
    share: p,
    lower: x === 0 ? 0 : Math.max(0, centre - half),
    upper: x === n ? 1 : Math.min(1, centre + half),
  };
}
