/**
 * The statistics kernels against worked examples and against R (base R's poisson.test, binom.test,
 * prop.test and cor.test; values in tests/fixtures/statistics/reference.json, made by
 * make-reference.R beside it, so that these tests do not need R).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binomialTest } from '../../src/core/statistics/binomialTest.js';
import { comparePoissonCounts } from '../../src/core/statistics/comparePoissonCounts.js';
import { inversionCdf, mannKendall } from '../../src/core/statistics/mannKendall.js';
import { roundHalfEven, sensSlope } from '../../src/core/statistics/sensSlope.js';
import { averageRanks, spearman } from '../../src/core/statistics/spearman.js';
import { wilsonInterval } from '../../src/core/statistics/wilsonInterval.js';
import { REPO } from '../helpers/paths.js';

interface Reference {
  poisson: {
    later: number;
    laterExposure: number;
    earlier: number;
    earlierExposure: number;
    rateRatio: number;
    lower: number;
    upper: number;
    pValue: number;
  }[];
  binom: { x: number; n: number; p: number; pValue: number; lower: number; upper: number }[];
  wilson: { x: number; n: number; lower: number; upper: number }[];
  kendall: {
    name: string;
    x: number[];
    time: number[];
    method: 'exact' | 'normal';
    tau: number;
    pValue: number;
    z: number | null;
    varS: number;
    senSlope: number;
    senLower: number | null;
    senUpper: number | null;
  }[];
  spearman: { x: number[]; y: number[]; rho: number; pValue: number }[];
}

const reference = JSON.parse(
  readFileSync(path.join(REPO, 'tests/fixtures/statistics/reference.json'), 'utf8'),
) as Reference;

/** Relative (or, near zero, absolute) closeness. */
function close(actual: number | null, expected: number | null, tolerance = 1e-9): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual! - expected) / scale, `${actual} vs ${expected}`).toBeLessThan(tolerance);
}

describe('two Poisson counts: exact conditional test and rate-ratio interval', () => {
  it('10 against 5 in equal periods, worked by hand', () => {
    // Given 15 events in all, the later count is Binomial(15, 1/2) when the rates are equal.
    // P(X ≥ 10) = (C(15,10) + … + C(15,15)) / 2^15 = (3003 + 1365 + 455 + 105 + 15 + 1) / 32768
    //           = 4944 / 32768 = 0.150878906; the distribution is symmetric, so p = 0.301757812.
    // Clopper–Pearson for 10/15: [0.383838, 0.881783]; RR = p/(1−p) → [0.62286, 7.45730].
    const c = comparePoissonCounts({ count: 10, exposure: 1 }, { count: 5, exposure: 1 });
    expect(c.rateRatio).toBe(2);
    expect(c.pValue).toBeCloseTo(4944 / 16384, 12);
    expect(c.lower).toBeCloseTo(0.62286, 5);
    expect(c.upper).toBeCloseTo(7.4573, 4);
  });

  it('unequal exposures: the null proportion is the later share of exposure', () => {
    // 3 in 30 days against 9 in 31 days: rates 0.1 and 0.290 a day, RR = (3/30)/(9/31) = 0.34444.
    // Under equal rates the later count is Binomial(12, 30/61).
    const c = comparePoissonCounts({ count: 3, exposure: 30 }, { count: 9, exposure: 31 });
    expect(c.rateRatio).toBeCloseTo(31 / 90, 12);
    const direct = binomialTest(3, 12, 30 / 61);
    expect(c.pValue).toBe(direct.pValue);
  });

  it.each(reference.poisson)(
    'matches R poisson.test: $later/$laterExposure vs $earlier/$earlierExposure',
    (r) => {
      const c = comparePoissonCounts(
        { count: r.later, exposure: r.laterExposure },
        { count: r.earlier, exposure: r.earlierExposure },
      );
      close(c.rateRatio, r.rateRatio);
      close(c.lower, r.lower);
      close(c.upper, r.upper);
      close(c.pValue, r.pValue);
    },
  );

  it('an earlier count of 0 gives an unbounded ratio (null), not Infinity', () => {
    const c = comparePoissonCounts({ count: 4, exposure: 1 }, { count: 0, exposure: 1 });
    expect(c.rateRatio).toBeNull();
    expect(c.upper).toBeNull();
    expect(c.pValue).toBeCloseTo(0.125, 12); // 2 · (1/2)^4
  });
});

describe('exact binomial test and Clopper–Pearson interval', () => {
  it.each(reference.binom)('matches R binom.test($x, $n, $p)', (r) => {
    const t = binomialTest(r.x, r.n, r.p);
    close(t.pValue, r.pValue);
    close(t.lower, r.lower);
    close(t.upper, r.upper);
  });
});

describe('Wilson score interval', () => {
  it('1 of 10, worked by hand', () => {
    // z = 1.959964, z² = 3.841459; centre = (0.1 + z²/20) / (1 + z²/10) = 0.211016;
    // half-width = z/(1 + z²/10) · √(0.1·0.9/10 + z²/400) = 0.193140 → [0.017876, 0.404150].
    const w = wilsonInterval(1, 10);
    expect(w.lower).toBeCloseTo(0.017876, 6);
    expect(w.upper).toBeCloseTo(0.40415, 5);
  });

  it.each(reference.wilson)('matches R prop.test($x, $n, correct = FALSE)', (r) => {
    const w = wilsonInterval(r.x, r.n);
    close(w.lower, r.lower);
    close(w.upper, r.upper);
  });

  it('no total gives no share', () => {
    expect(wilsonInterval(0, 0)).toEqual({
      count: 0,
      total: 0,
      share: null,
      lower: null,
      upper: null,
    });
  });
});

describe('Mann–Kendall and Sen’s slope', () => {
  it('1 3 2 5 4, worked by hand', () => {
    // Pairs (i<j): ten; discordant (3,2) and (5,4), the rest concordant: S = 8 − 2 = 6, τ = 0.6.
    // Var(S) = 5·4·15/18 = 16.667. Exact: the number of inversions of a random permutation of 5
    // has counts 1 4 9 15 20 22 20 15 9 4 1 (of 120); P(≤ 2 inversions) = 14/120, so the
    // two-sided p = 28/120 = 0.23333.
    const mk = mannKendall([1, 3, 2, 5, 4]);
    expect(mk).toMatchObject({ n: 5, S: 6, method: 'exact', z: null, tiedGroups: [] });
    expect(mk.tau).toBeCloseTo(0.6, 12);
    expect(mk.varS).toBeCloseTo(300 / 18, 12);
    expect(mk.pValue).toBeCloseTo(28 / 120, 12);
    // Slopes sorted: −1 −1 1/3 1/2 3/4 1 1 4/3 2 3; median (3/4 + 1)/2 = 0.875.
    // C = 1.959964·√16.667 = 8.0015; M1 = (10 − C)/2 = 0.999 → 1st; M2 + 1 = 10.0007 → 10th.
    const s = sensSlope([1, 3, 2, 5, 4], [1, 2, 3, 4, 5], mk.varS);
    expect(s).toMatchObject({ slope: 0.875, lower: -1, upper: 3, pairs: 10 });
  });

  it('1 2 2 3 (a tie), worked by hand: normal approximation', () => {
    // S = 5 (the tied pair scores 0); one group of 2 ties: Var(S) = (4·3·13 − 2·1·9)/18 = 138/18.
    // z = (5 − 1)/√7.6667 = 1.444630; p = 2(1 − Φ(z)) = 0.148562 (R: 0.148561774892).
    const mk = mannKendall([1, 2, 2, 3]);
    expect(mk).toMatchObject({ S: 5, method: 'normal', tiedGroups: [2] });
    expect(mk.varS).toBeCloseTo(138 / 18, 12);
    expect(mk.z).toBeCloseTo(1.44463023703, 10);
    expect(mk.pValue).toBeCloseTo(0.148561774892, 10);
  });

  it('the inversion distribution sums to one and is symmetric', () => {
    for (const n of [3, 7, 12, 30]) {
      const max = (n * (n - 1)) / 2;
      expect(inversionCdf(n, max)).toBe(1);
      for (const q of [0, 1, Math.floor(max / 3)])
        expect(inversionCdf(n, q)).toBeCloseTo(1 - inversionCdf(n, max - q - 1), 12);
    }
    expect(inversionCdf(5, 2)).toBeCloseTo(14 / 120, 14);
  });

  it.each(reference.kendall)('matches R cor.test(kendall) and Sen’s definition: $name', (r) => {
    const mk = mannKendall(r.x);
    expect(mk.method).toBe(r.method);
    close(mk.tau, r.tau);
    close(mk.pValue, r.pValue);
    close(mk.varS, r.varS);
    if (r.z !== null) close(mk.z, r.z);
    const s = sensSlope(r.x, r.time, mk.varS);
    close(s.slope, r.senSlope);
    close(s.lower, r.senLower);
    close(s.upper, r.senUpper);
  });

  it('rounds halves to even, as R does', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });
});

describe('Spearman correlation', () => {
  it('average ranks for ties', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('average ranks as counting gives them: those below, and half of those equal', () => {
    // A value's average rank is (values below) + (values equal + 1) / 2, counted pair by pair.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(next() * 60);
      const xs = Array.from({ length: n }, () =>
        next() < 0.5 ? Math.floor(next() * 6) - 3 : (next() - 0.5) * 100,
      );
      if (trial % 5 === 0) xs[0] = -0;
      const counted = xs.map((v) => {
        const below = xs.filter((w) => w < v).length;
        const equal = xs.filter((w) => w === v).length;
        return below + (equal + 1) / 2;
      });
      expect(averageRanks(xs)).toEqual(counted);
    }
  });

  it.each(reference.spearman)('matches R cor.test(spearman, exact = FALSE), n = %#', (r) => {
    const s = spearman(r.x, r.y)!;
    close(s.rho, r.rho);
    close(s.pValue, r.pValue);
    expect(s.lower!).toBeLessThan(s.rho);
    expect(s.upper!).toBeGreaterThan(s.rho);
  });

  it('a perfect monotone relation', () => {
    const s = spearman([1, 2, 3, 4, 5], [2, 4, 8, 16, 32])!;
    expect(s.rho).toBe(1);
    expect(s.pValue).toBe(0);
  });
});
