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

/** Ranks 1…n, ties given the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  let k = 0;
  while (k < order.length) {
    let end = k;
    while (end + 1 < order.length && order[end + 1]!.v === order[k]!.v) end++;
    const rank = (k + end) / 2 + 1;
    for (let j = k; j <= end; j++) ranks[order[j]!.i] = rank;
    k = end + 1;
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
