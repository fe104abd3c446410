/**
 * The Mann–Kendall test for a monotonic trend in a series (Mann 1945; Kendall 1975), two-sided.
 * S = Σ_{i<j} sign(x_j − x_i). Its variance is corrected for tied values:
 * Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18 over the groups of t tied values.
 *
 * - Exact when there are no ties and n < 50 (as R's `cor.test(x, time, method = "kendall")`
 *   decides): under no trend every ordering is equally likely, so the number of concordant pairs
 *   follows the distribution of inversions of a random permutation (the Mahonian numbers),
 *   computed by recursion.
 * - Otherwise the normal approximation with the tie-corrected variance and a continuity correction:
 *   z = (S − sign S) / √Var(S) (R: `cor.test(…, exact = FALSE, continuity = TRUE)`).
 *
 * Kendall's τ is reported as τ-b (R's estimate), which equals τ-a when nothing is tied.
 */
import { normalUpperTail } from './distributions.js';

export interface MannKendall {
  n: number;
  S: number;
  varS: number;
  tau: number;
  /** Groups of tied values (sizes ≥ 2). */
  tiedGroups: number[];
  method: 'exact' | 'normal';
  /** The normal score (null for the exact test). */
  z: number | null;
  pValue: number;
}

/** P(T ≤ q) for T the number of inversions of a random permutation of n items. */
export function inversionCdf(n: number, q: number): number {
  const max = (n * (n - 1)) / 2;
  if (q < 0) return 0;
  if (q >= max) return 1;
  let dist = new Float64Array(1).fill(1);
  for (let i = 2; i <= n; i++) {
    const size = (i * (i - 1)) / 2 + 1;
    const next = new Float64Array(size);
    // next[k] = (1/i) Σ_{j=0}^{i−1} dist[k − j], by a running window sum.
    let window = 0;
    for (let k = 0; k < size; k++) {
      if (k < dist.length) window += dist[k]!;
      if (k - i >= 0 && k - i < dist.length) window -= dist[k - i]!;
      next[k] = window / i;
    }
    dist = next;
  }
  let sum = 0;
  for (let k = 0; k <= q; k++) sum += dist[k]!;
  return Math.min(1, sum);
}

export function mannKendall(values: readonly number[]): MannKendall {
  const n = values.length;
  if (n < 3) throw new RangeError(`the Mann–Kendall test needs at least 3 values, not ${n}`);
  let S = 0;
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 1; j < n; j++) S += Math.sign(values[j]! - values[i]!);
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const tiedGroups = [...counts.values()].filter((t) => t > 1).sort((a, b) => b - a);
  const tieTerm = tiedGroups.reduce((s, t) => s + t * (t - 1) * (2 * t + 5), 0);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const pairs = (n * (n - 1)) / 2;
  const tiedPairs = tiedGroups.reduce((s, t) => s + (t * (t - 1)) / 2, 0);
  const tau = pairs === tiedPairs ? 0 : S / Math.sqrt(pairs * (pairs - tiedPairs));
  if (tiedGroups.length === 0 && n < 50) {
    // Concordant pairs C = (pairs + S) / 2; its distribution is symmetric about pairs / 2.
    const C = (pairs + S) / 2;
    const tail = C > pairs / 2 ? inversionCdf(n, pairs - C) : inversionCdf(n, C);
    return { n, S, varS, tau, tiedGroups, method: 'exact', z: null, pValue: Math.min(1, 2 * tail) };
  }
  const z = varS === 0 ? 0 : (S - Math.sign(S)) / Math.sqrt(varS);
  return {
    n,
    S,
    varS,
    tau,
    tiedGroups,
    method: 'normal',
    z,
    pValue: Math.min(1, 2 * normalUpperTail(Math.abs(z))),
  };
}
