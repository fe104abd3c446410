/**
 * Poisson and negative binomial regressions against R (stats::glm, MASS::glm.nb) on the fixtures
 * of tests/fixtures/causes/ (scripts/reference/causes-fixtures.ts): the 428 Oxfordshire LSOAs
 * with their 2024 violence counts, and seeded samples (overdispersed, with zero counts,
 * near-Poisson, Poisson). Every number within 1e-9 (relative beyond 1); then refusals and the
 * reports of a fit that does not converge or whose theta goes to infinity.
 */
import { describe, expect, it } from 'vitest';
import {
  countRegressions,
  negativeBinomialRegression,
  poissonRegression,
  THETA_CAP,
  type GlmFit,
  type NegativeBinomialFit,
} from '../../src/core/statistics/glm.js';
import {
  expectAllClose,
  expectClose,
  listOf,
  num,
  readColumns,
  readExpected,
  zScore,
  type RModel,
} from './causes-fixtures.js';

function compare(fit: GlmFit, r: RModel): void {
  const what = (field: string) => `${r.name}: ${field}`;
  expect(fit.coefficients.map((c) => c.term)).toEqual(r.coefficients.map((c) => c.term));
  fit.coefficients.forEach((c, j) => {
    const rc = r.coefficients[j]!;
    expectClose(c.estimate, rc.estimate, what(`${rc.term} estimate`));
    expectClose(c.standardError, rc.standardError, what(`${rc.term} standard error`));
    expectClose(c.z, rc.z, what(`${rc.term} z`));
    expectClose(c.p, rc.p, what(`${rc.term} p`));
    expectClose(c.lower, rc.lower, what(`${rc.term} lower`));
    expectClose(c.upper, rc.upper, what(`${rc.term} upper`));
  });
  expectClose(fit.deviance, r.deviance, what('deviance'));
  expectClose(fit.nullDeviance, r.nullDeviance, what('null deviance'));
  expect(fit.dfResidual).toBe(r.dfResidual);
  expect(fit.dfNull).toBe(r.dfNull);
  expectClose(fit.aic, r.aic, what('AIC'));
  // R's glm.nb says converged when its last IRLS did, even at "alternation limit reached"; svd
  // says not converged then.
  const alternated = r.thetaWarning !== 'alternation limit reached';
  expect(fit.converged, what('converged')).toBe(r.converged && alternated);
  expect(fit.iterations, what('iterations')).toBe(r.iterations);
  expectClose(fit.dispersion, r.dispersion, what('dispersion'));
  expectAllClose(fit.fitted, r.fitted, what('fitted'));
  expectAllClose(fit.pearsonResiduals, r.pearsonResiduals, what('Pearson residuals'));
  expectAllClose(fit.devianceResiduals, r.devianceResiduals, what('deviance residuals'));
  expect(fit.warnings, what('warnings')).toEqual([...new Set(listOf(r.warnings))]);
  if (r.family === 'negbin') {
    const nb = fit as NegativeBinomialFit;
    expectClose(nb.theta, r.theta!, what('theta'));
    expectClose(nb.thetaStandardError, r.seTheta!, what('SE(theta)'));
    expectClose(nb.twoLogLikelihood, r.twoLogLik!, what('2 log-likelihood'));
    expect(nb.thetaCapped).toBe(false);
  }
}

function fitLike(r: RModel, y: number[], x: number[][], offset: number[]): GlmFit {
  const options = {
    maxIterations: r.maxIterations,
    tolerance: r.tolerance,
    names: listOf(r.covariates),
  };
  return r.family === 'poisson'
    ? poissonRegression(y, x, offset, options)
    : negativeBinomialRegression(y, x, offset, options);
}

describe('Oxfordshire: violence by LSOA against deprivation, as R fits it', () => {
  const areas = readColumns('oxfordshire', 'areas.csv');
  const covariates: Record<string, number[]> = {
    imd_score_z: zScore(areas['imd_score']!),
    income_score_z: zScore(areas['income_score']!),
    imd_decile: areas['imd_decile']!,
  };
  const y = areas['violence']!;
  const offset = areas['population']!.map(Math.log);
  const expected = readExpected('oxfordshire');

  it('has the 428 areas and the six models', () => {
    expect(y).toHaveLength(428);
    expect(expected.models).toHaveLength(6);
  });

  for (const r of expected.models)
    it(r.name, () => {
      const x = listOf(r.covariates).map((c) => covariates[c]!);
      compare(fitLike(r, y, x, offset), r);
    });
});

describe('seeded samples, as R fits them', () => {
  const expected = readExpected('synthetic');
  for (const r of expected.models) {
    if (r.data === 'poisson' && r.family === 'negbin') continue;
    it(`${r.data}: ${r.name}`, () => {
      const d = readColumns('synthetic', `${r.data}.csv`);
      const x = listOf(r.covariates).map((c) => d[c]!);
      compare(fitLike(r, d['y']!, x, d['population']!.map(Math.log)), r);
    });
  }

  it('includes a sample with zero counts, a near-Poisson one and a fit that stops early', () => {
    expect(
      readColumns('synthetic', 'zeros.csv')['y']!.filter((v) => v === 0).length,
    ).toBeGreaterThan(5);
    const near = expected.models.find((m) => m.data === 'near-poisson' && m.family === 'negbin')!;
    expect(num(near.theta!)).toBeGreaterThan(20);
    expect(expected.models.some((m) => !m.converged)).toBe(true);
    expect(expected.models.some((m) => m.thetaWarning === 'alternation limit reached')).toBe(true);
  });
});

describe('refusals and reports', () => {
  const d = readColumns('synthetic', 'overdispersed.csv');
  const y = d['y']!;
  const offset = d['population']!.map(Math.log);

  it('refuses a constant covariate, naming it', () => {
    const constant = y.map(() => 3);
    for (const regression of [poissonRegression, negativeBinomialRegression])
      expect(() =>
        regression(y, [d['x1']!, constant], offset, { names: ['x1', 'imd_score'] }),
      ).toThrow(/covariate imd_score is constant/);
  });

  it('refuses counts that are all zero, negative or fractional, and lengths that differ', () => {
    expect(() =>
      poissonRegression(
        y.map(() => 0),
        [d['x1']!],
        offset,
      ),
    ).toThrow(/every count is 0/);
    expect(() => poissonRegression([...y.slice(1), -1], [d['x1']!], offset)).toThrow(
      /count 60 is -1/,
    );
    expect(() => negativeBinomialRegression([0.5, ...y.slice(1)], [d['x1']!], offset)).toThrow(
      /count 1 is 0.5/,
    );
    expect(() => poissonRegression(y, [d['x1']!.slice(1)], offset)).toThrow(/x1 has 59 values/);
    expect(() => poissonRegression(y, [d['x1']!], offset.slice(1))).toThrow(/offset has 59/);
  });

  it('refuses collinear covariates', () => {
    const x1 = d['x1']!;
    expect(() => poissonRegression(y, [x1, x1.map((v) => 2 * v + 1)], offset)).toThrow(/collinear/);
  });

  it('reports a fit that has not converged within the iterations allowed, without throwing', () => {
    const fit = poissonRegression(y, [d['x1']!, d['x2']!], offset, { maxIterations: 2 });
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBe(2);
    expect(fit.warnings).toContain('glm.fit: algorithm did not converge');
    const nb = negativeBinomialRegression(y, [d['x1']!], offset, { maxIterations: 3 });
    expect(nb.converged).toBe(false);
    expect(nb.alternations).toBe(3);
    expect(nb.warnings).toContain('alternation limit reached');
  });

  it('caps theta when the counts are not overdispersed, and the fit is then the Poisson fit', () => {
    const p = readColumns('synthetic', 'poisson.csv');
    const r = readExpected('synthetic').models.find((m) => m.data === 'poisson')!;
    const pOffset = p['population']!.map(Math.log);
    const nb = negativeBinomialRegression(p['y']!, [p['x1']!], pOffset);
    expect(nb.thetaCapped).toBe(true);
    expect(nb.theta).toBe(THETA_CAP);
    expect(nb.thetaStandardError).toBeNaN();
    expect(nb.warnings.join(' ')).toMatch(/theta went to infinity \(no overdispersion\)/);
    nb.coefficients.forEach((c, j) => {
      const rc = r.coefficients[j]!;
      expect(Math.abs(c.estimate - num(rc.estimate))).toBeLessThan(1e-4 * num(rc.standardError));
      expect(Math.abs(c.standardError / num(rc.standardError) - 1)).toBeLessThan(1e-4);
    });
    // The same counts with overdispersion (the near-Poisson sample) keep a finite theta.
    const q = readColumns('synthetic', 'near-poisson.csv');
    const fit = negativeBinomialRegression(q['y']!, [q['x1']!], q['population']!.map(Math.log));
    expect(fit.thetaCapped).toBe(false);
  });

  it('gives wider intervals at a higher confidence', () => {
    const fit90 = poissonRegression(y, [d['x1']!], offset, { confidence: 0.9 });
    const fit99 = poissonRegression(y, [d['x1']!], offset, { confidence: 0.99 });
    const c90 = fit90.coefficients[1]!;
    const c99 = fit99.coefficients[1]!;
    expect(c99.upper - c99.lower).toBeGreaterThan(c90.upper - c90.lower);
    // z_{0.995} / z_{0.95}: the interval's width follows the normal quantile.
    expect((c99.upper - c99.lower) / (c90.upper - c90.lower)).toBeCloseTo(
      2.5758293035489 / 1.6448536269514722,
      10,
    );
  });
});

describe('both regressions at once (countRegressions)', () => {
  const samples = ['overdispersed', 'zeros', 'near-poisson', 'poisson'].map((name) => {
    const d = readColumns('synthetic', `${name}.csv`);
    return { name, y: d['y']!, x: [d['x1']!], offset: d['population']!.map(Math.log) };
  });
  const areas = readColumns('oxfordshire', 'areas.csv');
  samples.push({
    name: 'oxfordshire',
    y: areas['violence']!,
    x: [zScore(areas['imd_score']!)],
    offset: areas['population']!.map(Math.log),
  });

  for (const s of samples)
    it(`${s.name}: gives each fit to the last digit as the functions apart do`, () => {
      const both = countRegressions(s.y, s.x, s.offset);
      expect(both.poisson).toEqual(poissonRegression(s.y, s.x, s.offset));
      expect(both.negativeBinomial).toEqual(negativeBinomialRegression(s.y, s.x, s.offset));
      // Without the null deviance, only it differs.
      const lean = countRegressions(s.y, s.x, s.offset, { nullDeviance: false });
      expect(lean.poisson.nullDeviance).toBeNaN();
      expect({ ...lean.poisson, nullDeviance: 0 }).toEqual({ ...both.poisson, nullDeviance: 0 });
      const nb = lean.negativeBinomial as NegativeBinomialFit;
      expect(nb.nullDeviance).toBeNaN();
      expect({ ...nb, nullDeviance: 0 }).toEqual({
        ...(both.negativeBinomial as NegativeBinomialFit),
        nullDeviance: 0,
      });
    });

  it('carries the Poisson fit that stopped early into the negative binomial warnings', () => {
    const s = samples[0]!;
    const both = countRegressions(s.y, s.x, s.offset, { maxIterations: 2 });
    expect(both.poisson.converged).toBe(false);
    expect(both.negativeBinomial).toEqual(
      negativeBinomialRegression(s.y, s.x, s.offset, { maxIterations: 2 }),
    );
    expect((both.negativeBinomial as NegativeBinomialFit).warnings).toContain(
      'glm.fit: algorithm did not converge',
    );
  });

  it('throws what the data make impossible, as each function does', () => {
    const s = samples[0]!;
    expect(() =>
      countRegressions(
        s.y.map(() => 0),
        s.x,
        s.offset,
      ),
    ).toThrow(/every count is 0/);
    expect(() => countRegressions(s.y, [s.x[0]!, s.x[0]!.map((v) => 2 * v)], s.offset)).toThrow(
      /collinear/,
    );
  });
});
