/**
 * Dissolving areas into one outline (force areas from their districts): every ring is oriented
 * (outer rings counter-clockwise, holes clockwise), edges shared by two neighbours run in opposite
 * directions and cancel, and the edges left are chained back into rings. Exact for boundaries that
 * share their vertices, as TopoJSON and ONS boundary sets do; boundaries that do not meet exactly
 * leave thin slivers, which do not change which side of the outline a point falls.
 */
import { makeShape, ringSignedArea, shapeContains, type Ring, type Shape } from './shapes.js';

const key = (x: number, y: number): string => `${Math.round(x * 1000)},${Math.round(y * 1000)}`;

function orientedRings(shape: Shape): Ring[] {
  return shape.rings.map((r, i) => {
    let depth = 0;
    for (let j = 0; j < shape.rings.length; j++) {
      if (j !== i && shapeContains(makeShape([shape.rings[j]!]), r[0]!, r[1]!)) depth++;
    }
    const wantCcw = depth % 2 === 0;
    // ringSignedArea is positive for counter-clockwise rings in x-east, y-north axes.
    const ccw = ringSignedArea(r) > 0;
    if (ccw === wantCcw) return r;
    const rev = new Float64Array(r.length);
    for (let k = 0; k < r.length; k += 2) {
      rev[r.length - 2 - k] = r[k]!;
      rev[r.length - 1 - k] = r[k + 1]!;
    }
    return rev;
  });
}

export function dissolve(shapes: readonly Shape[]): Shape {
  interface Edge {
    from: string;
    to: string;
    x: number;
    y: number;
    used: boolean;
  }
  const edges = new Map<string, Edge[]>(); // "from|to" → edges
  const add = (e: Edge): void => {
    const reverse = edges.get(`${e.to}|${e.from}`);
    if (reverse !== undefined && reverse.length > 0) {
      reverse.pop();
      return;
    }
    const k = `${e.from}|${e.to}`;
    const list = edges.get(k);
    if (list === undefined) edges.set(k, [e]);
    else list.push(e);
  };
  for (const shape of shapes) {
    for (const r of orientedRings(shape)) {
      const n = r.length / 2;
      // Drop the closing point when the ring repeats its first point.
      const last = r[2 * n - 2] === r[0] && r[2 * n - 1] === r[1] ? n - 1 : n;
      for (let i = 0; i < last; i++) {
        const j = (i + 1) % last;
        const from = key(r[2 * i]!, r[2 * i + 1]!);
        const to = key(r[2 * j]!, r[2 * j + 1]!);
        if (from === to) continue;
        add({ from, to, x: r[2 * i]!, y: r[2 * i + 1]!, used: false });
      }
    }
  }
  const outgoing = new Map<string, Edge[]>();
  for (const list of edges.values())
    for (const e of list) {
      const out = outgoing.get(e.from);
      if (out === undefined) outgoing.set(e.from, [e]);
      else out.push(e);
    }
  const rings: Ring[] = [];
  for (const list of outgoing.values()) {
    for (const start of list) {
      if (start.used) continue;
      const coords: number[] = [];
      let e: Edge | undefined = start;
      while (e !== undefined && !e.used) {
        e.used = true;
        coords.push(e.x, e.y);
        e = outgoing.get(e.to)?.find((c) => !c.used);
      }
      if (coords.length >= 6) rings.push(Float64Array.from(coords));
    }
  }
  return makeShape(rings);
}
