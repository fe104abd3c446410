/**
 * Neighbourhoods for Gi*, as compressed rows: the neighbours of unit i are
 * `indices[offsets[i] .. offsets[i + 1])`, the unit itself always among them (Gi* "star"), and all
 * weights are 1 (binary). On a grid the neighbourhood is queen's: the cells sharing an edge or a
 * corner — 8 for squares, 6 for hexagons (which meet only along edges) — among the kept cells, as
 * sfhotspot gets from spdep::dnearneigh with a distance of cell size × √2.
 */
import type { HotspotGrid } from './hotspotGrid.js';

export interface Neighbours {
  offsets: Int32Array;
  indices: Int32Array;
}

export const neighbourCount = (nb: Neighbours, i: number): number =>
  nb.offsets[i + 1]! - nb.offsets[i]!;

const SQUARE_STEPS: readonly (readonly [number, number])[] = [
  [-1, -1],
  [-1, 0],
  [-1, 1],
  [0, -1],
  [0, 1],
  [1, -1],
  [1, 0],
  [1, 1],
];
// Pointy-topped hexagons, odd rows shifted right by half a cell.
const HEX_STEPS_EVEN: readonly (readonly [number, number])[] = [
  [-1, -1],
  [-1, 0],
  [0, -1],
  [0, 1],
  [1, -1],
  [1, 0],
];
const HEX_STEPS_ODD: readonly (readonly [number, number])[] = [
  [-1, 0],
  [-1, 1],
  [0, -1],
  [0, 1],
  [1, 0],
  [1, 1],
];

export function gridNeighbours(grid: HotspotGrid): Neighbours {
  const { n, rows, cols, row0, col0, cellAt } = grid;
  const perCell = grid.shape === 'square' ? 9 : 7;
  const offsets = new Int32Array(n + 1);
  const scratch = new Int32Array(n * perCell);
  let at = 0;
  for (let k = 0; k < n; k++) {
    offsets[k] = at;
    scratch[at++] = k;
    const r = grid.row[k]!;
    const ri = r - row0;
    const ci = grid.col[k]! - col0;
    const steps =
      grid.shape === 'square' ? SQUARE_STEPS : (r & 1) === 1 ? HEX_STEPS_ODD : HEX_STEPS_EVEN;
    for (const [dr, dc] of steps) {
      const rr = ri + dr;
      const cc = ci + dc;
      if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) continue;
      const j = cellAt[rr * cols + cc]!;
      if (j >= 0) scratch[at++] = j;
    }
  }
  offsets[n] = at;
  return { offsets, indices: scratch.slice(0, at) };
}

/**
 * Neighbours within a distance, by comparing every pair (with the unit itself): the direct
 * definition spdep::dnearneigh implements, for tests and the benchmark. Quadratic in the units.
 */
export function distanceNeighboursBruteForce(
  xs: Float64Array,
  ys: Float64Array,
  distance: number,
): Neighbours {
  const n = xs.length;
  const lists: number[][] = [];
  const d2 = distance * distance;
  for (let i = 0; i < n; i++) {
    const list = [i];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = xs[i]! - xs[j]!;
      const dy = ys[i]! - ys[j]!;
      if (dx * dx + dy * dy <= d2) list.push(j);
    }
    lists.push(list);
  }
  return fromLists(lists);
}

export function fromLists(lists: readonly (readonly number[])[]): Neighbours {
  const offsets = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const indices = new Int32Array(offsets[lists.length]!);
  lists.forEach((l, i) => indices.set(l, offsets[i]!));
  return { offsets, indices };
}

/** The neighbours of each unit other than itself, sorted: for comparison and output. */
export function neighbourLists(nb: Neighbours): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < nb.offsets.length; i++) {
    const list: number[] = [];
    for (let a = nb.offsets[i]!; a < nb.offsets[i + 1]!; a++)
      if (nb.indices[a] !== i) list.push(nb.indices[a]!);
    out.push(list.sort((a, b) => a - b));
  }
  return out;
}
