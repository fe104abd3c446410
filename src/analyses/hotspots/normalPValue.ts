/**
 * Two-sided p-values of standard normal z-scores, P(|Z| ≥ |z|) = erfc(|z| / √2), computed as the
 * regularised upper incomplete gamma function Q(½, z² / 2): by its series below x = 1.5 and by its
 * continued fraction above (`gammaQ`), so that tail probabilities keep full relative
 * precision (R's 2 * pnorm(-abs(z)) agrees to about 1e-14 relative).
 */

import { gammaQ } from '../../core/statistics/distributions.js';

/** P(|Z| ≥ |z|) for a standard normal Z; NaN stays NaN. */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return gammaQ(0.5, (z * z) / 2);
}

export function normalTwoSidedPs(z: Float64Array): Float64Array {
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = normalTwoSidedP(z[i]!);
  return out;
}
