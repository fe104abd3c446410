/**
 * Exact Poisson 95% intervals against values worked by hand. For a count k the interval [L, U]
 * solves P(X ≥ k | L) = 0.025 and P(X ≤ k | U) = 0.025, X ~ Poisson.
 *
 * k = 0: L = 0; e^{-U} = 0.025, so U = -ln 0.025 = ln 40 = 3.688879454.
 * k = 1: 1 - e^{-L} = 0.025, so L = -ln 0.975 = 0.025317808;
 *        e^{-U}(1 + U) = 0.025, solved by Newton from U = 5: 5.571643391.
 * k = 5: 1 - e^{-L} Σ_{j<5} L^j/j! = 0.025 → L = 1.623486; e^{-U} Σ_{j≤5} U^j/j! = 0.025 → U = 11.668332
 *        (Garwood's table, 1936: 1.62, 11.67).
 * k = 100: the same equations give L = 81.363991, U = 121.626794 (tables: 81.36, 121.63).
 * The test checks the values and, independently of the gamma function, the defining equations by
 * summing Poisson probabilities directly.
 */
import { describe, expect, it } from 'vitest';
import {
  exactPoissonInterval,
  gammaP,
  gammaQuantile,
} from '../../src/core/statistics/poissonInterval.js';

/** P(X ≤ k) for X ~ Poisson(mu), summed term by term in log space. */
function poissonCdf(k: number, mu: number): number {
  let sum = 0;
  for (let j = 0; j <= k; j++) {
    let logTerm = -mu + j * Math.log(mu);
    for (let i = 2; i <= j; i++) logTerm -= Math.log(i);
    sum += Math.exp(logTerm);
  }
  return sum;
}

const HAND: [number, number, number][] = [
  [0, 0, Math.log(40)],
  [1, -Math.log(0.975), 5.571643391],
  [5, 1.623486, 11.668332],
  [100, 81.363991, 121.626794],
];

describe('exact Poisson 95% interval', () => {
  it.each(HAND)('count %i → [%f, %f]', (k, lower, upper) => {
    const ci = exactPoissonInterval(k);
    expect(ci.lower).toBeCloseTo(lower, 5);
    expect(ci.upper).toBeCloseTo(upper, 5);
  });

  it.each([1, 5, 100])('count %i satisfies the defining tail equations', (k) => {
    const ci = exactPoissonInterval(k);
    expect(1 - poissonCdf(k - 1, ci.lower)).toBeCloseTo(0.025, 9);
    expect(poissonCdf(k, ci.upper)).toBeCloseTo(0.025, 9);
  });

  it('count 0 has the upper end e^{-U} = 0.025 and no lower end', () => {
    const ci = exactPoissonInterval(0);
    expect(ci.lower).toBe(0);
    expect(Math.exp(-ci.upper)).toBeCloseTo(0.025, 12);
  });

  it('widens with the confidence level and refuses non-counts', () => {
    const a = exactPoissonInterval(5, 0.9);
    const b = exactPoissonInterval(5, 0.99);
    expect(a.lower).toBeGreaterThan(b.lower);
    expect(a.upper).toBeLessThan(b.upper);
    expect(() => exactPoissonInterval(-1)).toThrow(RangeError);
    expect(() => exactPoissonInterval(2.5)).toThrow(RangeError);
  });

  it('the gamma function pieces agree with closed forms', () => {
    // P(1, x) = 1 - e^{-x}; P(2, x) = 1 - e^{-x}(1 + x).
    for (const x of [0.1, 1, 3.5, 12]) {
      expect(gammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 13);
      expect(gammaP(2, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 13);
    }
    expect(gammaQuantile(0.5, 1)).toBeCloseTo(Math.log(2), 12);
  });
});
