/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank.
 * The p-value is two-sided from Student's t with n − 2 degrees of freedom,
 * t = ρ √((n − 2) / (1 − ρ²)) (R's `cor.test(method = "spearman", exact = FALSE)`, which R uses
 * whenever values are tied); the interval is Fisher's z with the variance 1.06 / (n − 3) that
 * Fieller, Hartley and Pearson (1957) give for Spearman's ρ.
 */
import { normalQuantile, studentTwoSidedP } from './distributions.js';

export interface Spearman {
  n: number;
  rho: number;
  pValue: number;
  lower: number | null;
  upper: number | null;
  confidence: number;
}

/**
 * Ranks 1…n, ties given the mean of the ranks they span. The values are sorted as numbers (no
 * comparison function, no object per value), and each value's run of equal values is found in
 * them by bisection: its first and last places k and end give the rank (k + end) / 2 + 1. The
 * values are finite (the callers keep only those).
 */
export function averageRanks(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const ranks = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    // The first place whose value is not below v, and the first whose value is above it.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    hi = n;
    while (end < hi) {
      const mid = (end + hi) >>> 1;
      if (sorted[mid]! <= v) end = mid + 1;
      else hi = mid;
    }
    ranks[i] = (lo + end - 1) / 2 + 1;
  }
  return ranks;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

export function spearman(
  x: readonly number[],
  y: readonly number[],
  confidence = 0.95,
): Spearman | null {
  if (x.length !== y.length) throw new RangeError('x and y differ in length');
  const n = x.length;
  if (n < 3) return null;
  const rho = pearson(averageRanks(x), averageRanks(y));
  if (Number.isNaN(rho)) return null;
  const t = Math.abs(rho) >= 1 ? Infinity : rho * Math.sqrt((n - 2) / (1 - rho * rho));
  const pValue = studentTwoSidedP(t, n - 2);
  if (n <= 3 || Math.abs(rho) >= 1) return { n, rho, pValue, lower: null, upper: null, confidence };
  const z = Math.atanh(rho);
  const half = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(1.06 / (n - 3));
  return { n, rho, pValue, lower: Math.tanh(z - half), upper: Math.tanh(z + half), confidence };
}
