/**
 * Results kept beside the objects they are made from (src/core/keptWith.ts): the grid of a
 * boundary and the contiguity of a set of shapes are what the functions make afresh, asked again
 * they are the same object, and another cell size, grid shape, tolerance or set of shapes gets
 * its own.
 */
import { describe, expect, it } from 'vitest';
import { identityOf, KeptWith } from '../../src/core/keptWith.js';
import { makeShape, type Shape } from '../../src/geo/shapes.js';
import { hotspotGrid, keptGrid } from '../../src/analyses/hotspots/hotspotGrid.js';
import {
  hotspotContiguity,
  keptContiguity,
} from '../../src/analyses/hotspots/hotspotContiguity.js';

const square = (x: number, y: number, side: number): Shape =>
  makeShape([Float64Array.from([x, y, x + side, y, x + side, y + side, x, y + side])]);

describe('KeptWith', () => {
  it('makes a value once per owner and key, and keeps at most its limit per owner', () => {
    const kept = new KeptWith<object, number>(2);
    const a = {};
    const b = {};
    let made = 0;
    const make = (v: number) => () => {
      made++;
      return v;
    };
    expect(kept.get(a, 'x', make(1))).toBe(1);
    expect(kept.get(a, 'x', make(99))).toBe(1);
    expect(kept.get(b, 'x', make(2))).toBe(2);
    expect(made).toBe(2);
    kept.get(a, 'y', make(3));
    kept.get(a, 'x', make(99)); // x is now the most recently used
    kept.get(a, 'z', make(4)); // y goes
    expect(kept.get(a, 'x', make(99))).toBe(1);
    expect(kept.get(a, 'y', make(5))).toBe(5);
    expect(made).toBe(5);
  });

  it('keeps nothing when making fails', () => {
    const kept = new KeptWith<object, number>(4);
    const a = {};
    expect(() =>
      kept.get(a, 'x', () => {
        throw new RangeError('no');
      }),
    ).toThrow('no');
    expect(kept.get(a, 'x', () => 7)).toBe(7);
  });

  it('gives each object its own identity, the same on every ask', () => {
    const a = {};
    const b = {};
    expect(identityOf(a)).toBe(identityOf(a));
    expect(identityOf(a)).not.toBe(identityOf(b));
  });
});

describe('kept grids and contiguity', () => {
  it('a kept grid is the grid made afresh, and the same object when asked again', () => {
    const boundary = makeShape([
      Float64Array.from([450_000, 200_000, 456_300, 200_400, 455_000, 207_700, 449_200, 205_100]),
    ]);
    for (const shape of ['square', 'hex'] as const)
      for (const cellSize of [250, 400]) {
        const grid = keptGrid(boundary, { shape, cellSize });
        expect(grid).toEqual(hotspotGrid(boundary, { shape, cellSize }));
        expect(keptGrid(boundary, { shape, cellSize })).toBe(grid);
      }
    expect(keptGrid(boundary, { shape: 'square', cellSize: 250 })).not.toBe(
      keptGrid(boundary, { shape: 'hex', cellSize: 250 }),
    );
    // Another boundary of the same outline is another object: its own grid.
    const again = makeShape(boundary.rings.map((r) => Float64Array.from(r)));
    expect(keptGrid(again, { shape: 'square', cellSize: 250 })).not.toBe(
      keptGrid(boundary, { shape: 'square', cellSize: 250 }),
    );
  });

  it('kept contiguity is contiguity made afresh, for the same shapes and tolerance only', () => {
    // A row of four squares 1 km across, and one 500 m beyond them.
    const shapes = [0, 1, 2, 3].map((k) => square(450_000 + 1_000 * k, 200_000, 1_000));
    shapes.push(square(454_500, 200_000, 1_000));
    const nb = keptContiguity(shapes);
    expect(nb).toEqual(hotspotContiguity(shapes));
    expect(Array.from(nb.indices.subarray(nb.offsets[1]!, nb.offsets[2]!))).toEqual([0, 1, 2]);
    expect(keptContiguity(shapes)).toBe(nb);
    expect(keptContiguity([...shapes])).toBe(nb);
    // Fewer shapes, other shapes in the same places, or another tolerance: not the same answer.
    const three = keptContiguity(shapes.slice(0, 3));
    expect(three).not.toBe(nb);
    expect(three.offsets).toHaveLength(4);
    const copies = shapes.map((s) => makeShape(s.rings.map((r) => Float64Array.from(r))));
    copies[0] = shapes[0]!;
    expect(keptContiguity(copies)).not.toBe(nb);
    expect(keptContiguity(copies)).toEqual(nb);
    const wide = keptContiguity(shapes, 600);
    expect(wide).toEqual(hotspotContiguity(shapes, 600));
    expect(wide).not.toEqual(nb);
  });
});
