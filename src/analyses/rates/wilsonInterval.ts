/**
 * Wilson score interval for a proportion k/n (Wilson 1927): the set of p for which the normal
 * test of k/n against p does not reject at the given level. Unlike the Wald interval it stays
 * within [0, 1] and behaves at k = 0 and k = n, which small partnership counts often reach.
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half = z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n)
 */
export interface ShareInterval {
  lower: number;
  upper: number;
}

/** z for a two-sided 95% interval (the 0.975 quantile of the standard normal). */
export const Z_95 = 1.959963984540054;

export function wilsonInterval(k: number, n: number, z = Z_95): ShareInterval {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n <= 0 || k > n)
    throw new RangeError(`a share needs whole numbers 0 ≤ k ≤ n, n > 0: ${k}/${n}`);
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At k = 0 and k = n the bounds are exactly 0 and 1; avoid rounding just past them.
  return {
    lower: k === 0 ? 0 : Math.max(0, centre - half),
    upper: k === n ? 1 : Math.min(1, centre + half),
  };
}
