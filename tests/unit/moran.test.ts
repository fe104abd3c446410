/**
 * Moran's I against R's spdep::moran.test on the fixtures of tests/fixtures/causes/: the 5 × 5
 * grid with rook neighbours (with and without an area that has no neighbour, both weight styles,
 * both variances, the three alternatives), and the 428 Oxfordshire LSOAs with R's k = 6 nearest
 * neighbours (made symmetric) on their violence rate and on the Pearson residuals of the six
 * regressions — R's residuals, and svd's own residuals from svd's fits. I, E(I), V(I), the
 * standard deviate and p within 1e-9 (relative beyond 1). Then refusals and the island rule.
 */
import { describe, expect, it } from 'vitest';
import { negativeBinomialRegression, poissonRegression } from '../../src/core/statistics/glm.js';
import { moranTest, type MoranTest } from '../../src/core/statistics/moran.js';
import {
  expectClose,
  listOf,
  num,
  readColumns,
  readExpected,
  readNeighbours,
  zScore,
  type RMoran,
} from './causes-fixtures.js';

function compare(m: MoranTest, r: RMoran): void {
  expectClose(m.statistic, r.I, `${r.name}: I`);
  expectClose(m.expectation, r.expectation, `${r.name}: E(I)`);
  expectClose(m.variance, r.variance, `${r.name}: V(I)`);
  expectClose(m.standardDeviate, r.standardDeviate, `${r.name}: standard deviate`);
  expectClose(m.p, r.p, `${r.name}: p`);
}

function optionsOf(r: RMoran) {
  return { style: r.style, randomisation: r.randomisation, alternative: r.alternative };
}

describe('the 5 × 5 grid with rook neighbours, as spdep computes it', () => {
  const expected = readExpected('grid');
  const grid = readNeighbours('grid');
  const withIsland = [...grid, []];

  it('has the rook neighbours of a 5 × 5 grid', () => {
    expect(grid).toHaveLength(25);
    expect(grid[0]).toEqual([1, 5]);
    expect(grid[12]).toEqual([7, 11, 13, 17]);
    expect(expected.moran).toHaveLength(24);
  });

  for (const r of expected.moran)
    it(r.name, () => {
      const x = r.x.map(num);
      const m = moranTest(x, x.length === 26 ? withIsland : grid, optionsOf(r));
      compare(m, r);
      expect(m.withoutNeighbours).toBe(x.length === 26 ? 1 : 0);
    });
});

describe('Oxfordshire LSOAs with their 6 nearest neighbours, as spdep computes it', () => {
  const expected = readExpected('oxfordshire');
  const nb = readNeighbours('oxfordshire');
  const areas = readColumns('oxfordshire', 'areas.csv');

  it('has a symmetric list of at least 6 neighbours for each of the 428 areas', () => {
    expect(nb).toHaveLength(428);
    nb.forEach((list, i) => {
      expect(list.length).toBeGreaterThanOrEqual(6);
      for (const j of list) expect(nb[j]).toContain(i);
    });
  });

  const asymmetric = readNeighbours('oxfordshire', 'neighbours-knn6-asymmetric.csv');

  it('has an asymmetric list of exactly 6 neighbours beside it', () => {
    expect(asymmetric.every((list) => list.length === 6)).toBe(true);
    expect(asymmetric.some((list, i) => list.some((j) => !asymmetric[j]!.includes(i)))).toBe(true);
  });

  for (const r of expected.moran)
    it(`${r.name} (R's values)`, () => {
      const list = r.name.includes('asymmetric') ? asymmetric : nb;
      compare(moranTest(r.x.map(num), list, optionsOf(r)), r);
    });

  it('the rate computed here gives R’s test', () => {
    const rate = areas['violence']!.map((v, i) => (1000 * v) / areas['population']![i]!);
    compare(
      moranTest(rate, nb),
      expected.moran.find((m) => m.name === 'rate, style W')!,
    );
  });

  it('the residuals of the fits computed here give R’s tests', () => {
    const covariates: Record<string, number[]> = {
      imd_score_z: zScore(areas['imd_score']!),
      income_score_z: zScore(areas['income_score']!),
      imd_decile: areas['imd_decile']!,
    };
    const offset = areas['population']!.map(Math.log);
    for (const model of expected.models) {
      const x = listOf(model.covariates).map((c) => covariates[c]!);
      const fit =
        model.family === 'poisson'
          ? poissonRegression(areas['violence']!, x, offset)
          : negativeBinomialRegression(areas['violence']!, x, offset);
      const r = expected.moran.find((m) => m.name === `pearson residuals, ${model.name}`)!;
      compare(moranTest(fit.pearsonResiduals, nb), r);
    }
  });
});

describe('the weights of a neighbour list, made once', () => {
  const grid = readNeighbours('grid');
  const x = grid.map((_, i) => Math.sin(i * 1.7) * 10 + (i % 5));

  it('the same lists give the same test: seen before, in the other style, or as a copy', () => {
    const lists = grid.map((l) => [...l]);
    const first = moranTest(x, lists);
    const binary = moranTest(x, lists, { style: 'B' });
    expect(moranTest(x, lists)).toEqual(first);
    expect(moranTest(x, lists, { style: 'B' })).toEqual(binary);
    expect(moranTest(x, structuredClone(lists))).toEqual(first);
    expect(moranTest(x, structuredClone(lists), { style: 'B' })).toEqual(binary);
    expect(binary.statistic).not.toBe(first.statistic);
  });

  it('lists refused once are refused again', () => {
    const bad = grid.map((l, i) => (i === 3 ? [...l, 3] : [...l]));
    expect(() => moranTest(x, bad)).toThrow(/own neighbour/);
    expect(() => moranTest(x, bad)).toThrow(/own neighbour/);
  });
});

describe('refusals and areas without neighbours', () => {
  const grid = readNeighbours('grid');
  const x = Array.from({ length: 25 }, (_, i) => (i * 7) % 11);

  it('refuses lists that do not match the values', () => {
    expect(() => moranTest(x.slice(1), grid)).toThrow(/25 neighbour lists for 24 values/);
    expect(() => moranTest(x, [[25], ...grid.slice(1)])).toThrow(/neighbour 25 is not an index/);
    expect(() => moranTest(x, [[0, 1], ...grid.slice(1)])).toThrow(/its own neighbour/);
    expect(() => moranTest(x, [[1, 1], ...grid.slice(1)])).toThrow(/neighbour 1 twice/);
    expect(() => moranTest([NaN, ...x.slice(1)], grid)).toThrow(/value 1 is NaN/);
    expect(() =>
      moranTest(
        x.map(() => 4),
        grid,
      ),
    ).toThrow(/all equal/);
    expect(() => moranTest(x, grid, { alternative: 'both' as unknown as 'greater' })).toThrow(
      /alternative must be/,
    );
  });

  it('an area without neighbours does not change I when its value is the mean of the others', () => {
    // Its z is then 0: it adds nothing to Σz² or to the cross-products, and n leaves it out.
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const alone = moranTest(x, grid);
    const island = moranTest([...x, mean], [...grid, []]);
    expect(island.statistic).toBeCloseTo(alone.statistic, 12);
    expect(island.expectation).toBe(alone.expectation);
    expect(island.withoutNeighbours).toBe(1);
  });
});
