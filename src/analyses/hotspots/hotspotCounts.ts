/**
 * Counting points in grid cells: each point's cell found by arithmetic on the lattice (squares by
 * division; hexagons as the nearest centre of the two rows around the point, since hexagons are the
 * Voronoi cells of their centres), then, in a cell cut by the boundary, an exact test against the
 * boundary's pieces in that cell. A point outside the area is in no cell and is counted apart.
 */
import { ringsContain } from './clipPolygon.js';
import { cellCentreX, rowStep, type HotspotGrid } from './hotspotGrid.js';

/** The lattice index of the cell holding (x, y), or -1 outside the lattice rectangle. */
export function latticeIndex(grid: HotspotGrid, x: number, y: number): number {
  const s = grid.cellSize;
  let r: number;
  let c: number;
  if (grid.shape === 'square') {
    r = Math.floor(y / s);
    c = Math.floor(x / s);
  } else {
    const dy = rowStep('hex', s);
    const rLow = Math.floor(y / dy);
    let best = Infinity;
    r = rLow;
    c = 0;
    for (let rr = rLow; rr <= rLow + 1; rr++) {
      const o = (rr & 1) === 1 ? 0.5 : 0;
      const cc = Math.round(x / s - o);
      const ddx = x - cellCentreX('hex', s, rr, cc);
      const ddy = y - rr * dy;
      const d = ddx * ddx + ddy * ddy;
      if (d < best) {
        best = d;
        r = rr;
        c = cc;
      }
    }
  }
  const ri = r - grid.row0;
  const ci = c - grid.col0;
  if (ri < 0 || ri >= grid.rows || ci < 0 || ci >= grid.cols) return -1;
  return ri * grid.cols + ci;
}

/** The kept cell holding (x, y), or -1 when the point lies outside the area. */
export function locateCell(grid: HotspotGrid, x: number, y: number): number {
  const li = latticeIndex(grid, x, y);
  if (li < 0) return -1;
  const k = grid.cellAt[li]!;
  if (k < 0) return -1;
  if (grid.areaShare[k] === 1) return k;
  const pieces = grid.cutRings.get(k);
  return pieces !== undefined && ringsContain(pieces, x, y) ? k : -1;
}

export interface CellCounts {
  /** Sum of the points' weights (their number when unweighted) in each cell. */
  counts: Float64Array;
  /** Each point's cell, or -1 when outside the area. */
  cellOf: Int32Array;
  /** Points outside the area, and their total weight. */
  outside: number;
  outsideWeight: number;
  /** Total weight counted in cells. */
  total: number;
}

export function hotspotCounts(
  grid: HotspotGrid,
  xs: Float64Array,
  ys: Float64Array,
  weights?: Float64Array,
): CellCounts {
  const counts = new Float64Array(grid.n);
  const cellOf = new Int32Array(xs.length);
  let outside = 0;
  let outsideWeight = 0;
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    const k = locateCell(grid, xs[i]!, ys[i]!);
    cellOf[i] = k;
    const w = weights === undefined ? 1 : weights[i]!;
    if (k < 0) {
      outside++;
      outsideWeight += w;
    } else {
      counts[k]! += w;
      total += w;
    }
  }
  return { counts, cellOf, outside, outsideWeight, total };
}
