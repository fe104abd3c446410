/**
 * The exact binomial test and the Clopper–Pearson interval, as R's `binom.test` computes them: the
 * two-sided p-value sums the probabilities of every outcome no more likely than the one observed
 * (with R's relative tolerance of 1e-7 for ties in probability), and the interval inverts two
 * one-sided tests through beta quantiles.
 */
import { betaQuantile, binomialCdf, binomialPmf, binomialUpperTail } from './distributions.js';

export interface BinomialTest {
  successes: number;
  trials: number;
  /** The proportion under the null hypothesis. */
  nullProportion: number;
  estimate: number;
  pValue: number;
  /** Clopper–Pearson interval for the proportion. */
  lower: number;
  upper: number;
  confidence: number;
}

const REL_ERR = 1 + 1e-7;

export function clopperPearson(
  x: number,
  n: number,
  confidence = 0.95,
): { lower: number; upper: number } {
  const alpha = 1 - confidence;
  return {
    lower: x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1),
    upper: x === n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x),
  };
}

export function binomialTest(x: number, n: number, p: number, confidence = 0.95): BinomialTest {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 1 || x > n)
    throw new RangeError(`binomialTest needs whole numbers 0 ≤ x ≤ n, n ≥ 1: x=${x}, n=${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialTest needs 0 ≤ p ≤ 1: ${p}`);
  let pValue: number;
  if (p === 0) pValue = x === 0 ? 1 : 0;
  else if (p === 1) pValue = x === n ? 1 : 0;
  else {
    const d = binomialPmf(x, n, p);
    const m = n * p;
    if (x === m) pValue = 1;
    else if (x < m) {
      let y = 0;
      for (let i = Math.ceil(m); i <= n; i++) if (binomialPmf(i, n, p) <= d * REL_ERR) y++;
      pValue = binomialCdf(x, n, p) + binomialUpperTail(n - y, n, p);
    } else {
      let y = 0;
      for (let i = 0; i <= Math.floor(m); i++) if (binomialPmf(i, n, p) <= d * REL_ERR) y++;
      pValue = binomialCdf(y - 1, n, p) + binomialUpperTail(x - 1, n, p);
    }
  }
  return {
    successes: x,
    trials: n,
    nullProportion: p,
    estimate: x / n,
    pValue: Math.min(1, pValue),
    ...clopperPearson(x, n, confidence),
    confidence,
  };
}
