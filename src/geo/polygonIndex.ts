/**
 * Which polygon holds a point: a static R-tree (Flatbush) over the polygons' bounding boxes, then
 * an exact even-odd test on the few candidates. Also the nearest polygon and its distance, for
 * points that fall outside every polygon.
 */
import Flatbush from 'flatbush';
import { distanceToShape, shapeContains, type Shape } from './shapes.js';

export interface Nearest {
  index: number;
  distance: number;
}

export class PolygonIndex {
  private readonly tree: Flatbush | undefined;

  constructor(readonly shapes: readonly Shape[]) {
    if (shapes.length === 0) return;
    const tree = new Flatbush(shapes.length);
    for (const s of shapes) tree.add(s.minX, s.minY, s.maxX, s.maxY);
    tree.finish();
    this.tree = tree;
  }

  get size(): number {
    return this.shapes.length;
  }

  /** The index of the shape holding (x, y), or -1. With overlapping shapes, the lowest index. */
  locate(x: number, y: number): number {
    if (this.tree === undefined) return -1;
    const candidates = this.tree.search(x, y, x, y);
    let best = -1;
    for (const i of candidates) {
      if ((best === -1 || i < best) && shapeContains(this.shapes[i]!, x, y)) best = i;
    }
    return best;
  }

  /** Every shape holding (x, y), lowest index first. */
  locateAll(x: number, y: number): number[] {
    if (this.tree === undefined) return [];
    return this.tree
      .search(x, y, x, y)
      .filter((i) => shapeContains(this.shapes[i]!, x, y))
      .sort((a, b) => a - b);
  }

  /** Shapes whose bounding box meets the rectangle. */
  search(minX: number, minY: number, maxX: number, maxY: number): number[] {
    return this.tree === undefined ? [] : this.tree.search(minX, minY, maxX, maxY);
  }

  /** The nearest shape and the distance to its edge (0 when inside), searching out to maxDistance. */
  nearest(x: number, y: number, maxDistance = 100_000): Nearest | undefined {
    if (this.tree === undefined) return undefined;
    let radius = 50;
    for (;;) {
      const candidates = this.tree.search(x - radius, y - radius, x + radius, y + radius);
      let best: Nearest | undefined;
      for (const i of candidates) {
        const d = distanceToShape(this.shapes[i]!, x, y);
        if (best === undefined || d < best.distance || (d === best.distance && i < best.index))
          best = { index: i, distance: d };
      }
      // A shape found within the square may still be beaten by one whose box lies beyond the
      // square but within the circle of that distance: search once more to that radius.
      if (best !== undefined && best.distance <= radius) return best;
      if (best !== undefined) {
        const wider = this.tree.search(
          x - best.distance,
          y - best.distance,
          x + best.distance,
          y + best.distance,
        );
        for (const i of wider) {
          const d = distanceToShape(this.shapes[i]!, x, y);
          if (d < best.distance || (d === best.distance && i < best.index))
            best = { index: i, distance: d };
        }
        return best;
      }
      if (radius >= maxDistance) return undefined;
      radius = Math.min(radius * 4, maxDistance);
    }
  }

  /** Brute force without the index: for benchmarks and tests only. */
  locateByScan(x: number, y: number): number {
    for (let i = 0; i < this.shapes.length; i++) if (shapeContains(this.shapes[i]!, x, y)) return i;
    return -1;
  }
}
