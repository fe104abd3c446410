/**
 * Hotspot defaults from the data's density (src/analyses/hotspots/hotspotDefaults.ts): the cell size grows
 * from sfhotspot's default while the incidents average fewer than two per occupied cell, up to a
 * tenth of the shorter side; the bandwidth never falls below the cell size; data too sparse for the
 * grid are warned of; a cell with no incident is never a hot spot (it is "near" one); classes are
 * withheld when the periods hold too few incidents. Checked on made-up points whose answers are
 * worked out here by direct binning, not read back from the code.
 */
import { describe, expect, it } from 'vitest';
import { makeShape } from '../../src/geo/shapes.js';
import { hotspotAnalysis, type HotspotInput } from '../../src/analyses/hotspots/hotspotAnalysis.js';
import {
  densityCellSize,
  medianOf,
  occupancy,
} from '../../src/analyses/hotspots/hotspotDefaults.js';
import { seededRandom } from '../../src/core/random.js';

const SQUARE = makeShape([
  Float64Array.of(450_000, 200_000, 454_000, 200_000, 454_000, 204_000, 450_000, 204_000),
]);

function input(x: number[], y: number[], month: number[]): HotspotInput {
  const n = new Float64Array(x.length).fill(1);
  return {
    area: {
      level: 'district',
      code: 'E00000001',
      name: 'Testshire',
      boundary: SQUARE,
      boundarySource: 'the district boundary',
      boundaryChosen: null,
      chosen: null,
    },
    points: {
      x: Float64Array.from(x),
      y: Float64Array.from(y),
      month: Int32Array.from(month),
      n,
    },
    locations: {
      x: Float64Array.from(x),
      y: Float64Array.from(y),
      n,
      longitude: x.map(() => null),
      latitude: x.map(() => null),
      label: x.map((_, i) => `On or near Street ${i % 3}`),
    },
    monthsWithData: [...new Set(month)].sort((a, b) => a - b),
    range: { from: null, to: null },
    incidents: { selected: x.length, unlocated: 0, policeUk: 0, synthetic: 0 },
    lsoas: null,
  };
}

/** Incidents per occupied square cell of side s, by binning the points here. */
function perOccupied(x: number[], y: number[], s: number): number {
  const cells = new Set(x.map((v, i) => `${Math.floor(v / s)},${Math.floor(y[i]! / s)}`));
  return x.length / cells.size;
}

describe('cell size from the density of the data', () => {
  it('keeps the sfhotspot default when the incidents are dense enough', () => {
    const random = seededRandom(3);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 6_000; i++) {
      x.push(450_000 + random.next() * 4_000);
      y.push(200_000 + random.next() * 4_000);
    }
    expect(perOccupied(x, y, 80)).toBeGreaterThanOrEqual(2);
    const d = densityCellSize(
      SQUARE,
      'square',
      { x: Float64Array.from(x), y: Float64Array.from(y), n: new Float64Array(6_000).fill(1) },
      80,
      4_000,
    );
    expect(d.cellSize).toBe(80);
    expect(d.atBase.perOccupied).toBeCloseTo(perOccupied(x, y, 80), 10);
  });

  it('enlarges the cell until the incidents average two per occupied cell', () => {
    const random = seededRandom(4);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 800; i++) {
      x.push(450_000 + random.next() * 4_000);
      y.push(200_000 + random.next() * 4_000);
    }
    const d = densityCellSize(
      SQUARE,
      'square',
      { x: Float64Array.from(x), y: Float64Array.from(y), n: new Float64Array(800).fill(1) },
      80,
      4_000,
    );
    // Candidates from 80 m: 100, 200, 300 … (a quarter larger, in whole hundreds, at least +100).
    expect(d.cellSize).toBeGreaterThan(80);
    expect(d.cellSize % 100).toBe(0);
    expect(perOccupied(x, y, d.cellSize)).toBeGreaterThanOrEqual(2);
    const smaller = d.cellSize === 100 ? 80 : d.cellSize - 100;
    expect(perOccupied(x, y, smaller)).toBeLessThan(2);
    expect(d.capped).toBe(false);
  });

  it('occupancy and the median of period totals', () => {
    expect(occupancy(Float64Array.of(0, 3, 1, 0))).toEqual({
      located: 4,
      cells: 4,
      occupied: 2,
      perOccupied: 2,
      emptyShare: 0.5,
    });
    expect(medianOf([5, 1, 3])).toBe(3);
    expect(medianOf([4, 1, 3, 10])).toBe(3.5);
  });
});

describe('the analysis on sparse data', () => {
  // Forty incidents scattered over a 4 km square in twelve months: far too few for 80 m cells.
  const random = seededRandom(11);
  const x: number[] = [];
  const y: number[] = [];
  const month: number[] = [];
  for (let i = 0; i < 40; i++) {
    x.push(450_000 + random.next() * 4_000);
    y.push(200_000 + random.next() * 4_000);
    month.push(2024 * 12 + (i % 12));
  }
  const said: string[] = [];
  const a = hotspotAnalysis(input(x, y, month), { classify: true }, (m) => said.push(m));

  it('stops at a tenth of the shorter side, says why, and warns that the data are too sparse', () => {
    expect(a.params['cell size']).toMatchObject({ value: 400, automatic: true });
    expect(a.params['cell size']?.explanation).toMatch(
      /enlarged from 80 m, .* as far as a tenth of the shorter side/,
    );
    const sparse = a.warnings.find((w) => w.code === 'SPARSE_DATA');
    expect(sparse?.message).toMatch(/only 40 located incidents lie in the area, fewer than 50/);
    expect(a.result.summary.sparse).toBe(true);
    expect(said.some((m) => m.startsWith('warning: only 40 located incidents'))).toBe(true);
  });

  it('floors the bandwidth at the cell size when the rule gives less, and says so', () => {
    const bw = a.params['bandwidth']!;
    expect(bw.value).toBeGreaterThanOrEqual(400);
    const tight = hotspotAnalysis(
      input(
        x.map((v) => 452_000 + (v - 452_000) / 100),
        y.map((v) => 202_000 + (v - 202_000) / 100),
        month,
      ),
      { cellSize: 200 },
    );
    expect(tight.params['bandwidth']).toMatchObject({ value: 200, automatic: true });
    expect(tight.params['bandwidth']?.explanation).toMatch(
      /^the cell size \(200 m\), the floor of the bandwidth/,
    );
  });

  it('withholds the hotspot classes when the periods hold too few incidents', () => {
    expect(a.result.classes?.withheld).toMatch(/the median month holds 3.* fewer than 30/);
    expect(a.result.classes?.counts).toEqual({});
    expect(a.result.cells.every((c) => c.class === undefined)).toBe(true);
    expect(a.warnings.map((w) => w.code)).toContain('CLASSES_TOO_SPARSE');
  });
});

describe('no cell without incidents is a hot spot', () => {
  // A ring of eight busy 100 m cells around an empty one, and a thin scatter elsewhere: the empty
  // centre's Gi* (itself and its eight neighbours) is as high as theirs.
  const x: number[] = [];
  const y: number[] = [];
  const cx = 452_050;
  const cy = 202_050;
  for (const [dx, dy] of [
    [-1, -1],
    [0, -1],
    [1, -1],
    [-1, 0],
    [1, 0],
    [-1, 1],
    [0, 1],
    [1, 1],
  ] as const)
    for (let i = 0; i < 30; i++) {
      x.push(cx + dx * 100 + ((i % 5) - 2) * 10);
      y.push(cy + dy * 100 + (Math.floor(i / 5) - 2) * 10);
    }
  const random = seededRandom(5);
  for (let i = 0; i < 300; i++) {
    x.push(450_000 + random.next() * 4_000);
    y.push(200_000 + random.next() * 4_000);
  }
  const a = hotspotAnalysis(
    input(
      x,
      y,
      x.map(() => 2024 * 12),
    ),
    { cellSize: 100 },
  );
  const centre = a.result.cells.find(
    (c) => Math.abs(c.easting - cx) < 1 && Math.abs(c.northing - cy) < 1,
  )!;

  it('marks the empty centre "near a hot spot" and counts it apart', () => {
    expect(centre.count).toBe(0);
    expect(centre.hotspot).toBeNull();
    expect(centre.nearHotspot).toBe(true);
    expect(centre.z).toBeGreaterThan(3);
    expect(a.result.summary.nearHotspots).toBeGreaterThanOrEqual(1);
    expect(a.warnings.map((w) => w.code)).toContain('NEAR_HOTSPOTS');
    for (const c of a.result.cells) if (c.hotspot === 'hotspot') expect(c.count).toBeGreaterThan(0);
  });

  it('ranks the top hot spots by z among cells with incidents, each named by its commonest street', () => {
    const top = a.result.topHotspots.map((id) => a.result.cells[id - 1]!);
    expect(top.length).toBeGreaterThan(0);
    expect(top.length).toBeLessThanOrEqual(10);
    expect(top.every((c) => c.count > 0 && c.hotspot === 'hotspot')).toBe(true);
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.z!).toBeGreaterThanOrEqual(top[i]!.z!);
    // The streets of the records in the top cell, tallied here.
    const first = top[0]!;
    const tally = new Map<string, number>();
    x.forEach((px, i) => {
      if (Math.abs(px - first.easting) < 50 && Math.abs(y[i]! - first.northing) < 50) {
        const label = `On or near Street ${i % 3}`;
        tally.set(label, (tally.get(label) ?? 0) + 1);
      }
    });
    const most = Math.max(...tally.values());
    const expected = [...tally]
      .filter(([, n]) => n === most)
      .map(([l]) => l)
      .sort()[0];
    expect(first.place?.street).toBe(expected);
  });
});
