/**
 * Kernel density at the cell centres with the quartic (biweight) kernel
 *
 *   f(c) = Σ wᵢ · 3 / (π h²) · (1 − dᵢ² / h²)²   for dᵢ = |c − pᵢ| < h, else 0,
 *
 * reported per square kilometre, so that it integrates to the number (or total weight) of points.
 * The kernel is zero beyond the bandwidth h, so each point adds to the few cells whose centres lie
 * within h of it: the cells are reached row by row through the lattice (the grid is the spatial
 * index), never by scanning every cell. The sum is exact — no binning of point positions — and
 * costs points × π(h / cell)² kernel evaluations instead of points × cells.
 *
 * The default bandwidth is the mean of the normal-reference bandwidths of x and y (MASS's
 * bandwidth.nrd, 4 · 1.06 · min(sd, IQR / 1.34) · n^(−1/5)). sfhotspot means to do the same but
 * calls R's mean(a, b), which takes b as its `trim` argument, so it uses x alone.
 */
import { cellCentreX, cellCentreY, rowStep, type HotspotGrid } from './hotspotGrid.js';

export interface KdeOptions {
  /** Kernel radius (metres). */
  bandwidth: number;
  /** Weight of each point (default 1). */
  weights?: Float64Array;
}

const PER_KM2 = 1e6;

export function hotspotKde(
  grid: HotspotGrid,
  xs: Float64Array,
  ys: Float64Array,
  options: KdeOptions,
): Float64Array {
  const h = options.bandwidth;
  const h2 = h * h;
  const inv = 1 / h2;
  const w = options.weights;
  const out = new Float64Array(grid.n);
  const s = grid.cellSize;
  const { shape, row0, col0, rows, cols, cellAt } = grid;
  const rowLast = row0 + rows - 1;
  const colLast = col0 + cols - 1;
  const dyStep = rowStep(shape, s);
  const square = shape === 'square';
  for (let i = 0; i < xs.length; i++) {
    const px = xs[i]!;
    const py = ys[i]!;
    const wi = w === undefined ? 1 : w[i]!;
    if (wi === 0) continue;
    let rLo: number;
    let rHi: number;
    if (square) {
      rLo = Math.ceil((py - h) / s - 0.5);
      rHi = Math.floor((py + h) / s - 0.5);
    } else {
      rLo = Math.ceil((py - h) / dyStep);
      rHi = Math.floor((py + h) / dyStep);
    }
    if (rLo < row0) rLo = row0;
    if (rHi > rowLast) rHi = rowLast;
    for (let r = rLo; r <= rHi; r++) {
      const cy = cellCentreY(shape, s, r);
      const dy = cy - py;
      const rem = h2 - dy * dy;
      if (rem <= 0) continue;
      const half = Math.sqrt(rem);
      const o = square ? 0.5 : (r & 1) === 1 ? 0.5 : 0;
      let cLo = Math.ceil((px - half) / s - o);
      let cHi = Math.floor((px + half) / s - o);
      if (cLo < col0) cLo = col0;
      if (cHi > colLast) cHi = colLast;
      const base = (r - row0) * cols - col0;
      for (let c = cLo; c <= cHi; c++) {
        const k = cellAt[base + c]!;
        if (k < 0) continue;
        const dx = (c + o) * s - px;
        const u = (dx * dx + dy * dy) * inv;
        if (u < 1) {
          const t = 1 - u;
          out[k]! += wi * t * t;
        }
      }
    }
  }
  const scale = (3 / (Math.PI * h2)) * PER_KM2;
  for (let k = 0; k < out.length; k++) out[k]! *= scale;
  return out;
}

/** The same sum by brute force, every point against every cell: for tests and the benchmark. */
export function hotspotKdeBruteForce(
  grid: HotspotGrid,
  xs: Float64Array,
  ys: Float64Array,
  options: KdeOptions,
): Float64Array {
  const h = options.bandwidth;
  const out = new Float64Array(grid.n);
  for (let k = 0; k < grid.n; k++) {
    const cx = cellCentreX(grid.shape, grid.cellSize, grid.row[k]!, grid.col[k]!);
    const cy = cellCentreY(grid.shape, grid.cellSize, grid.row[k]!);
    let sum = 0;
    for (let i = 0; i < xs.length; i++) {
      const d = Math.hypot(cx - xs[i]!, cy - ys[i]!);
      if (d < h) {
        const t = 1 - (d / h) ** 2;
        sum += (options.weights === undefined ? 1 : options.weights[i]!) * t * t;
      }
    }
    out[k] = (sum * 3 * PER_KM2) / (Math.PI * h * h);
  }
  return out;
}

/** R's quantile type 7 of sorted values, each repeated `times[i]` times. */
function quantile7(
  sorted: Float64Array,
  times: Float64Array | undefined,
  total: number,
  p: number,
): number {
  const pos = (total - 1) * p;
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const at = (k: number): number => {
    if (times === undefined) return sorted[Math.min(k, sorted.length - 1)]!;
    let seen = 0;
    for (let i = 0; i < sorted.length; i++) {
      seen += times[i]!;
      if (k < seen) return sorted[i]!;
    }
    return sorted[sorted.length - 1]!;
  };
  const a = at(lo);
  return frac === 0 ? a : a + frac * (at(lo + 1) - a);
}

/**
 * MASS::bandwidth.nrd of values each repeated `times[i]` times (the incidents at one location):
 * 4 · 1.06 · min(sd, (q75 − q25) / 1.34) · n^(−1/5), with R's sample sd and type-7 quantiles.
 */
export function bandwidthNrd(values: Float64Array, times?: Float64Array): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const m = times === undefined ? 1 : times[i]!;
    n += m;
    sum += m * values[i]!;
  }
  if (n < 2) return NaN;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    ss += (times === undefined ? 1 : times[i]!) * d * d;
  }
  const sd = Math.sqrt(ss / (n - 1));
  // Sort values (with their multiplicities) once.
  let sorted: Float64Array;
  let sortedTimes: Float64Array | undefined;
  if (times === undefined) sorted = Float64Array.from(values).sort();
  else {
    const idx = Array.from({ length: values.length }, (_, i) => i).sort(
      (a, b) => values[a]! - values[b]!,
    );
    sorted = Float64Array.from(idx, (i) => values[i]!);
    sortedTimes = Float64Array.from(idx, (i) => times[i]!);
  }
  const iqr = quantile7(sorted, sortedTimes, n, 0.75) - quantile7(sorted, sortedTimes, n, 0.25);
  return 4 * 1.06 * Math.min(sd, iqr / 1.34) * n ** -0.2;
}

export interface AutoBandwidth {
  bandwidth: number;
  x: number;
  y: number;
}

/** The mean of the normal-reference bandwidths in x and y, rounded to the metre. */
export function autoBandwidth(
  xs: Float64Array,
  ys: Float64Array,
  times?: Float64Array,
): AutoBandwidth {
  const x = bandwidthNrd(xs, times);
  const y = bandwidthNrd(ys, times);
  return { bandwidth: Math.max(1, Math.round((x + y) / 2)), x, y };
}
