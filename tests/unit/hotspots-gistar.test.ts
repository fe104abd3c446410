/**
 * Gi*, its p-values and their corrections against independent references: R spdep's localG on the
 * hand-made 5 × 5 grid (tests/fixtures/hotspots/grid-5x5, made by scripts/reference), hand-worked
 * Benjamini–Hochberg, Holm and Bonferroni lists, and seeded permutation inference.
 */
import { describe, expect, it } from 'vitest';
import { makeShape } from '../../src/geo/shapes.js';
import {
  adjustPValues,
  adjustPValuesDirect,
  parseCorrection,
  CORRECTIONS,
} from '../../src/analyses/hotspots/adjustPValues.js';
import { hotspotCounts } from '../../src/analyses/hotspots/hotspotCounts.js';
import {
  hotspotGistar,
  hotspotGistarPermutation,
} from '../../src/analyses/hotspots/hotspotGistar.js';
import { hotspotGrid } from '../../src/analyses/hotspots/hotspotGrid.js';
import { gridNeighbours, neighbourLists } from '../../src/analyses/hotspots/hotspotNeighbours.js';
import { normalTwoSidedP, normalTwoSidedPs } from '../../src/analyses/hotspots/normalPValue.js';
import { close, readFixtureCsv, relativelyClose } from '../helpers/fixtureCsv.js';
import { seededRandom } from '../../src/core/random.js';

const input = readFixtureCsv('hotspots', 'grid-5x5', 'input.csv');
const expected = readFixtureCsv('hotspots', 'grid-5x5', 'expected.csv');

/** The 5 × 5 grid built as svd builds any grid: a boundary, cells, and points counted into them. */
function grid5x5() {
  const boundary = makeShape([
    Float64Array.of(450000, 206000, 450500, 206000, 450500, 206500, 450000, 206500),
  ]);
  const grid = hotspotGrid(boundary, { shape: 'square', cellSize: 100 });
  const xs: number[] = [];
  const ys: number[] = [];
  for (const row of input)
    for (let k = 0; k < Number(row['count']); k++) {
      // Spread inside the cell, away from its edges.
      xs.push(Number(row['easting']) - 40 + ((k * 17) % 80));
      ys.push(Number(row['northing']) - 40 + ((k * 29) % 80));
    }
  const counts = hotspotCounts(grid, Float64Array.from(xs), Float64Array.from(ys));
  // Cell index of each fixture row, by its centre.
  const order = input.map((row) => {
    for (let k = 0; k < grid.n; k++)
      if (grid.x[k] === Number(row['easting']) && grid.y[k] === Number(row['northing'])) return k;
    throw new Error(`no cell at ${row['easting']}, ${row['northing']}`);
  });
  return { grid, counts, order };
}

describe('Gi* on the hand-made 5 × 5 grid', () => {
  const { grid, counts, order } = grid5x5();
  const nb = gridNeighbours(grid);
  const g = hotspotGistar(counts.counts, nb);

  it('counts the points into the 25 cells as drawn', () => {
    expect(grid.n).toBe(25);
    expect(order.map((k) => counts.counts[k])).toEqual(input.map((r) => Number(r['count'])));
  });

  it('gives the centre cell z = 3.943260', () => {
    const centre = order[12]!;
    expect(g.z[centre]!.toFixed(6)).toBe('3.943260');
  });

  it('agrees with spdep::localG on every cell within 1e-9', () => {
    order.forEach((k, i) => {
      expect(close(g.z[k]!, Number(expected[i]!['z']), 1e-9), `cell ${i + 1}`).toBe(true);
    });
  });

  it('has the same queen neighbours as spdep::dnearneigh', () => {
    const lists = neighbourLists(nb);
    const back = new Map(order.map((k, i) => [k, i + 1]));
    order.forEach((k, i) => {
      const ours = lists[k]!.map((j) => back.get(j)!).sort((a, b) => a - b);
      expect(ours.join(' ')).toBe(expected[i]!['neighbours']);
    });
  });

  it('gives the two-sided p-values and their corrections as R (relative 1e-10)', () => {
    const p = normalTwoSidedPs(g.z);
    const columns = { fdr: 'p_fdr', bonferroni: 'p_bonferroni', holm: 'p_holm' } as const;
    order.forEach((k, i) => {
      expect(relativelyClose(p[k]!, Number(expected[i]!['p']), 1e-10), `p of cell ${i + 1}`).toBe(
        true,
      );
    });
    for (const [method, column] of Object.entries(columns)) {
      const adj = adjustPValues(p, method as keyof typeof columns);
      order.forEach((k, i) =>
        expect(
          relativelyClose(adj[k]!, Number(expected[i]![column]), 1e-10),
          `${method} of cell ${i + 1}`,
        ).toBe(true),
      );
    }
  });
});

describe('normal p-values', () => {
  it('match R 2 * pnorm(-abs(z)) in the far tail', () => {
    // R: sprintf("%.17g", 2 * pnorm(-c(10, 6, 0.5, 1.2)))
    expect(relativelyClose(normalTwoSidedP(10), 1.5239706048321054e-23, 1e-12)).toBe(true);
    expect(relativelyClose(normalTwoSidedP(-6), 1.9731752900753962e-9, 1e-12)).toBe(true);
    expect(relativelyClose(normalTwoSidedP(0.5), 0.61707507745197387, 1e-13)).toBe(true);
    expect(relativelyClose(normalTwoSidedP(1.2), 0.23013934044341655, 1e-13)).toBe(true);
    expect(normalTwoSidedP(0)).toBe(1);
    expect(Number.isNaN(normalTwoSidedP(NaN))).toBe(true);
  });
});

describe('multiple-testing corrections', () => {
  const p = Float64Array.of(0.01, 0.04, 0.03, 0.005, 0.2, NaN);

  it('Benjamini–Hochberg, worked by hand (m = 5, NaN left out)', () => {
    // Sorted: 0.005, 0.01, 0.03, 0.04, 0.2 → ×5/k: 0.025, 0.025, 0.05, 0.05, 0.2 → running minimum
    // from the largest down: 0.025, 0.025, 0.05, 0.05, 0.2.
    expect([...adjustPValues(p, 'fdr')]).toEqual([0.025, 0.05, 0.05, 0.025, 0.2, NaN]);
  });

  it('Holm and Bonferroni, worked by hand', () => {
    // Holm: ×5, ×4, ×3, ×2, ×1 of the sorted values = 0.025, 0.04, 0.09, 0.08, 0.2 → running max.
    const holm = [...adjustPValues(p, 'holm')];
    expect(holm.slice(0, 5).map((v) => Number(v.toFixed(12)))).toEqual([
      0.04, 0.09, 0.09, 0.025, 0.2,
    ]);
    const bonf = [...adjustPValues(p, 'bonferroni')];
    expect(bonf.slice(0, 5).map((v) => Number(v.toFixed(12)))).toEqual([0.05, 0.2, 0.15, 0.025, 1]);
    expect([...adjustPValues(p, 'none')].slice(0, 5)).toEqual([0.01, 0.04, 0.03, 0.005, 0.2]);
  });

  it('gives tied p-values the same adjusted value', () => {
    expect(
      [...adjustPValues(Float64Array.of(0.02, 0.02, 0.5), 'fdr')].map((v) => v.toFixed(12)),
    ).toEqual(['0.030000000000', '0.030000000000', '0.500000000000']);
  });

  it('agree with the direct sort-by-index formulas on random lists with ties', () => {
    const random = seededRandom(7);
    for (let t = 0; t < 50; t++) {
      const list = Array.from({ length: 1 + random.int(0, 300) }, () =>
        random.chance(0.05) ? NaN : Math.round(random.next() * 200) / 1000,
      );
      for (const method of CORRECTIONS) {
        const fast = adjustPValues(Float64Array.from(list), method);
        const direct = adjustPValuesDirect(list, method);
        direct.forEach((d, i) =>
          Number.isNaN(d)
            ? expect(Number.isNaN(fast[i]!)).toBe(true)
            : expect(Math.abs(fast[i]! - d)).toBeLessThan(1e-15),
        );
      }
    }
  });

  it('refuses an unknown name, listing the accepted ones', () => {
    expect(() => parseCorrection('fdr-by')).toThrow(/invalid correction "fdr-by"/);
    try {
      parseCorrection('bh');
    } catch (e) {
      expect((e as { fix: string }).fix).toBe(
        'use one of: fdr (Benjamini–Hochberg, the default), bonferroni, holm, none',
      );
    }
    expect(parseCorrection('holm')).toBe('holm');
  });
});

describe('permutation inference', () => {
  const { grid, counts, order } = grid5x5();
  const nb = gridNeighbours(grid);
  const g = hotspotGistar(counts.counts, nb);
  const run = (seed: number) =>
    hotspotGistarPermutation(counts.counts, nb, g.lag, { permutations: 999, seed });

  it('is reproducible with a seed, and differs with another', () => {
    const a = run(42);
    expect([...run(42)]).toEqual([...a]);
    expect([...run(43)]).not.toEqual([...a]);
  });

  it('gives two-sided p-values in [2/(n+1), 1], small for the centre, large for quiet cells', () => {
    const p = run(1);
    for (const v of p) {
      expect(v).toBeGreaterThanOrEqual(2 / 1000);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(p[order[12]!]).toBeLessThan(0.01);
    // Cells whose normal p is large are not significant by permutation either.
    const normal = normalTwoSidedPs(g.z);
    for (let k = 0; k < grid.n; k++) if (normal[k]! > 0.5) expect(p[k]).toBeGreaterThan(0.1);
  });
});
