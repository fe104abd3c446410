/**
 * Hotspot benchmark: 50,000 clustered points on a 10 km square, 100 m cells (10,000 cells), a
 * 300 m quartic bandwidth. Times the four steps — grid, counts, KDE, Gi* with the false discovery
 * rate — each against a direct brute-force implementation measured in the same run, and, where
 * Rscript is installed, neighbours + Gi* against R spdep (dnearneigh + localG) on the same cells,
 * timed inside R with proc.time() so that R's start-up and the reading of the cells are not
 * counted. Then a scaling table from 10,000 to 5,000,000 points and about 1,000 to 1,000,000 cells.
 * The grid is also built over a real boundary (Oxford's LSOA outline, from the shared open data),
 * where the brute force — every cell clipped against the whole boundary — has real work to do.
 *
 * BENCH_HOTSPOTS_SCALING=0 skips the scaling table (it takes a few minutes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dissolve } from '../src/geo/dissolve.js';
import { wgs84ToBng } from '../src/geo/projection.js';
import { readBoundaryFile } from '../src/geo/readBoundaryFile.js';
import { makeShape, type Shape } from '../src/geo/shapes.js';
import { adjustPValues, adjustPValuesDirect } from '../src/analyses/hotspots/adjustPValues.js';
import {
  clipRingHalfPlane,
  ringsContain,
  signedRingArea,
} from '../src/analyses/hotspots/clipPolygon.js';
import { hotspotCounts } from '../src/analyses/hotspots/hotspotCounts.js';
import { hotspotGistar } from '../src/analyses/hotspots/hotspotGistar.js';
import { cellRing, hotspotGrid, type HotspotGrid } from '../src/analyses/hotspots/hotspotGrid.js';
import { hotspotKde, hotspotKdeBruteForce } from '../src/analyses/hotspots/hotspotKde.js';
import {
  distanceNeighboursBruteForce,
  gridNeighbours,
} from '../src/analyses/hotspots/hotspotNeighbours.js';
import { normalTwoSidedPs } from '../src/analyses/hotspots/normalPValue.js';
import { seededRandom } from '../src/core/random.js';
import { median, printTable, sharedDataPath } from './support.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const X0 = 440_000;
const Y0 = 200_000;
const SIDE = 10_000;
const BANDWIDTH = 300;

const square = (): Shape =>
  makeShape([Float64Array.of(X0, Y0, X0 + SIDE, Y0, X0 + SIDE, Y0 + SIDE, X0, Y0 + SIDE)]);

/** 60% of points in 12 Gaussian clusters (sd 100–500 m), 40% uniform; all inside the square. */
function clusteredPoints(n: number, seed: number): { x: Float64Array; y: Float64Array } {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 12 }, () => ({
    x: X0 + 1_000 + random.next() * (SIDE - 2_000),
    y: Y0 + 1_000 + random.next() * (SIDE - 2_000),
    sd: 100 + random.next() * 400,
  }));
  const gauss = (): number => {
    const u = 1 - random.next();
    const v = random.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let px: number;
    let py: number;
    do {
      if (random.next() < 0.6) {
        const c = centres[random.int(0, centres.length - 1)]!;
        px = c.x + gauss() * c.sd;
        py = c.y + gauss() * c.sd;
      } else {
        px = X0 + random.next() * SIDE;
        py = Y0 + random.next() * SIDE;
      }
    } while (px <= X0 || px >= X0 + SIDE || py <= Y0 || py >= Y0 + SIDE);
    x[i] = px;
    y[i] = py;
  }
  return { x, y };
}

/** The first (cold: the code not yet compiled) run, and the median of `repeats` runs after it. */
function time<T>(fn: () => T, repeats: number): { first: number; seconds: number; value: T } {
  let t = performance.now();
  let value = fn();
  const first = (performance.now() - t) / 1000;
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    t = performance.now();
    value = fn();
    times.push((performance.now() - t) / 1000);
  }
  return { first, seconds: repeats > 0 ? median(times) : first, value };
}

function gistarWithFdr(grid: HotspotGrid, counts: Float64Array): Float64Array {
  const g = hotspotGistar(counts, gridNeighbours(grid));
  return adjustPValues(normalTwoSidedPs(g.z), 'fdr');
}

/** Brute-force grid: every cell of the bounding lattice clipped against the whole boundary. */
function gridBruteForce(boundary: Shape, cellSize: number): number {
  let kept = 0;
  const c0 = Math.floor(boundary.minX / cellSize);
  const r0 = Math.floor(boundary.minY / cellSize);
  const c1 = Math.floor(boundary.maxX / cellSize);
  const r1 = Math.floor(boundary.maxY / cellSize);
  for (let r = r0; r <= r1; r++)
    for (let c = c0; c <= c1; c++) {
      let area = 0;
      for (const ring of boundary.rings) {
        let clipped = clipRingHalfPlane(ring, -1, 0, -c * cellSize);
        clipped = clipRingHalfPlane(clipped, 1, 0, (c + 1) * cellSize);
        clipped = clipRingHalfPlane(clipped, 0, -1, -r * cellSize);
        clipped = clipRingHalfPlane(clipped, 0, 1, (r + 1) * cellSize);
        area += Math.abs(signedRingArea(clipped));
      }
      if (area > 1e-9 * cellSize * cellSize) kept++;
    }
  return kept;
}

/** Brute-force counts: each point tested against every cell's outline until one holds it. */
function countsBruteForce(grid: HotspotGrid, x: Float64Array, y: Float64Array): Float64Array {
  const rings = Array.from({ length: grid.n }, (_, k) => [cellRing(grid, grid.x[k]!, grid.y[k]!)]);
  const counts = new Float64Array(grid.n);
  for (let i = 0; i < x.length; i++)
    for (let k = 0; k < grid.n; k++)
      if (ringsContain(rings[k]!, x[i]!, y[i]!)) {
        counts[k]!++;
        break;
      }
  return counts;
}

/** Oxford's outline dissolved from its 83 LSOA 2011 polygons (the shared open data). */
function oxfordOutline(): Shape {
  const file = sharedDataPath('boundaries', 'lsoa-2011-by-lad', 'E07000178.geojson');
  const p = new Float64Array(2);
  const shapes = readBoundaryFile(file).features.map((f) =>
    makeShape(
      f.polygons.flatMap((poly) =>
        poly.map((ring) => {
          const r = new Float64Array(ring.length * 2);
          ring.forEach((pos, k) => {
            wgs84ToBng(pos[0]!, pos[1]!, p);
            r[2 * k] = p[0]!;
            r[2 * k + 1] = p[1]!;
          });
          return r;
        }),
      ),
    ),
  );
  return dissolve(shapes);
}

function rTiming(grid: HotspotGrid, counts: Float64Array): { seconds: number; z: number[] } | null {
  try {
    execFileSync('Rscript', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'svd-bench-'));
  try {
    const file = path.join(dir, 'cells.csv');
    const lines = ['id,easting,northing,count'];
    for (let k = 0; k < grid.n; k++) lines.push(`${k + 1},${grid.x[k]},${grid.y[k]},${counts[k]}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const out = execFileSync(
      'Rscript',
      [
        path.join(REPO, 'scripts', 'reference', 'spdep-gistar.R'),
        'bench',
        file,
        String(grid.cellSize),
        '3',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const times = out
      .split('\n')
      .filter((l) => /^\d/.test(l))
      .map(Number);
    const z = out
      .split('\n')
      .filter((l) => l.startsWith('z '))
      .map((l) => Number(l.slice(2)));
    return { seconds: median(times), z };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mainCase(): Record<string, unknown> {
  const boundary = square();
  const { x, y } = clusteredPoints(50_000, 1);
  const grid = time(() => hotspotGrid(boundary, { shape: 'square', cellSize: 100 }), 15);
  const g = grid.value;
  const counts = time(() => hotspotCounts(g, x, y), 15);
  const c = counts.value.counts;
  const kde = time(() => hotspotKde(g, x, y, { bandwidth: BANDWIDTH }), 15);
  const gistar = time(() => gistarWithFdr(g, c), 15);
  const nbGistar = time(() => hotspotGistar(c, gridNeighbours(g)), 15);
  const total = grid.seconds + counts.seconds + kde.seconds + gistar.seconds;
  const totalFirst = grid.first + counts.first + kde.first + gistar.first;

  // Brute force, measured in the same run (on samples where the full run would take minutes).
  const gridBrute = time(() => gridBruteForce(boundary, 100), 3);
  const sampleN = 2_000;
  const countBrute = time(
    () => countsBruteForce(g, x.subarray(0, sampleN), y.subarray(0, sampleN)),
    1,
  );
  const countBruteSeconds = countBrute.seconds * (x.length / sampleN);
  const sampleCells = 500;
  const sub: HotspotGrid = { ...g, n: sampleCells };
  const kdeBrute = time(() => hotspotKdeBruteForce(sub, x, y, { bandwidth: BANDWIDTH }), 1);
  const kdeBruteSeconds = kdeBrute.seconds * (g.n / sampleCells);
  const gistarBrute = time(() => {
    const nb = distanceNeighboursBruteForce(g.x, g.y, 150);
    const z = hotspotGistar(c, nb).z;
    return adjustPValuesDirect([...normalTwoSidedPs(z)], 'fdr');
  }, 1);
  // The fast and brute-force answers agree.
  let kdeDiff = 0;
  for (let k = 0; k < sampleCells; k++)
    kdeDiff = Math.max(kdeDiff, Math.abs(kde.value[k]! - kdeBrute.value[k]!));
  const fdrSame = gistarBrute.value.every((v, k) => Math.abs(v - gistar.value[k]!) < 1e-12);
  if (gridBrute.value !== g.n) throw new Error('brute-force grid disagrees');
  const oxford = oxfordOutline();
  const vertices = oxford.rings.reduce((n, r) => n + r.length / 2, 0);
  const oxGrid = time(() => hotspotGrid(oxford, { shape: 'square', cellSize: 100 }), 15);
  const oxBrute = time(() => gridBruteForce(oxford, 100), 1);
  if (oxBrute.value !== oxGrid.value.n) throw new Error('brute-force Oxford grid disagrees');

  const rows = [
    {
      step: 'grid (10 km square, 100 m cells)',
      'first run ms': grid.first * 1000,
      'ms (median)': grid.seconds * 1000,
      'brute force ms': gridBrute.seconds * 1000,
      'speed-up ×': gridBrute.seconds / grid.seconds,
    },
    {
      step: `(grid over Oxford's LSOA outline, ${vertices.toLocaleString('en-GB')} vertices)`,
      'first run ms': oxGrid.first * 1000,
      'ms (median)': oxGrid.seconds * 1000,
      'brute force ms': oxBrute.seconds * 1000,
      'speed-up ×': oxBrute.seconds / oxGrid.seconds,
    },
    {
      step: 'counts per cell',
      'first run ms': counts.first * 1000,
      'ms (median)': counts.seconds * 1000,
      'brute force ms': countBruteSeconds * 1000,
      'speed-up ×': countBruteSeconds / counts.seconds,
    },
    {
      step: `KDE (quartic, ${BANDWIDTH} m)`,
      'first run ms': kde.first * 1000,
      'ms (median)': kde.seconds * 1000,
      'brute force ms': kdeBruteSeconds * 1000,
      'speed-up ×': kdeBruteSeconds / kde.seconds,
    },
    {
      step: 'Gi* + p + FDR',
      'first run ms': gistar.first * 1000,
      'ms (median)': gistar.seconds * 1000,
      'brute force ms': gistarBrute.seconds * 1000,
      'speed-up ×': gistarBrute.seconds / gistar.seconds,
    },
    {
      step: 'the four steps',
      'first run ms': totalFirst * 1000,
      'ms (median)': total * 1000,
      'brute force ms': '',
      'speed-up ×': '',
    },
  ];
  console.log(
    `\nHotspots: ${x.length.toLocaleString('en-GB')} clustered points, ${g.n.toLocaleString('en-GB')} cells of 100 m, bandwidth ${BANDWIDTH} m (brute force: counts on ${sampleN.toLocaleString('en-GB')} points and KDE on ${sampleCells} cells, scaled up; they agree: KDE to ${kdeDiff.toExponential(1)} per km², FDR ${fdrSame ? 'identical' : 'DIFFERENT'})`,
  );
  printTable(rows);
  const r = rTiming(g, c);
  let rRatio: number | null = null;
  if (r === null) console.log('R spdep: Rscript not found, comparison skipped');
  else {
    rRatio = r.seconds / nbGistar.seconds;
    const agree = r.z.every((z, i) => Math.abs(z - nbGistar.value.z[i]!) < 1e-9);
    console.log(
      `neighbours + Gi*: svd ${(nbGistar.seconds * 1000).toFixed(2)} ms, R spdep dnearneigh + localG ${(r.seconds * 1000).toFixed(0)} ms (timed inside R, start-up excluded; medians of 3 runs in R, 15 here) → ${rRatio.toFixed(0)}× faster; z ${agree ? 'agree' : 'DISAGREE'} to 1e-9`,
    );
  }
  return {
    points: x.length,
    cells: g.n,
    rows,
    totalSeconds: total,
    totalFirstRunSeconds: totalFirst,
    neighboursGistarSeconds: nbGistar.seconds,
    rSpdepSeconds: r?.seconds ?? null,
    speedUpOverSpdep: rRatio,
  };
}

function scaling(): Record<string, number | string>[] {
  const boundary = square();
  const cases: { points: number; cellSize: number }[] = [
    ...[10_000, 50_000, 100_000, 500_000, 1_000_000, 5_000_000].map((points) => ({
      points,
      cellSize: 100,
    })),
    ...[312.5, 31.25, 10].map((cellSize) => ({ points: 50_000, cellSize })),
    { points: 5_000_000, cellSize: 10 },
  ];
  const rows: Record<string, number | string>[] = [];
  const pts = clusteredPoints(5_000_000, 2);
  for (const cs of cases) {
    const x = pts.x.subarray(0, cs.points);
    const y = pts.y.subarray(0, cs.points);
    const repeats = cs.points * (SIDE / cs.cellSize) ** 2 > 5e10 ? 0 : 2;
    const grid = time(
      () => hotspotGrid(boundary, { shape: 'square', cellSize: cs.cellSize }),
      repeats,
    );
    const g = grid.value;
    const counts = time(() => hotspotCounts(g, x, y), repeats);
    const kde = time(() => hotspotKde(g, x, y, { bandwidth: BANDWIDTH }), repeats);
    const gistar = time(() => gistarWithFdr(g, counts.value.counts), repeats);
    const total = grid.seconds + counts.seconds + kde.seconds + gistar.seconds;
    rows.push({
      points: cs.points,
      cells: g.n,
      'grid ms': grid.seconds * 1000,
      'counts ms': counts.seconds * 1000,
      'KDE ms': kde.seconds * 1000,
      'Gi*+FDR ms': gistar.seconds * 1000,
      'total ms': total * 1000,
    });
    console.log(
      `  ${cs.points.toLocaleString('en-GB')} points × ${g.n.toLocaleString('en-GB')} cells: ${total.toFixed(3)} s`,
    );
  }
  console.log(
    `\nScaling (bandwidth ${BANDWIDTH} m throughout, so the KDE's work grows with points × (${BANDWIDTH} m / cell size)²; median of 2 runs, 1 for the largest):`,
  );
  printTable(rows);
  return rows;
}

export async function benchHotspots(): Promise<Record<string, unknown>> {
  const main = mainCase();
  const scale = process.env['BENCH_HOTSPOTS_SCALING'] === '0' ? null : scaling();
  return { ...main, scaling: scale };
}
