/**
 * Point-in-polygon benchmark: one million points assigned to the 1,415 Thames Valley LSOA 2011
 * polygons, and to a synthetic set of 35,000 polygons (a jittered grid over England's extent with
 * wavy shared edges), with the spatial index (Flatbush + even-odd test) against a brute-force scan
 * of every polygon's bounding box and outline, measured in the same run (the scan on a sample of
 * points, as it is too slow for a million). Reports points per second and the ratio.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readBoundaryFile } from '../src/geo/readBoundaryFile.js';
import { wgs84ToBng } from '../src/geo/projection.js';
import { PolygonIndex } from '../src/geo/polygonIndex.js';
import { makeShape, type Shape } from '../src/geo/shapes.js';
import { printTable, sharedDataPath } from './support.js';

const POINTS = Number(process.env['BENCH_POINTS'] ?? 1_000_000);
const SCAN_SAMPLE = Number(process.env['BENCH_SCAN_SAMPLE'] ?? 20_000);

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function thamesValley(): Shape[] {
  const dir = sharedDataPath('boundaries', 'lsoa-2011-by-lad');
  const p = new Float64Array(2);
  const shapes: Shape[] = [];
  for (const f of readdirSync(dir).sort()) {
    for (const feature of readBoundaryFile(path.join(dir, f)).features) {
      const rings = feature.polygons.flatMap((poly) =>
        poly.map((ring) => {
          const r = new Float64Array(ring.length * 2);
          ring.forEach((pos, k) => {
            wgs84ToBng(pos[0]!, pos[1]!, p);
            r[2 * k] = p[0]!;
            r[2 * k + 1] = p[1]!;
          });
          return r;
        }),
      );
      shapes.push(makeShape(rings));
    }
  }
  return shapes;
}

/** A grid of cols × rows cells whose shared edges wiggle (8 segments each), so cells tile exactly. */
function synthetic(cols: number, rows: number): Shape[] {
  const x0 = 130_000;
  const y0 = 10_000;
  const w = 530_000 / cols;
  const h = 640_000 / rows;
  const rand = seeded(42);
  const jx = Array.from({ length: (cols + 1) * (rows + 1) }, () => (rand() - 0.5) * w * 0.3);
  const jy = Array.from({ length: (cols + 1) * (rows + 1) }, () => (rand() - 0.5) * h * 0.3);
  const corner = (i: number, j: number): [number, number] => {
    const k = j * (cols + 1) + i;
    const edge = i === 0 || j === 0 || i === cols || j === rows;
    return [x0 + i * w + (edge ? 0 : jx[k]!), y0 + j * h + (edge ? 0 : jy[k]!)];
  };
  // Points along an edge from a to b, bent by a deterministic wave so both neighbours share it.
  const edge = (a: [number, number], b: [number, number]): number[] => {
    const out: number[] = [];
    for (let s = 0; s < 8; s++) {
      const t = s / 8;
      const bend = Math.sin(t * Math.PI) * 0.04 * Math.hypot(b[0] - a[0], b[1] - a[1]);
      const nx = -(b[1] - a[1]);
      const ny = b[0] - a[0];
      const len = Math.hypot(nx, ny) || 1;
      const sign = a[0] + a[1] < b[0] + b[1] ? 1 : -1;
      out.push(
        a[0] + t * (b[0] - a[0]) + sign * bend * (nx / len),
        a[1] + t * (b[1] - a[1]) + sign * bend * (ny / len),
      );
    }
    return out;
  };
  const shapes: Shape[] = [];
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < cols; i++) {
      const c = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)];
      const ring = [
        ...edge(c[0]!, c[1]!),
        ...edge(c[1]!, c[2]!),
        ...edge(c[2]!, c[3]!),
        ...edge(c[3]!, c[0]!),
      ];
      shapes.push(makeShape([Float64Array.from(ring)]));
    }
  return shapes;
}

function points(shapes: Shape[], n: number, seed: number): Float64Array {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const s of shapes) {
    minX = Math.min(minX, s.minX);
    minY = Math.min(minY, s.minY);
    maxX = Math.max(maxX, s.maxX);
    maxY = Math.max(maxY, s.maxY);
  }
  const rand = seeded(seed);
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = minX + rand() * (maxX - minX);
    out[2 * i + 1] = minY + rand() * (maxY - minY);
  }
  return out;
}

function run(name: string, shapes: Shape[]): Record<string, number | string> {
  const buildStart = performance.now();
  const index = new PolygonIndex(shapes);
  const build = (performance.now() - buildStart) / 1000;
  const pts = points(shapes, POINTS, 7);
  let found = 0;
  const t0 = performance.now();
  for (let i = 0; i < POINTS; i++) if (index.locate(pts[2 * i]!, pts[2 * i + 1]!) >= 0) found++;
  const indexed = (performance.now() - t0) / 1000;
  const sample = Math.min(SCAN_SAMPLE, POINTS);
  let agree = 0;
  const t1 = performance.now();
  for (let i = 0; i < sample; i++) {
    const a = index.locateByScan(pts[2 * i]!, pts[2 * i + 1]!);
    if (a === index.locate(pts[2 * i]!, pts[2 * i + 1]!)) agree++;
  }
  const scan = (performance.now() - t1) / 1000;
  const indexRate = POINTS / indexed;
  const scanRate = sample / scan;
  return {
    polygons: name,
    'index build s': build,
    points: POINTS,
    'inside %': (100 * found) / POINTS,
    'indexed points/s': indexRate,
    'brute-force points/s': scanRate,
    'speed-up ×': indexRate / scanRate,
    'agree %': (100 * agree) / sample,
  };
}

export async function benchGeo(): Promise<Record<string, unknown>> {
  const tv = thamesValley();
  const grid = synthetic(175, 200);
  const rows = [
    run(`Thames Valley LSOA 2011 (${tv.length.toLocaleString('en-GB')})`, tv),
    run(`synthetic (${grid.length.toLocaleString('en-GB')})`, grid),
  ];
  console.log(
    `\nPoint in polygon: ${POINTS.toLocaleString('en-GB')} random points in each set's extent; brute force on ${SCAN_SAMPLE.toLocaleString('en-GB')} of them (it also checks the two agree)`,
  );
  printTable(rows);
  const p = new Float64Array(2);
  const t = performance.now();
  for (let i = 0; i < POINTS; i++)
    wgs84ToBng(-1.7 + (i % 1000) * 0.0012, 51.3 + Math.floor(i / 1000) * 0.0009, p);
  const projRate = POINTS / ((performance.now() - t) / 1000);
  console.log(
    `projection WGS84 → British National Grid: ${Math.round(projRate).toLocaleString('en-GB')} points/s`,
  );
  return { rows, projectionPointsPerSecond: projRate };
}
