/**
 * Clipping a ring to a convex region (Sutherland–Hodgman), one half-plane at a time. The ring may
 * be concave: the result can then hold zero-width "bridges" along the clipping line, but its
 * signed area is exactly that of the part of the ring inside the region, and for any point
 * strictly inside the region the even-odd test gives the same answer as on the whole ring (a
 * bridge is crossed twice). That is all the grid needs: the share of a cell inside an area, and
 * whether a point in a cut cell lies inside the area.
 */

/** Keeps the part of a flat x,y ring where nx·x + ny·y ≤ d. Returns a new ring (maybe empty). */
export function clipRingHalfPlane(
  ring: Float64Array,
  nx: number,
  ny: number,
  d: number,
): Float64Array {
  const n = ring.length;
  if (n === 0) return ring;
  let grow = new Float64Array(n + 8 + (n >> 1));
  let m = 0;
  let px = ring[n - 2]!;
  let py = ring[n - 1]!;
  let pd = nx * px + ny * py - d;
  const push = (x: number, y: number): void => {
    if (m + 2 > grow.length) {
      const bigger = new Float64Array(grow.length * 2);
      bigger.set(grow);
      grow = bigger;
    }
    grow[m++] = x;
    grow[m++] = y;
  };
  for (let i = 0; i < n; i += 2) {
    const cx = ring[i]!;
    const cy = ring[i + 1]!;
    const cd = nx * cx + ny * cy - d;
    const cIn = cd <= 0;
    const pIn = pd <= 0;
    if (cIn) {
      if (!pIn) {
        const t = pd / (pd - cd);
        push(px + t * (cx - px), py + t * (cy - py));
      }
      push(cx, cy);
    } else if (pIn) {
      const t = pd / (pd - cd);
      push(px + t * (cx - px), py + t * (cy - py));
    }
    px = cx;
    py = cy;
    pd = cd;
  }
  return grow.subarray(0, m);
}

/** Signed area by the shoelace formula (positive when counter-clockwise, x east, y north). */
export function signedRingArea(ring: Float64Array): number {
  const n = ring.length;
  if (n < 6) return 0;
  let s = 0;
  let xj = ring[n - 2]!;
  let yj = ring[n - 1]!;
  for (let i = 0; i < n; i += 2) {
    const xi = ring[i]!;
    const yi = ring[i + 1]!;
    s += xj * yi - xi * yj;
    xj = xi;
    yj = yi;
  }
  return s / 2;
}

/** Even-odd test of a point against several rings at once (holes and parts alike). */
export function ringsContain(rings: readonly Float64Array[], x: number, y: number): boolean {
  let inside = false;
  for (const r of rings) {
    const n = r.length;
    let xj = r[n - 2]!;
    let yj = r[n - 1]!;
    for (let i = 0; i < n; i += 2) {
      const xi = r[i]!;
      const yi = r[i + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      xj = xi;
      yj = yi;
    }
  }
  return inside;
}
