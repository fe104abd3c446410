/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank.
 * The p-value is two-sided from Student's t with n − 2 degrees of freedom,
 * t = ρ √((n − 2) / (1 − ρ²)) (R's `cor.test(method = "spearman", exact = FALSE)`, which R uses
 * whenever values are tied); the interval is Fisher's z with the variance 1.06 / (n − 3) that
 * Fieller, Hartley and Pearson (1957) give for Spearman's ρ.
 */
import { normalQuantile, studentTwoSidedP } from './distributions.js';
import { lowerBound, upperBound } from './sortedBounds.js';

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
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++)
    ranks[i] = (lowerBound(sorted, values[i]!) + upperBound(sorted, values[i]!)) / 2 + 1;
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
