/**
 * Sen's slope (Sen 1968): the median of the slopes (x_j − x_i) / (t_j − t_i) over every pair
 * i < j, using the real times so that a gap in a series is a gap, not a step. Its interval is the
 * one of Gilbert (1987, §16.5) and R's `trend::sens.slope`: with C = z_{1−α/2} · √Var(S) (Var(S)
 * from the Mann–Kendall test, corrected for ties) and N′ slopes in order, the limits are the
 * M₁-th and (M₂ + 1)-th smallest, M₁ = (N′ − C) / 2 and M₂ = (N′ + C) / 2, rounded as R rounds
 * (half to even). Null when a limit falls outside the slopes (too few values).
 */
import { normalQuantile } from './distributions.js';

export interface SensSlope {
  slope: number;
  lower: number | null;
  upper: number | null;
  pairs: number;
  confidence: number;
}

/** R's round(): to the nearest whole number, halves to the even one. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function median(sorted: readonly number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

export function sensSlope(
  values: readonly number[],
  times: readonly number[],
  varS: number,
  confidence = 0.95,
): SensSlope {
  if (values.length !== times.length) throw new RangeError('values and times differ in length');
  const slopes: number[] = [];
  for (let i = 0; i < values.length - 1; i++)
    for (let j = i + 1; j < values.length; j++)
      slopes.push((values[j]! - values[i]!) / (times[j]! - times[i]!));
  if (slopes.length === 0) throw new RangeError("Sen's slope needs at least 2 values");
  slopes.sort((a, b) => a - b);
  const C = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(varS);
  const m1 = roundHalfEven((slopes.length - C) / 2);
  const m2 = roundHalfEven((slopes.length + C) / 2 + 1);
  const at = (rank: number): number | null =>
    rank >= 1 && rank <= slopes.length ? slopes[rank - 1]! : null;
  return { slope: median(slopes), lower: at(m1), upper: at(m2), pairs: slopes.length, confidence };
}
