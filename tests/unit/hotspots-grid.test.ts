/**
 * Grids, counts, neighbours and kernel density, checked by properties and against brute force:
 * square and hexagonal cells tile a concave area with a hole and a second part, every point inside
 * lies in exactly one kept cell, areas and counts add up; neighbours equal spdep's distance rule
 * computed pair by pair; the KDE equals the direct quartic sum.
 */
import { describe, expect, it } from 'vitest';
import { makeShape, shapeArea, shapeContains, type Shape } from '../../src/geo/shapes.js';
import { ringsContain } from '../../src/analyses/hotspots/clipPolygon.js';
import { hotspotCounts, locateCell } from '../../src/analyses/hotspots/hotspotCounts.js';
import {
  autoCellSize,
  cellRing,
  hotspotGrid,
  type GridShape,
  type HotspotGrid,
} from '../../src/analyses/hotspots/hotspotGrid.js';
import {
  autoBandwidth,
  bandwidthNrd,
  hotspotKde,
  hotspotKdeBruteForce,
} from '../../src/analyses/hotspots/hotspotKde.js';
import {
  distanceNeighboursBruteForce,
  gridNeighbours,
  neighbourLists,
} from '../../src/analyses/hotspots/hotspotNeighbours.js';
import { seededRandom } from '../../src/core/random.js';

/** A wobbly star (concave), with a square hole, and a separate triangle: a MultiPolygon. */
function testArea(): Shape {
  const cx = 451_000.3;
  const cy = 206_000.7;
  const star: number[] = [];
  for (let k = 0; k < 60; k++) {
    const a = (k / 60) * 2 * Math.PI;
    const r = 2_000 + (k % 2 === 0 ? 700 : 0) + 150 * Math.sin(5 * a);
    star.push(cx + r * Math.cos(a), cy + r * Math.sin(a));
  }
  const hole = [cx - 300, cy - 250, cx - 300, cy + 320, cx + 410, cy + 320, cx + 410, cy - 250];
  const triangle = [cx + 3_500, cy - 500, cx + 4_300, cy - 480, cx + 3_900, cy + 400];
  return makeShape([Float64Array.from(star), Float64Array.from(hole), Float64Array.from(triangle)]);
}

function randomPoints(shape: Shape, n: number, seed: number): { x: Float64Array; y: Float64Array } {
  const random = seededRandom(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Clusters and a uniform background over the bounding box (so some points fall outside).
    if (random.chance(0.6)) {
      const c = random.int(0, 4);
      x[i] =
        shape.minX + (0.2 + 0.15 * c) * (shape.maxX - shape.minX) + (random.next() - 0.5) * 600;
      y[i] = shape.minY + (0.3 + 0.1 * c) * (shape.maxY - shape.minY) + (random.next() - 0.5) * 600;
    } else {
      x[i] = shape.minX + random.next() * (shape.maxX - shape.minX);
      y[i] = shape.minY + random.next() * (shape.maxY - shape.minY);
    }
  }
  return { x, y };
}

/** The kept cells whose whole outline holds the point (brute force over every cell). */
function cellsHolding(grid: HotspotGrid, x: number, y: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < grid.n; k++) {
    if (Math.abs(grid.x[k]! - x) > grid.cellSize || Math.abs(grid.y[k]! - y) > grid.cellSize)
      continue;
    if (ringsContain([cellRing(grid, grid.x[k]!, grid.y[k]!)], x, y)) out.push(k);
  }
  return out;
}

const CASES: { shape: GridShape; cellSize: number }[] = [
  { shape: 'square', cellSize: 100 },
  { shape: 'square', cellSize: 137 },
  { shape: 'hex', cellSize: 150 },
  { shape: 'hex', cellSize: 93 },
];

describe.each(CASES)('a $shape grid of $cellSize m over a concave area with a hole', (c) => {
  const area = testArea();
  const grid = hotspotGrid(area, c);
  const pts = randomPoints(area, 20_000, 3);

  it('keeps cells whose areas inside add up to the area', () => {
    let sum = 0;
    for (let k = 0; k < grid.n; k++) {
      expect(grid.areaShare[k]).toBeGreaterThan(0);
      expect(grid.areaShare[k]).toBeLessThanOrEqual(1);
      sum += grid.areaShare[k]! * grid.cellArea;
    }
    expect(Math.abs(sum - shapeArea(area)) / shapeArea(area)).toBeLessThan(1e-9);
    expect(Math.abs(grid.area - shapeArea(area)) / shapeArea(area)).toBeLessThan(1e-9);
    expect(grid.cutRings.size).toBeGreaterThan(0);
  });

  it('puts every point inside the area in exactly one kept cell, and no point outside in any', () => {
    let inside = 0;
    for (let i = 0; i < pts.x.length; i++) {
      const x = pts.x[i]!;
      const y = pts.y[i]!;
      const k = locateCell(grid, x, y);
      const isInside = shapeContains(area, x, y);
      expect(k >= 0, `point ${x}, ${y}`).toBe(isInside);
      if (isInside) {
        inside++;
        expect(cellsHolding(grid, x, y)).toEqual([k]);
      }
    }
    expect(inside).toBeGreaterThan(5_000);
    const counts = hotspotCounts(grid, pts.x, pts.y);
    expect(counts.total).toBe(inside);
    expect(counts.outside).toBe(pts.x.length - inside);
    expect(counts.counts.reduce((s, v) => s + v, 0)).toBe(inside);
  });

  it('has cells that do not overlap: cell centres hold only their own cell', () => {
    for (let k = 0; k < grid.n; k += 7)
      expect(cellsHolding(grid, grid.x[k]!, grid.y[k]!)).toEqual([k]);
  });

  it('gives each cell the queen neighbours that spdep::dnearneigh finds within 1.5 cells', () => {
    const ours = neighbourLists(gridNeighbours(grid));
    const brute = neighbourLists(distanceNeighboursBruteForce(grid.x, grid.y, 1.5 * grid.cellSize));
    expect(ours).toEqual(brute);
    const full = c.shape === 'square' ? 8 : 6;
    expect(Math.max(...ours.map((l) => l.length))).toBe(full);
  });

  it('computes the quartic KDE exactly as the direct sum over every point and cell', () => {
    const random = seededRandom(11);
    const weights = Float64Array.from(pts.x, () => (random.chance(0.1) ? 0 : 0.5 + random.next()));
    const few = { x: pts.x.subarray(0, 1_500), y: pts.y.subarray(0, 1_500) };
    for (const bandwidth of [80, 250, 1_000]) {
      for (const w of [undefined, weights.subarray(0, 1_500)]) {
        const opts = { bandwidth, ...(w === undefined ? {} : { weights: w }) };
        const fast = hotspotKde(grid, few.x, few.y, opts);
        const brute = hotspotKdeBruteForce(grid, few.x, few.y, opts);
        const top = Math.max(...brute);
        expect(top).toBeGreaterThan(0);
        for (let k = 0; k < grid.n; k++)
          expect(Math.abs(fast[k]! - brute[k]!)).toBeLessThanOrEqual(1e-12 * top);
      }
    }
  });
});

describe('kernel density', () => {
  it('integrates to the number of points away from the edges', () => {
    const square = makeShape([Float64Array.of(0, 0, 20_000, 0, 20_000, 20_000, 0, 20_000)]);
    const grid = hotspotGrid(square, { shape: 'square', cellSize: 50 });
    const random = seededRandom(5);
    const n = 2_000;
    const x = Float64Array.from({ length: n }, () => 8_000 + random.next() * 4_000);
    const y = Float64Array.from({ length: n }, () => 8_000 + random.next() * 4_000);
    const kde = hotspotKde(grid, x, y, { bandwidth: 600 });
    const mass = kde.reduce((s, v) => s + v, 0) * (grid.cellArea / 1e6);
    expect(Math.abs(mass - n) / n).toBeLessThan(0.002);
  });

  it("chooses MASS::bandwidth.nrd per axis (R's values) and their mean", () => {
    // R: MASS::bandwidth.nrd(c(1,2,2,3,5,8,13,21,34,55)) and of c(3,1,4,1,5,9,2,6,5,3,5)
    const x = Float64Array.of(1, 2, 2, 3, 5, 8, 13, 21, 34, 55);
    const y = Float64Array.of(3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5);
    expect(Math.abs(bandwidthNrd(x) - 33.44073925745024)).toBeLessThan(1e-12);
    expect(Math.abs(bandwidthNrd(y) - 4.8969145964542999)).toBeLessThan(1e-12);
    // Repeated values given as multiplicities: rep(c(1, 4, 9), c(3, 1, 2)).
    expect(
      Math.abs(
        bandwidthNrd(Float64Array.of(9, 1, 4), Float64Array.of(2, 3, 1)) - 11.615166558472158,
      ),
    ).toBeLessThan(1e-12);
    // The same value at several locations (the y of points on one row) is one value repeated.
    // By hand: 2 five times, 5 five times, 7 three times; n = 13, sd = 2.05688337801861,
    // q25 = 2, q75 = 5, so 4 · 1.06 · min(sd, 3 / 1.34) · 13^(−1/5) = 5.22139867620686.
    const given = bandwidthNrd(
      Float64Array.of(5, 2, 5, 7, 2, 5),
      Float64Array.of(1, 4, 2, 3, 1, 2),
    );
    expect(Math.abs(given - 5.2213986762068645)).toBeLessThan(1e-12);
    const expanded = bandwidthNrd(Float64Array.of(5, 2, 2, 2, 2, 5, 5, 7, 7, 7, 2, 5, 5));
    expect(Math.abs(given - expanded)).toBeLessThan(1e-12);
    const xs = Float64Array.of(0, 100, 200, 300, 1_000);
    const ys = Float64Array.of(0, 50, 60, 70, 80);
    const b = autoBandwidth(xs, ys);
    expect(b.bandwidth).toBe(Math.round((bandwidthNrd(xs) + bandwidthNrd(ys)) / 2));
  });
});

describe('cell size and refusals', () => {
  it('takes 50 cells across the shorter side, rounded down to 100 m (as sfhotspot)', () => {
    const box = (w: number, h: number) => ({ minX: 0, minY: 0, maxX: w, maxY: h });
    expect(autoCellSize(box(12_000, 8_800)).cellSize).toBe(100);
    expect(autoCellSize(box(60_000, 59_100)).cellSize).toBe(1_100);
    expect(autoCellSize(box(3_000, 9_000)).cellSize).toBe(60);
  });

  it('refuses a bad cell size and an unknown grid, naming the accepted shapes', () => {
    const area = testArea();
    expect(() => hotspotGrid(area, { shape: 'square', cellSize: 0 })).toThrow(/cell size 0/);
    expect(() => hotspotGrid(area, { shape: 'circle' as GridShape, cellSize: 100 })).toThrow(
      /invalid grid "circle"/,
    );
    expect(() => hotspotGrid(area, { shape: 'square', cellSize: 0.5 })).toThrow(
      /choose a larger|cells/,
    );
  });
});
