/**
 * A grid of square or hexagonal cells in British National Grid metres over an area, clipped to the
 * area's boundary: every cell that overlaps the area is kept (whole, with the share of its area
 * that lies inside), every cell wholly outside is dropped. The kept cells therefore cover the area
 * exactly once: each point inside the area lies in exactly one kept cell.
 *
 * The lattice is anchored at the National Grid origin, so the same cell size always gives the same
 * cells whatever the area (grids of two areas, or of two runs, line up). Squares have sides of
 * `cellSize`; hexagons are pointy-topped with `cellSize` between opposite (vertical) edges, as
 * sf::st_make_grid draws them, in rows `cellSize·√3/2` apart with odd rows shifted by half a cell.
 *
 * How cells are sorted into inside, outside and cut: cells touched by a boundary segment's bounding
 * box are cut candidates and are clipped exactly (Sutherland–Hodgman against the cell); every other
 * cell is wholly inside or wholly outside, which the parity of boundary crossings left of its
 * centre (one scanline per row) decides. Work is proportional to cells plus boundary vertices times
 * the rows they span, never cells times vertices. See docs/decisions/0020-hotspot-grid.md.
 */
import { usageError } from '../../core/errors.js';
import { KeptWith } from '../../core/keptWith.js';
import { makeShape, shapeContains, type Shape } from '../../geo/shapes.js';
import { clipRingHalfPlane, signedRingArea } from './clipPolygon.js';

export const GRID_SHAPES = ['square', 'hex'] as const;
export type GridShape = (typeof GRID_SHAPES)[number];

export interface HotspotGrid {
  shape: GridShape;
  /** Square side, or the distance between a hexagon's opposite edges (metres). */
  cellSize: number;
  /** Area of a whole cell (m²). */
  cellArea: number;
  /** The lattice rectangle the kept cells lie in (global row and column indices). */
  row0: number;
  col0: number;
  rows: number;
  cols: number;
  /** Lattice index (row - row0) · cols + (col - col0) → kept cell index, or -1. */
  cellAt: Int32Array;
  /** Number of kept cells. */
  n: number;
  row: Int32Array;
  col: Int32Array;
  /** Cell centres (easting, northing). */
  x: Float64Array;
  y: Float64Array;
  /** Share of each cell's area inside the boundary: 1 for inner cells, less for cut ones. */
  areaShare: Float64Array;
  /** The boundary clipped to each cut cell (areaShare < 1), for exact point tests. */
  cutRings: Map<number, Float64Array[]>;
  /** Area of the boundary (m²), summed over the kept cells. */
  area: number;
}

export const SQRT3 = Math.sqrt(3);

/** Distance between the centres of two neighbouring rows. */
export function rowStep(shape: GridShape, cellSize: number): number {
  return shape === 'square' ? cellSize : (SQRT3 / 2) * cellSize;
}

export function cellCentreX(shape: GridShape, cellSize: number, row: number, col: number): number {
  return shape === 'square'
    ? (col + 0.5) * cellSize
    : (col + ((row & 1) === 1 ? 0.5 : 0)) * cellSize;
}

export function cellCentreY(shape: GridShape, cellSize: number, row: number): number {
  return shape === 'square' ? (row + 0.5) * cellSize : row * rowStep('hex', cellSize);
}

/** Horizontal offset of a row's centres from multiples of the cell size. */
function rowOffset(shape: GridShape, cellSize: number, row: number): number {
  return shape === 'square' ? 0.5 * cellSize : (row & 1) === 1 ? 0.5 * cellSize : 0;
}

/** Half-height of a cell (square: half the side; hexagon: the circumradius). */
function halfHeight(shape: GridShape, cellSize: number): number {
  return shape === 'square' ? cellSize / 2 : cellSize / SQRT3;
}

const HEX_NORMALS = [0, 1, 2, 3, 4, 5].map((k) => [
  Math.cos((k * Math.PI) / 3),
  Math.sin((k * Math.PI) / 3),
]) as [number, number][];

/** The cell's outline, counter-clockwise, as a flat x,y ring (4 or 6 corners). */
export function cellRing(
  grid: Pick<HotspotGrid, 'shape' | 'cellSize'>,
  cx: number,
  cy: number,
): Float64Array {
  const s = grid.cellSize;
  if (grid.shape === 'square') {
    const h = s / 2;
    return Float64Array.of(cx - h, cy - h, cx + h, cy - h, cx + h, cy + h, cx - h, cy + h);
  }
  const r = s / SQRT3;
  const out = new Float64Array(12);
  for (let k = 0; k < 6; k++) {
    const a = ((30 + 60 * k) * Math.PI) / 180;
    out[2 * k] = cx + r * Math.cos(a);
    out[2 * k + 1] = cy + r * Math.sin(a);
  }
  return out;
}

/** Clips a ring to one cell (already clipped to the cell's row band). */
function clipToCell(
  ring: Float64Array,
  shape: GridShape,
  cellSize: number,
  cx: number,
  cy: number,
): Float64Array {
  const h = cellSize / 2;
  if (shape === 'square') {
    let r = clipRingHalfPlane(ring, -1, 0, -(cx - h));
    if (r.length === 0) return r;
    r = clipRingHalfPlane(r, 1, 0, cx + h);
    return r;
  }
  let r = ring;
  for (const [nx, ny] of HEX_NORMALS) {
    r = clipRingHalfPlane(r, nx, ny, nx * cx + ny * cy + h);
    if (r.length === 0) return r;
  }
  return r;
}

/** +1 for an outer ring, -1 for a hole (a ring inside an odd number of the others). */
function ringSigns(shape: Shape): Int8Array {
  const signs = new Int8Array(shape.rings.length);
  const single = shape.rings.map((r) => makeShape([r]));
  shape.rings.forEach((r, i) => {
    let depth = 0;
    for (let j = 0; j < shape.rings.length; j++)
      if (j !== i && shapeContains(single[j]!, r[0]!, r[1]!)) depth++;
    signs[i] = depth % 2 === 0 ? 1 : -1;
  });
  return signs;
}

/** Cells whose area inside is below this share of a cell are treated as touching only. */
const TOUCH = 1e-9;

export interface GridOptions {
  shape: GridShape;
  cellSize: number;
}

export function hotspotGrid(boundary: Shape, options: GridOptions): HotspotGrid {
  const { shape } = options;
  const s = options.cellSize;
  if (!(s > 0) || !Number.isFinite(s))
    throw usageError('BAD_CELL_SIZE', `cell size ${s} is not a positive number of metres`);
  if (!(GRID_SHAPES as readonly string[]).includes(shape))
    throw usageError(
      'BAD_GRID',
      `invalid grid "${shape}"`,
      `use one of: ${GRID_SHAPES.join(', ')}`,
    );
  const dy = rowStep(shape, s);
  const hh = halfHeight(shape, s);
  const { minX, minY, maxX, maxY } = boundary;
  const row0 = shape === 'square' ? Math.floor(minY / s) : Math.floor((minY - hh) / dy);
  const rowLast = shape === 'square' ? Math.floor(maxY / s) : Math.ceil((maxY + hh) / dy);
  const col0 = Math.floor(minX / s) - 1;
  const colLast = Math.floor(maxX / s) + 1;
  const rows = rowLast - row0 + 1;
  const cols = colLast - col0 + 1;
  if (rows * cols > 50_000_000)
    throw usageError(
      'GRID_TOO_LARGE',
      `a ${s} m grid over this area needs ${(rows * cols).toLocaleString('en-GB')} cells`,
      'choose a larger --cell-size',
    );
  const cellAreaWhole = shape === 'square' ? s * s : (SQRT3 / 2) * s * s;
  const eps = s * 1e-9;

  // 1. Cut candidates: cells whose bounding box meets a boundary segment's (pieces ≤ one cell long).
  const candidate = new Uint8Array(rows * cols);
  const markBox = (bx0: number, by0: number, bx1: number, by1: number): void => {
    bx0 -= eps;
    by0 -= eps;
    bx1 += eps;
    by1 += eps;
    const rLo = Math.max(
      row0,
      shape === 'square' ? Math.floor(by0 / s) : Math.ceil((by0 - hh) / dy),
    );
    const rHi = Math.min(
      rowLast,
      shape === 'square' ? Math.floor(by1 / s) : Math.floor((by1 + hh) / dy),
    );
    for (let r = rLo; r <= rHi; r++) {
      const o = shape === 'square' ? 0 : rowOffset(shape, s, r);
      const cLo = Math.max(
        col0,
        shape === 'square' ? Math.floor(bx0 / s) : Math.ceil((bx0 - s / 2 - o) / s),
      );
      const cHi = Math.min(
        colLast,
        shape === 'square' ? Math.floor(bx1 / s) : Math.floor((bx1 + s / 2 - o) / s),
      );
      const base = (r - row0) * cols - col0;
      for (let c = cLo; c <= cHi; c++) candidate[base + c] = 1;
    }
  };
  for (const ring of boundary.rings) {
    const n = ring.length;
    let xj = ring[n - 2]!;
    let yj = ring[n - 1]!;
    for (let i = 0; i < n; i += 2) {
      const xi = ring[i]!;
      const yi = ring[i + 1]!;
      const len = Math.hypot(xi - xj, yi - yj);
      const pieces = Math.max(1, Math.ceil(len / s));
      for (let k = 0; k < pieces; k++) {
        const ax = xj + ((xi - xj) * k) / pieces;
        const ay = yj + ((yi - yj) * k) / pieces;
        const bx = xj + ((xi - xj) * (k + 1)) / pieces;
        const by = yj + ((yi - yj) * (k + 1)) / pieces;
        markBox(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
      }
      xj = xi;
      yj = yi;
    }
  }

  // 2. Crossings of the boundary with each row's centre line (even-odd rule), for the other cells.
  const rowY = (r: number): number => cellCentreY(shape, s, r);
  const crossStart = new Int32Array(rows + 1);
  const forEachCrossing = (emit: (rowIndex: number, x: number) => void): void => {
    for (const ring of boundary.rings) {
      const n = ring.length;
      let xj = ring[n - 2]!;
      let yj = ring[n - 1]!;
      for (let i = 0; i < n; i += 2) {
        const xi = ring[i]!;
        const yi = ring[i + 1]!;
        const lo = Math.min(yi, yj);
        const hi = Math.max(yi, yj);
        if (lo !== hi) {
          let r = Math.max(row0, Math.ceil((shape === 'square' ? lo / s - 0.5 : lo / dy) - 1e-9));
          while (r > row0 && rowY(r - 1) >= lo) r--;
          while (rowY(r) < lo) r++;
          for (; r <= rowLast; r++) {
            const y = rowY(r);
            if (y >= hi) break;
            emit(r - row0, xj + ((y - yj) * (xi - xj)) / (yi - yj));
          }
        }
        xj = xi;
        yj = yi;
      }
    }
  };
  forEachCrossing((ri) => void crossStart[ri + 1]!++);
  for (let i = 0; i < rows; i++) crossStart[i + 1]! += crossStart[i]!;
  const crossX = new Float64Array(crossStart[rows]!);
  const fill = crossStart.slice(0, rows);
  forEachCrossing((ri, x) => void (crossX[fill[ri]!++] = x));
  for (let i = 0; i < rows; i++) crossX.subarray(crossStart[i]!, crossStart[i + 1]!).sort();

  // 3. Walk the lattice row by row: inner cells by parity, candidates clipped exactly.
  const signs = ringSigns(boundary);
  const ringBoxes = boundary.rings.map((r) => makeShape([r]));
  const cellAt = new Int32Array(rows * cols).fill(-1);
  const keptRow = new Int32Array(rows * cols);
  const keptCol = new Int32Array(rows * cols);
  const keptShare = new Float64Array(rows * cols);
  let n = 0;
  const cutRings = new Map<number, Float64Array[]>();
  let area = 0;
  for (let ri = 0; ri < rows; ri++) {
    const r = row0 + ri;
    const cy = rowY(r);
    const base = ri * cols;
    let hasCandidate = false;
    for (let ci = 0; ci < cols; ci++) if (candidate[base + ci] === 1) hasCandidate = true;
    // The boundary clipped to this row's band, once per row.
    let strips: { ring: Float64Array; sign: number; minX: number; maxX: number }[] = [];
    if (hasCandidate) {
      const bLo = cy - hh;
      const bHi = cy + hh;
      strips = [];
      boundary.rings.forEach((ring, k) => {
        const box = ringBoxes[k]!;
        if (box.maxY < bLo || box.minY > bHi) return;
        let clipped = clipRingHalfPlane(ring, 0, -1, -bLo);
        if (clipped.length === 0) return;
        clipped = clipRingHalfPlane(clipped, 0, 1, bHi);
        if (clipped.length < 6) return;
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < clipped.length; i += 2) {
          const x = clipped[i]!;
          if (x < lo) lo = x;
          if (x > hi) hi = x;
        }
        strips.push({ ring: clipped, sign: signs[k]!, minX: lo, maxX: hi });
      });
    }
    const cs = crossStart[ri]!;
    const ce = crossStart[ri + 1]!;
    let p = cs;
    for (let ci = 0; ci < cols; ci++) {
      const c = col0 + ci;
      const cx = cellCentreX(shape, s, r, c);
      while (p < ce && crossX[p]! < cx) p++;
      let share: number;
      let pieces: Float64Array[] | undefined;
      if (candidate[base + ci] === 1) {
        let inside = 0;
        pieces = [];
        for (const strip of strips) {
          if (strip.maxX < cx - s / 2 || strip.minX > cx + s / 2) continue;
          const piece = clipToCell(strip.ring, shape, s, cx, cy);
          if (piece.length < 6) continue;
          const a = Math.abs(signedRingArea(piece));
          if (a === 0) continue;
          inside += strip.sign * a;
          pieces.push(piece);
        }
        share = inside / cellAreaWhole;
        if (share <= TOUCH) continue;
        if (share >= 1 - TOUCH) {
          share = 1;
          pieces = undefined;
        }
      } else {
        if ((p - cs) % 2 === 0) continue;
        share = 1;
      }
      const k = n++;
      cellAt[base + ci] = k;
      keptRow[k] = r;
      keptCol[k] = c;
      keptShare[k] = share;
      if (pieces !== undefined) cutRings.set(k, pieces);
      area += share * cellAreaWhole;
    }
  }
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    x[k] = cellCentreX(shape, s, keptRow[k]!, keptCol[k]!);
    y[k] = cellCentreY(shape, s, keptRow[k]!);
  }
  return {
    shape,
    cellSize: s,
    cellArea: cellAreaWhole,
    row0,
    col0,
    rows,
    cols,
    cellAt,
    n,
    row: keptRow.slice(0, n),
    col: keptCol.slice(0, n),
    x,
    y,
    areaShare: keptShare.slice(0, n),
    cutRings,
    area,
  };
}

/**
 * The default cell size, as sfhotspot chooses it: the shorter side of the area's bounding box over
 * 50, rounded down to a multiple of 100 m (to whole metres when that would be under 100 m).
 */
export function autoCellSize(boundary: Pick<Shape, 'minX' | 'minY' | 'maxX' | 'maxY'>): {
  cellSize: number;
  shorterSide: number;
} {
  const shorterSide = Math.min(boundary.maxX - boundary.minX, boundary.maxY - boundary.minY);
  const raw = shorterSide / 50;
  const hundreds = Math.floor(raw / 100);
  const cellSize = hundreds > 0 ? hundreds * 100 : Math.max(1, Math.floor(raw));
  return { cellSize, shorterSide };
}

const keptGrids = new KeptWith<Shape, HotspotGrid>(8);

/**
 * `hotspotGrid`, kept beside the boundary for as long as it lives: the server keeps an area's
 * boundary until the next write, and every filter of that area asks for the same few grids.
 * Callers only read it.
 */
export function keptGrid(boundary: Shape, options: GridOptions): HotspotGrid {
  return keptGrids.get(boundary, `${options.shape} ${options.cellSize}`, () =>
    hotspotGrid(boundary, options),
  );
}
