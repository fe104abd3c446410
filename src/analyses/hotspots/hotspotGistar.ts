/**
 * Getis–Ord Gi* z-scores with binary weights and each unit in its own neighbourhood, exactly as
 * spdep::localG computes them when the neighbours include the unit itself:
 *
 *   z_i = (Σ_{j∈N(i)} x_j − W_i · x̄) / √( s² · (n · W_i − W_i²) / (n − 1) ),
 *
 * with x̄ the mean of all n values, s² = Σ (x − x̄)² / n, W_i the size of the neighbourhood
 * (unit included). Two-sided p-values come from the standard normal, or from conditional
 * permutation: the unit's own value stays, its W_i − 1 neighbours' values are drawn without
 * replacement from the other n − 1 units, and p = 2 · (min(#≥, #≤) + 1) / (permutations + 1),
 * capped at 1 (twice the "folded" pseudo p-value that spdep's localG_perm and PySAL report).
 * See docs/decisions/0022-gistar.md.
 */
import { seededRandom } from '../../core/random.js';
import type { Neighbours } from './hotspotNeighbours.js';

export interface Gistar {
  z: Float64Array;
  /** The neighbourhood sums Σ_{j∈N(i)} x_j. */
  lag: Float64Array;
  mean: number;
  /** s² (divided by n, as spdep). */
  variance: number;
}

export function hotspotGistar(x: Float64Array, nb: Neighbours): Gistar {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    ss += d * d;
  }
  const variance = ss / n;
  const z = new Float64Array(n);
  const lag = new Float64Array(n);
  const { offsets, indices } = nb;
  for (let i = 0; i < n; i++) {
    const a = offsets[i]!;
    const b = offsets[i + 1]!;
    let l = 0;
    for (let k = a; k < b; k++) l += x[indices[k]!]!;
    lag[i] = l;
    const w = b - a;
    const v = (variance * (n * w - w * w)) / (n - 1);
    z[i] = v > 0 ? (l - w * mean) / Math.sqrt(v) : NaN;
  }
  return { z, lag, mean, variance };
}

export interface PermutationOptions {
  permutations: number;
  seed: number;
}

/**
 * Two-sided conditional-permutation p-values for Gi* (see above). For a fixed unit, z is an
 * increasing function of its neighbourhood sum, so the sums are compared directly.
 */
export function hotspotGistarPermutation(
  x: Float64Array,
  nb: Neighbours,
  lag: Float64Array,
  options: PermutationOptions,
): Float64Array {
  const n = x.length;
  const nsim = options.permutations;
  const random = seededRandom(options.seed);
  const pool = new Int32Array(Math.max(0, n - 1));
  for (let i = 0; i < pool.length; i++) pool[i] = i;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = nb.offsets[i + 1]! - nb.offsets[i]! - 1;
    const observed = lag[i]!;
    const xi = x[i]!;
    let above = 0;
    let below = 0;
    const others = n - 1;
    for (let s = 0; s < nsim; s++) {
      let l = xi;
      // Partial Fisher–Yates: the first k entries of the pool become a uniform k-subset.
      for (let t = 0; t < k; t++) {
        const u = t + Math.floor(random.next() * (others - t));
        const pick = pool[u]!;
        pool[u] = pool[t]!;
        pool[t] = pick;
        l += x[pick >= i ? pick + 1 : pick]!;
      }
      if (l >= observed) above++;
      if (l <= observed) below++;
    }
    p[i] = Math.min(1, (2 * (Math.min(above, below) + 1)) / (nsim + 1));
  }
  return p;
}
