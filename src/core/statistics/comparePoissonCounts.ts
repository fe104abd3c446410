/**
 * Change between two periods: the exact test for two Poisson counts and the exact interval for
 * their rate ratio, as R's `poisson.test(c(later, earlier), c(exposureLater, exposureEarlier))`.
 * Given the total n = x₁ + x₂, the later count is binomial with p = t₁ / (t₁ + t₂) when the rates
 * are equal (the conditional test); the Clopper–Pearson interval [p_L, p_U] for that proportion
 * becomes the interval for the rate ratio through RR = p / (1 − p) · t₂ / t₁. Exposures (days,
 * residents…) carry the periods' lengths, so a 28-day February is compared fairly with a 31-day
 * March.
 */
import { binomialTest } from './binomialTest.js';

export interface PoissonComparison {
  /** Counts and exposures: `later` is the numerator of the rate ratio. */
  later: { count: number; exposure: number };
  earlier: { count: number; exposure: number };
  /** (later / exposure) ÷ (earlier / exposure); null when the earlier count is 0 (unbounded). */
  rateRatio: number | null;
  /** Interval for the rate ratio; upper is null when unbounded. */
  lower: number;
  upper: number | null;
  pValue: number;
  confidence: number;
}

export function comparePoissonCounts(
  later: { count: number; exposure: number },
  earlier: { count: number; exposure: number },
  confidence = 0.95,
): PoissonComparison {
  for (const c of [later, earlier]) {
    if (!Number.isInteger(c.count) || c.count < 0)
      throw new RangeError(`a count must be a whole number ≥ 0: ${c.count}`);
    if (!(c.exposure > 0)) throw new RangeError(`an exposure must be positive: ${c.exposure}`);
  }
  const n = later.count + earlier.count;
  const ratio = earlier.exposure / later.exposure;
  if (n === 0)
    return { later, earlier, rateRatio: null, lower: 0, upper: null, pValue: 1, confidence };
  const test = binomialTest(
    later.count,
    n,
    later.exposure / (later.exposure + earlier.exposure),
    confidence,
  );
  const toRatio = (p: number): number | null => (p >= 1 ? null : (p / (1 - p)) * ratio);
  return {
    later,
    earlier,
    rateRatio:
      earlier.count === 0
        ? null
        : later.count / later.exposure / (earlier.count / earlier.exposure),
    lower: toRatio(test.lower) ?? 0,
    upper: toRatio(test.upper),
    pValue: test.pValue,
    confidence,
  };
}
