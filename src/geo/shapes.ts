/**
 * Polygons in British National Grid metres, as the geography layer computes with them: each area
 * is a list of rings (outer rings and holes alike, flat x,y arrays); a point is inside when it is
 * inside an odd number of rings, which handles holes and MultiPolygons alike. Packed into one
 * Float64Array for storage in the workspace.
 */

export type Ring = Float64Array; // x0, y0, x1, y1, … (closed or not: the last edge is implied)

export interface Shape {
  rings: Ring[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function makeShape(rings: Ring[]): Shape {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const r of rings) {
    for (let i = 0; i < r.length; i += 2) {
      const x = r[i]!;
      const y = r[i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return { rings, minX, minY, maxX, maxY };
}

/** Even-odd ray casting over every ring of the shape. Points on an edge may fall either side. */
export function shapeContains(shape: Shape, x: number, y: number): boolean {
  if (x < shape.minX || x > shape.maxX || y < shape.minY || y > shape.maxY) return false;
  let inside = false;
  for (const r of shape.rings) {
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

/** Distance in metres from a point to the nearest edge of the shape (0 inside). */
export function distanceToShape(shape: Shape, x: number, y: number): number {
  if (shapeContains(shape, x, y)) return 0;
  let best = Infinity;
  for (const r of shape.rings) {
    const n = r.length;
    let xj = r[n - 2]!;
    let yj = r[n - 1]!;
    for (let i = 0; i < n; i += 2) {
      const xi = r[i]!;
      const yi = r[i + 1]!;
      const dx = xi - xj;
      const dy = yi - yj;
      const len2 = dx * dx + dy * dy;
      let t = len2 === 0 ? 0 : ((x - xj) * dx + (y - yj) * dy) / len2;
      if (t < 0) t = 0;
      else if (t > 1) t = 1;
      const px = xj + t * dx - x;
      const py = yj + t * dy - y;
      const d2 = px * px + py * py;
      if (d2 < best) best = d2;
      xj = xi;
      yj = yi;
    }
  }
  return Math.sqrt(best);
}

/** Area in square metres (even-odd: holes subtract, as their rings wind either way). */
export function shapeArea(shape: Shape): number {
  // Outer rings and holes are told apart by nesting depth: a ring inside an odd number of other
  // rings is a hole. Sizes here are small (LSOAs, wards), so the quadratic check is cheap.
  let total = 0;
  shape.rings.forEach((r, i) => {
    const a = Math.abs(ringSignedArea(r));
    let depth = 0;
    for (let j = 0; j < shape.rings.length; j++) {
      if (j === i) continue;
      const other = makeShape([shape.rings[j]!]);
      if (shapeContains(other, r[0]!, r[1]!)) depth++;
    }
    total += depth % 2 === 0 ? a : -a;
  });
  return total;
}

export function ringSignedArea(r: Ring): number {
  let s = 0;
  const n = r.length;
  let xj = r[n - 2]!;
  let yj = r[n - 1]!;
  for (let i = 0; i < n; i += 2) {
    s += (xj - r[i]!) * (yj + r[i + 1]!);
    xj = r[i]!;
    yj = r[i + 1]!;
  }
  return s / 2;
}

/**
 * Points spread evenly over the inside of a shape, about `target` of them: for best-fit and
 * overlap estimates. Always at least one point (a vertex-free interior point when the grid misses).
 */
export function interiorSamples(shape: Shape, target = 64): Float64Array {
  const w = shape.maxX - shape.minX;
  const h = shape.maxY - shape.minY;
  const area = Math.max(shapeArea(shape), 1);
  const step = Math.max(Math.sqrt(area / target), 1e-3);
  const out: number[] = [];
  for (let y = shape.minY + step / 2; y < shape.maxY; y += step) {
    for (let x = shape.minX + step / 2; x < shape.maxX; x += step) {
      if (shapeContains(shape, x, y)) out.push(x, y);
    }
  }
  if (out.length === 0) {
    // Thin or tiny shapes: scan finer until a point falls inside, else use the bbox centre.
    const fine = Math.max(Math.min(w, h) / 16, 1e-3);
    for (let y = shape.minY + fine / 2; y < shape.maxY && out.length === 0; y += fine) {
      for (let x = shape.minX + fine / 2; x < shape.maxX; x += fine) {
        if (shapeContains(shape, x, y)) {
          out.push(x, y);
          break;
        }
      }
    }
    if (out.length === 0) out.push(shape.minX + w / 2, shape.minY + h / 2);
  }
  return Float64Array.from(out);
}

/** Packs rings as [ringCount, n0, x…, y…, n1, …] (n = number of points) into bytes. */
export function packShape(shape: Shape): Uint8Array {
  let size = 1;
  for (const r of shape.rings) size += 1 + r.length;
  const out = new Float64Array(size);
  out[0] = shape.rings.length;
  let at = 1;
  for (const r of shape.rings) {
    out[at++] = r.length / 2;
    out.set(r, at);
    at += r.length;
  }
  return new Uint8Array(out.buffer);
}

export function unpackShape(bytes: Uint8Array): Shape {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const data = new Float64Array(copy.buffer);
  const rings: Ring[] = [];
  const count = data[0]!;
  let at = 1;
  for (let i = 0; i < count; i++) {
    const n = data[at++]!;
    rings.push(data.subarray(at, at + n * 2));
    at += n * 2;
  }
  return makeShape(rings);
}
