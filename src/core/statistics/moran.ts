/**
 * Moran's I test of spatial autocorrelation, as R's
 * `spdep::moran.test(x, nb2listw(nb, style, zero.policy = TRUE), randomisation, alternative,
 * zero.policy = TRUE)` computes it (spdep 1.2): the weights are row-standardised (style "W":
 * 1 / number of neighbours) or binary ("B"); z = x − mean(x);
 * I = (n / S0) Σᵢ zᵢ Σⱼ wᵢⱼ zⱼ / Σ zᵢ²; E(I) = −1 / (n − 1); the variance under randomisation
 * (using the kurtosis K = N Σ z⁴ / (Σ z²)²) or under normality, with S0 = Σ wᵢⱼ,
 * S1 = Σᵢ Σⱼ (wᵢⱼ² + wᵢⱼ wⱼᵢ) and S2 = Σᵢ (Σⱼ wᵢⱼ + Σⱼ wⱼᵢ)²; the standard deviate
 * (I − E) / √V and its p-value from the normal distribution ("greater": upper tail, the default;
 * "less"; "two.sided": twice the tail).
 *
 * Areas without neighbours, as zero.policy = TRUE treats them: their lag is 0, they are left out of
 * n (spdep's adjust.n = TRUE: n counts the areas with at least one neighbour) but stay in the mean,
 * in Σ z² and in the kurtosis (whose N is the number of all areas).
 *
 * Neighbour lists are 0-based indices into x; they need not be symmetric. Refused with a
 * RangeError: lengths that differ, an index out of range, an area listed as its own neighbour or
 * twice, values that are not finite, a constant x (I is undefined), fewer than 4 areas with
 * neighbours (the variance divides by n − 3).
 */
import { normalCdf, normalUpperTail } from './distributions.js';

export interface MoranOptions {
  /** "W" (row-standardised, the default) or "B" (binary). */
  style?: 'W' | 'B';
  /** Variance under randomisation (the default) or under normality. */
  randomisation?: boolean;
  alternative?: 'greater' | 'two.sided' | 'less';
}

export interface MoranTest {
  /** Moran's I. */
  statistic: number;
  expectation: number;
  variance: number;
  /** (I − E) / √V. */
  standardDeviate: number;
  p: number;
  style: 'W' | 'B';
  randomisation: boolean;
  alternative: 'greater' | 'two.sided' | 'less';
  /** Areas with no neighbour (left out of n, as zero.policy = TRUE does). */
  withoutNeighbours: number;
}

export function moranTest(
  x: readonly number[],
  neighbours: readonly (readonly number[])[],
  options?: MoranOptions,
): MoranTest {
  const style = options?.style ?? 'W';
  const randomisation = options?.randomisation ?? true;
  const alternative = options?.alternative ?? 'greater';
  if (style !== 'W' && style !== 'B')
    throw new RangeError(`style must be "W" or "B", not ${String(style)}`);
  if (!['greater', 'two.sided', 'less'].includes(alternative))
    throw new RangeError(
      `alternative must be "greater", "two.sided" or "less", not ${alternative}`,
    );
  const N = x.length;
  if (neighbours.length !== N)
    throw new RangeError(`${neighbours.length} neighbour lists for ${N} values`);
  for (let i = 0; i < N; i++)
    if (!Number.isFinite(x[i]!))
      throw new RangeError(`value ${i + 1} is ${x[i]}: values must be finite`);
  const { weights, S0, S1, S2, withoutNeighbours } = weightsOf(neighbours, style);
  const n = N - withoutNeighbours;
  if (n < 4) throw new RangeError(`${n} areas with neighbours: at least 4 are needed`);

  let mean = 0;
  for (const v of x) mean += v;
  mean /= N;
  const z = x.map((v) => v - mean);
  let zz = 0;
  let z4 = 0;
  for (const v of z) {
    zz += v * v;
    z4 += v ** 4;
  }
  if (zz === 0) throw new RangeError('the values are all equal: Moran’s I is undefined');
  const K = (N * z4) / (zz * zz);
  // Loops of indices, not callbacks: a sum carried into a callback is a fresh number at each step.
  let cross = 0;
  for (let i = 0; i < N; i++) {
    const list = neighbours[i]!;
    const w = weights[i]!;
    let lag = 0;
    for (let k = 0; k < list.length; k++) lag += w[k]! * z[list[k]!]!;
    cross += z[i]! * lag;
  }
  const statistic = (n / S0) * (cross / zz);
  const expectation = -1 / (n - 1);
  const S02 = S0 * S0;
  const nn = n * n;
  let variance: number;
  if (randomisation) {
    const a = n * (S1 * (nn - 3 * n + 3) - n * S2 + 3 * S02);
    const b = K * (S1 * (nn - n) - 2 * n * S2 + 6 * S02);
    variance = (a - b) / ((n - 1) * (n - 2) * (n - 3) * S02) - expectation * expectation;
  } else {
    variance = (nn * S1 - n * S2 + 3 * S02) / (S02 * (nn - 1)) - expectation * expectation;
  }
  const standardDeviate = (statistic - expectation) / Math.sqrt(variance);
  const p =
    alternative === 'greater'
      ? normalUpperTail(standardDeviate)
      : alternative === 'less'
        ? normalCdf(standardDeviate)
        : 2 * normalUpperTail(Math.abs(standardDeviate));
  return {
    statistic,
    expectation,
    variance,
    standardDeviate,
    p,
    style,
    randomisation,
    alternative,
    withoutNeighbours,
  };
}

interface Weights {
  /** wᵢⱼ for each area's neighbours, in the order listed. */
  weights: number[][];
  S0: number;
  S1: number;
  S2: number;
  withoutNeighbours: number;
}

/**
 * The weights of each neighbour list and style once made: a Causes answer tests the residuals of
 * every indicator over the same lists, and the weights and their sums depend on the lists alone.
 * Kept by the lists' array, which the callers never change (it is read-only to them); a list
 * refused is never kept, so it is refused again.
 */
const weightsMade = new WeakMap<
  readonly (readonly number[])[],
  Partial<Record<'W' | 'B', Weights>>
>();

function weightsOf(neighbours: readonly (readonly number[])[], style: 'W' | 'B'): Weights {
  const made = weightsMade.get(neighbours)?.[style];
  if (made !== undefined) return made;
  const N = neighbours.length;
  neighbours.forEach((list, i) => {
    const seen = new Set<number>();
    for (const j of list) {
      if (!(Number.isInteger(j) && j >= 0 && j < N))
        throw new RangeError(`area ${i}: neighbour ${j} is not an index of the ${N} areas`);
      if (j === i) throw new RangeError(`area ${i} is listed as its own neighbour`);
      if (seen.has(j)) throw new RangeError(`area ${i} lists neighbour ${j} twice`);
      seen.add(j);
    }
  });

  const weights = neighbours.map((list) => list.map(() => (style === 'W' ? 1 / list.length : 1)));
  const weightOf = (i: number, j: number): number => {
    const k = neighbours[i]!.indexOf(j);
    return k < 0 ? 0 : weights[i]![k]!;
  };
  const withoutNeighbours = neighbours.filter((l) => l.length === 0).length;
  let S0 = 0;
  let S1 = 0;
  const rowSums = new Array<number>(N).fill(0);
  const colSums = new Array<number>(N).fill(0);
  neighbours.forEach((list, i) => {
    list.forEach((j, k) => {
      const wij = weights[i]![k]!;
      S0 += wij;
      rowSums[i] = rowSums[i]! + wij;
      colSums[j] = colSums[j]! + wij;
      S1 += wij * wij + wij * weightOf(j, i);
    });
  });
  let S2 = 0;
  for (let i = 0; i < N; i++) S2 += (rowSums[i]! + colSums[i]!) ** 2;
  const result: Weights = { weights, S0, S1, S2, withoutNeighbours };
  weightsMade.set(neighbours, { ...weightsMade.get(neighbours), [style]: result });
  return result;
}
