/**
 * A point inside an area where its name can be written: on a few horizontal lines across the
 * area, the inside stretches between boundary crossings (even-odd, so holes and islands count);
 * the midpoint of the longest stretch, lines near the middle preferred on ties. Always inside
 * (unlike the centroid of a crescent or a district with a hole), and away from narrow parts.
 */
import type { Shape } from './shapes.js';

export function labelPoint(shape: Shape, lines = 24): { x: number; y: number } {
  let best = { x: (shape.minX + shape.maxX) / 2, y: (shape.minY + shape.maxY) / 2 };
  let bestScore = -Infinity;
  const height = shape.maxY - shape.minY;
  for (let k = 1; k <= lines; k++) {
    const y = shape.minY + (height * k) / (lines + 1);
    const xs: number[] = [];
    for (const r of shape.rings) {
      const n = r.length / 2;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = r[2 * i + 1]!;
        const yj = r[2 * j + 1]!;
        if (yi > y !== yj > y) {
          const xi = r[2 * i]!;
          const xj = r[2 * j]!;
          xs.push(xi + ((y - yi) / (yj - yi)) * (xj - xi));
        }
      }
    }
    xs.sort((a, b) => a - b);
    // Nearer the middle line scores a little higher, so a long stretch there wins a tie.
    const centrality = 1 - Math.abs(k - (lines + 1) / 2) / (lines + 1);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const score = (xs[i + 1]! - xs[i]!) * (0.75 + 0.25 * centrality);
      if (score > bestScore) {
        bestScore = score;
        best = { x: (xs[i]! + xs[i + 1]!) / 2, y };
      }
    }
  }
  return best;
}
