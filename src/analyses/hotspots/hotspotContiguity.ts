/**
 * Queen contiguity of polygons (LSOAs): two polygons are neighbours when a vertex of one lies
 * within `tolerance` metres of a vertex of the other — the rule of spdep::poly2nb(queen = TRUE,
 * snap = tolerance). ONS boundary sets are topological (neighbours share their vertices exactly),
 * so the tolerance only absorbs rounding; see docs/decisions/0024-lsoa-contiguity.md. Each polygon
 * is also its own neighbour, for Gi*.
 *
 * Vertices are put in buckets of the tolerance's size, so each is compared only with the vertices
 * in the 3 × 3 buckets around it: linear in the number of vertices.
 */
import { usageError } from '../../core/errors.js';
import { identityOf, KeptWith } from '../../core/keptWith.js';
import type { Shape } from '../../geo/shapes.js';
import { fromLists, type Neighbours } from './hotspotNeighbours.js';

export const DEFAULT_CONTIGUITY_TOLERANCE = 1;

export function hotspotContiguity(
  shapes: readonly Shape[],
  tolerance = DEFAULT_CONTIGUITY_TOLERANCE,
): Neighbours {
  if (!(tolerance >= 0.01 && tolerance <= 1000))
    throw usageError(
      'BAD_TOLERANCE',
      `contiguity tolerance ${tolerance} m is outside 0.01–1,000 m`,
      'give a distance in metres, e.g. 1',
    );
  let total = 0;
  let minX = Infinity;
  let minY = Infinity;
  for (const s of shapes) {
    for (const r of s.rings) total += r.length / 2;
    if (s.minX < minX) minX = s.minX;
    if (s.minY < minY) minY = s.minY;
  }
  const xs = new Float64Array(total);
  const ys = new Float64Array(total);
  const owner = new Int32Array(total);
  let at = 0;
  shapes.forEach((s, i) => {
    for (const r of s.rings)
      for (let k = 0; k < r.length; k += 2) {
        xs[at] = r[k]!;
        ys[at] = r[k + 1]!;
        owner[at++] = i;
      }
  });
  const SPAN = 67_108_864; // 2^26 buckets per axis
  const bucketOf = (x: number, y: number): [number, number] => [
    Math.floor((x - minX) / tolerance),
    Math.floor((y - minY) / tolerance),
  ];
  const head = new Map<number, number>();
  const next = new Int32Array(total).fill(-1);
  for (let v = 0; v < total; v++) {
    const [bx, by] = bucketOf(xs[v]!, ys[v]!);
    if (bx >= SPAN - 1 || by >= SPAN - 1)
      throw usageError(
        'BAD_TOLERANCE',
        `contiguity tolerance ${tolerance} m is too fine for an extent this large`,
        'give a larger tolerance',
      );
    const key = bx * SPAN + by;
    next[v] = head.get(key) ?? -1;
    head.set(key, v);
  }
  const n = shapes.length;
  const pairs = new Set<number>();
  const t2 = tolerance * tolerance;
  for (let v = 0; v < total; v++) {
    const a = owner[v]!;
    const [bx, by] = bucketOf(xs[v]!, ys[v]!);
    for (let ddx = -1; ddx <= 1; ddx++)
      for (let ddy = -1; ddy <= 1; ddy++) {
        if (bx + ddx < 0 || by + ddy < 0) continue;
        let w = head.get((bx + ddx) * SPAN + (by + ddy)) ?? -1;
        for (; w >= 0; w = next[w]!) {
          const b = owner[w]!;
          if (b <= a) continue;
          const dx = xs[v]! - xs[w]!;
          const dy = ys[v]! - ys[w]!;
          if (dx * dx + dy * dy <= t2) pairs.add(a * n + b);
        }
      }
  }
  const lists: number[][] = Array.from({ length: n }, (_, i) => [i]);
  for (const p of pairs) {
    const a = Math.floor(p / n);
    const b = p - a * n;
    lists[a]!.push(b);
    lists[b]!.push(a);
  }
  for (const l of lists) l.sort((x, y) => x - y);
  return fromLists(lists);
}

const keptNeighbours = new KeptWith<Shape, Neighbours>(16);

/**
 * `hotspotContiguity`, kept beside the shapes for as long as they live (the store keeps them until
 * its next write): every filter of an area asks it of the same LSOAs. Callers only read it.
 */
export function keptContiguity(
  shapes: readonly Shape[],
  tolerance = DEFAULT_CONTIGUITY_TOLERANCE,
): Neighbours {
  const first = shapes[0];
  if (first === undefined) return hotspotContiguity(shapes, tolerance);
  return keptNeighbours.get(first, `${tolerance} ${shapes.map(identityOf).join(',')}`, () =>
    hotspotContiguity(shapes, tolerance),
  );
}
