/**
 * Hotspot defaults that suit the data (docs/decisions/0064-readable-maps-and-hotspot-defaults.md).
 *
 * Cell size: start from sfhotspot's default (the shorter side of the area over 50, rounded down to
 * 100 m) and never go below it. Count the located incidents of the area in that grid; while they
 * average fewer than `TARGET_PER_OCCUPIED_CELL` incidents per occupied cell (a grid so fine that
 * nearly every incident sits alone in its cell shows scatter, not concentration), enlarge the cell
 * by a quarter (to whole hundreds of metres) — but never past a tenth of the shorter side, so that
 * at least ten cells span the area. The data are "too sparse for the grid" when fewer than
 * `MIN_LOCATED` incidents are located in the area, or when even the chosen size leaves fewer than
 * the target per occupied cell; the analysis then warns.
 *
 * Bandwidth: the normal-reference rule as before, with a floor of the cell size (a kernel narrower
 * than a cell samples the density too coarsely to be smooth).
 *
 * Classes over periods: Gi* on each period's counts is noise when the periods hold few incidents;
 * classes are withheld when the median period holds fewer than `MIN_PERIOD_INCIDENTS`.
 */
import type { Shape } from '../../geo/shapes.js';
import { hotspotCounts } from './hotspotCounts.js';
import { keptGrid, type GridShape } from './hotspotGrid.js';

/** Incidents wanted, on average, in each cell that holds any. */
export const TARGET_PER_OCCUPIED_CELL = 2;
/** Fewer located incidents than this in the area: too few for a grid at all. */
export const MIN_LOCATED = 50;
/** At least this many cells across the shorter side of the area, however sparse the data. */
export const MIN_CELLS_ACROSS = 10;
/** Classes over periods need the median period to hold at least this many located incidents. */
export const MIN_PERIOD_INCIDENTS = 30;

export interface Occupancy {
  /** Incidents inside the area. */
  located: number;
  cells: number;
  occupied: number;
  /** Incidents per occupied cell (0 with no incident). */
  perOccupied: number;
  /** Share of the cells that hold no incident. */
  emptyShare: number;
}

export function occupancy(counts: Float64Array): Occupancy {
  let located = 0;
  let occupied = 0;
  for (const c of counts)
    if (c > 0) {
      located += c;
      occupied++;
    }
  return {
    located,
    cells: counts.length,
    occupied,
    perOccupied: occupied === 0 ? 0 : located / occupied,
    emptyShare: counts.length === 0 ? 1 : (counts.length - occupied) / counts.length,
  };
}

export interface DensityCellSize {
  cellSize: number;
  /** sfhotspot's default, where the search started. */
  base: number;
  /** Occupancy at the base size and at the size chosen. */
  atBase: Occupancy;
  chosen: Occupancy;
  /** True when the size stopped at the largest allowed (a tenth of the shorter side). */
  capped: boolean;
}

/**
 * The next candidate size: a quarter larger, in whole hundreds of metres and at least 100 m more
 * (in whole metres, up to 100 m, below 100 m).
 */
function nextSize(s: number): number {
  const raw = s * 1.25;
  if (s < 100) return raw >= 100 ? 100 : Math.max(s + 1, Math.floor(raw));
  return Math.max(s + 100, Math.floor(raw / 100) * 100);
}

/**
 * The cell size for these points (x, y, weight n; points outside the boundary are ignored), from
 * `base` upwards by the rule above.
 */
export function densityCellSize(
  boundary: Shape,
  shape: GridShape,
  points: { x: Float64Array; y: Float64Array; n: Float64Array },
  base: number,
  shorterSide: number,
): DensityCellSize {
  const at = (cellSize: number): Occupancy =>
    occupancy(
      hotspotCounts(keptGrid(boundary, { shape, cellSize }), points.x, points.y, points.n).counts,
    );
  const atBase = at(base);
  const largest = Math.max(base, shorterSide / MIN_CELLS_ACROSS);
  let cellSize = base;
  let chosen = atBase;
  let capped = false;
  if (atBase.located === 0) return { cellSize, base, atBase, chosen, capped };
  while (chosen.perOccupied < TARGET_PER_OCCUPIED_CELL) {
    const next = nextSize(cellSize);
    if (next > largest) {
      capped = true;
      break;
    }
    cellSize = next;
    chosen = at(cellSize);
  }
  return { cellSize, base, atBase, chosen, capped };
}

/** Whether the data are too sparse for a grid of this occupancy, and why (null: they are not). */
export function sparseReason(o: Occupancy, cellSize: number): string | null {
  const per = o.perOccupied.toFixed(1);
  const empty = `${(o.cells - o.occupied).toLocaleString('en-GB')} of the ${o.cells.toLocaleString('en-GB')} cells hold no incident`;
  if (o.located < MIN_LOCATED)
    return `only ${o.located.toLocaleString('en-GB')} located incident${o.located === 1 ? ' lies' : 's lie'} in the area, fewer than ${MIN_LOCATED}: too few for a grid (${empty}); hot spots are not reliable — widen the period or the area, or read the LSOA results`;
  if (o.perOccupied < TARGET_PER_OCCUPIED_CELL)
    return `the located incidents average ${per} per occupied ${cellSize} m cell, fewer than ${TARGET_PER_OCCUPIED_CELL} (${empty}): the data are too sparse for the grid, and hot spots are not reliable — widen the period or give a larger --cell-size`;
  return null;
}

/** The median of the period totals. */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
