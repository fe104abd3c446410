/**
 * The parts of the hotspot analysis worked by hand: sfhotspot's classes on made-up series,
 * concentration, change, LSOA contiguity on drawn polygons; and the whole pure analysis on
 * synthetic points: automatic parameters marked, explained and announced (and not when given),
 * warnings counted once, bad options refused with the accepted values.
 */
import { describe, expect, it } from 'vitest';
import { announceParam } from '../../src/analyses/selection/analysisResult.js';
import { makeShape, type Shape } from '../../src/geo/shapes.js';
import { hotspotAnalysis, type HotspotInput } from '../../src/analyses/hotspots/hotspotAnalysis.js';
import { hotspotChange } from '../../src/analyses/hotspots/hotspotChange.js';
import { CLASSIFY_DEFAULTS, hotspotClassify } from '../../src/analyses/hotspots/hotspotClassify.js';
import { hotspotConcentration } from '../../src/analyses/hotspots/hotspotConcentration.js';
import { hotspotContiguity } from '../../src/analyses/hotspots/hotspotContiguity.js';
import { neighbourLists } from '../../src/analyses/hotspots/hotspotNeighbours.js';
import { seededRandom } from '../../src/core/random.js';

describe("hotspot classes (sfhotspot's hotspot_classify rules and defaults)", () => {
  // Ten periods: the last floor(0.2 × 10) = 2 are recent, the first 8 older.
  const SIG = 1e-6; // significant even after Holm across 10 periods (×10)
  const cells: [string, number[]][] = [
    ['persistent hotspot', [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]], // 9 of 10 ≥ 0.8
    ['emerging hotspot', [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]], // older 0 < 0.1, recent 1/2 ≥ 0.2
    ['former hotspot', [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]], // older 3/8 ≥ 0.1, recent 0 < 0.1
    ['intermittent hotspot', [0, 0, 1, 0, 0, 0, 0, 0, 1, 0]], // 2/10 ≥ 0.1, neither of the above
    ['persistent coldspot', [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0]], // 8/10
    ['mixed hot/coldspot', [1, 1, 0, 0, 0, 0, 0, 0, 0, -1]], // former hot and emerging cold
    ['no pattern', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ];
  const z = Array.from({ length: 10 }, (_, t) =>
    Float64Array.from(cells, ([, s]) => s[t]! * 4 || 0.3),
  );
  const p = Array.from({ length: 10 }, (_, t) =>
    Float64Array.from(cells, ([, s]) => (s[t] === 0 ? 0.5 : SIG)),
  );

  it('classifies each made-up cell as the rules say', () => {
    const r = hotspotClassify(z, p, CLASSIFY_DEFAULTS);
    expect(r.recentPeriods).toBe(2);
    expect(r.classes).toEqual(cells.map(([c]) => c));
  });

  it("corrects each cell's p-values across its periods (Holm): 0.01 in 1 of 10 periods is not significant", () => {
    const zz = Array.from({ length: 10 }, (_, t) => Float64Array.of(t === 9 ? 3 : 0.1));
    const pp = Array.from({ length: 10 }, (_, t) => Float64Array.of(t === 9 ? 0.01 : 0.9));
    expect(hotspotClassify(zz, pp).classes).toEqual(['no pattern']);
    expect(hotspotClassify(zz, pp, { ...CLASSIFY_DEFAULTS, correction: 'none' }).classes).toEqual([
      'emerging hotspot',
    ]);
  });

  it('takes the last period as recent when 20% of the periods is less than one, and needs two', () => {
    const r = hotspotClassify(z.slice(0, 3), p.slice(0, 3));
    expect(r.recentPeriods).toBe(1);
    expect(r.recentRaised).toBe(true);
    expect(() => hotspotClassify(z.slice(0, 1), p.slice(0, 1))).toThrow(/at least two periods/);
  });
});

describe('concentration and change', () => {
  it('share of incidents in the busiest 1% and 5% of units, rounded up to whole units', () => {
    const counts = new Float64Array(200);
    counts.set([50, 30, 20, 10, 10, 10, 5, 5, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const c = hotspotConcentration(counts);
    expect(c.total).toBe(160);
    expect(c.withIncidents).toBe(20);
    // Top 1% of 200 = 2 units (50 + 30); top 5% = 10 units (150).
    expect(c.levels).toEqual([
      { topShare: 0.01, units: 2, incidents: 80, share: 0.5 },
      { topShare: 0.05, units: 10, incidents: 150, share: 150 / 160 },
    ]);
    expect(c.halfUnits).toBe(2);
    expect(hotspotConcentration(Float64Array.of(3, 0, 1)).levels[0]!.units).toBe(1);
  });

  it('before, after and change per cell, with totals', () => {
    const ch = hotspotChange(Float64Array.of(1, 5, 0, 2), Float64Array.of(3, 1, 0, 2));
    expect([...ch.change]).toEqual([2, -4, 0, 0]);
    expect([ch.totalBefore, ch.totalAfter, ch.up, ch.down, ch.same]).toEqual([8, 6, 1, 1, 2]);
  });
});

describe('LSOA contiguity (queen, as spdep::poly2nb)', () => {
  const square = (x: number, y: number, s = 100): Shape =>
    makeShape([Float64Array.of(x, y, x + s, y, x + s, y + s, x, y + s)]);

  it('links polygons sharing an edge or only a corner, itself included', () => {
    const shapes: Shape[] = [];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) shapes.push(square(c * 100, r * 100));
    const lists = neighbourLists(hotspotContiguity(shapes));
    expect(lists[4]).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    expect(lists[0]).toEqual([1, 3, 4]);
  });

  it('counts vertices within the tolerance as shared, and no others', () => {
    const a = square(0, 0);
    const b = square(100.5, 0); // a 0.5 m gap
    const c = square(202.5, 0); // 2 m from b
    expect(neighbourLists(hotspotContiguity([a, b, c], 1))).toEqual([[1], [0], []]);
    expect(neighbourLists(hotspotContiguity([a, b, c], 2.5))).toEqual([[1], [0, 2], [1]]);
    expect(() => hotspotContiguity([a], 0)).toThrow(/tolerance/);
  });
});

/** A synthetic input: a 4 km square area with clustered points over twelve months. */
function syntheticInput(): HotspotInput {
  const random = seededRandom(9);
  const n = 4_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const month = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const hot = random.chance(0.4);
    x[i] = hot ? 451_500 + (random.next() - 0.5) * 400 : 450_000 + random.next() * 4_000;
    y[i] = hot ? 201_500 + (random.next() - 0.5) * 400 : 200_000 + random.next() * 4_000;
    month[i] = 2024 * 12 + random.int(0, 11);
  }
  return {
    area: {
      level: 'district',
      code: 'E00000001',
      name: 'Testshire',
      boundary: makeShape([
        Float64Array.of(450_000, 200_000, 454_000, 200_000, 454_000, 204_000, 450_000, 204_000),
      ]),
      boundarySource: 'the district boundary',
      boundaryChosen: null,
      chosen: null,
    },
    points: { x, y, month, n: new Float64Array(n).fill(1) },
    locations: { x, y, n: new Float64Array(n).fill(1), longitude: [], latitude: [], label: [] },
    monthsWithData: Array.from({ length: 12 }, (_, m) => 2024 * 12 + m),
    range: { from: null, to: null },
    incidents: { selected: n + 5, unlocated: 5, policeUk: n, synthetic: 0 },
    lsoas: null,
  };
}

describe('the hotspot analysis', () => {
  it('marks, explains and announces the automatic parameters', () => {
    const said: string[] = [];
    const a = hotspotAnalysis(syntheticInput(), {}, (m) => said.push(m));
    const p = a.params;
    // The incidents per occupied 80 m cell, counted here by binning the points directly.
    const input = syntheticInput();
    const occupied = new Set<string>();
    input.points.x.forEach((x, i) =>
      occupied.add(`${Math.floor(x / 80)},${Math.floor(input.points.y[i]! / 80)}`),
    );
    const perOccupied = (4_000 / occupied.size).toFixed(1);
    expect(Number(perOccupied)).toBeGreaterThanOrEqual(2);
    const explanation = `50 cells across the shorter side of Testshire (4.0 km), in whole metres: the area is too small for cells of 100 m; the 4,000 located incidents average ${perOccupied} per occupied cell at that size, at least 2`;
    expect(p['cell size']).toEqual({ value: 80, automatic: true, unit: 'metres', explanation });
    expect(p['bandwidth']?.automatic).toBe(true);
    expect(p['bandwidth']?.explanation).toMatch(
      /normal-reference bandwidths in x .* and y .*sfhotspot uses x alone/,
    );
    expect(p['correction']).toMatchObject({ value: 'fdr', automatic: true });
    expect(p['p-values']).toMatchObject({
      value: 'normal approximation, two-sided',
      automatic: true,
    });
    expect(p['neighbourhood']?.value).toBe('queen: the 8 cells around and the cell itself');
    expect(said).toContain(announceParam('cell size', p['cell size']!));
    expect(said).toContain(announceParam('bandwidth', p['bandwidth']!));
    expect(said[0]).toBe(`cell size set to 80 metres automatically (${explanation})`);
    expect(a.result.grid.cells).toBe(2_500);
    expect(a.result.incidents.inArea).toBe(4_000);
    expect(a.result.cells.reduce((s, c) => s + c.count, 0)).toBe(4_000);
    expect(a.result.summary.hotspots).toBeGreaterThan(0);
    const top = a.result.cells.reduce((b, c) => ((c.z ?? -1) > (b.z ?? -1) ? c : b));
    expect(Math.abs(top.easting - 451_500)).toBeLessThan(300);
    // Empty cells beside the cluster are significantly high through their neighbours only: they
    // are "near a hot spot", never hot spots themselves.
    const near = a.result.cells.filter((c) => c.nearHotspot === true);
    expect(near.length).toBe(a.result.summary.nearHotspots);
    expect(near.every((c) => c.count === 0 && c.hotspot === null)).toBe(true);
    expect(a.result.cells.filter((c) => c.hotspot === 'hotspot').every((c) => c.count > 0)).toBe(
      true,
    );
    expect(a.warnings.map((w) => w.code).sort()).toEqual([
      ...(near.length > 0 ? ['NEAR_HOTSPOTS'] : []),
      'SNAPPED_POINTS',
      'UNLOCATED',
    ]);
  });

  it('records given values as given and does not announce them', () => {
    const said: string[] = [];
    const a = hotspotAnalysis(
      syntheticInput(),
      { cellSize: 200, bandwidth: 300, grid: 'hex', correction: 'none', permutations: 99, seed: 3 },
      (m) => said.push(m),
    );
    expect(a.params['cell size']).toEqual({ value: 200, automatic: false, unit: 'metres' });
    expect(a.params['bandwidth']).toEqual({ value: 300, automatic: false, unit: 'metres' });
    expect(a.params['seed']).toEqual({ value: 3, automatic: false });
    expect(a.params['p-values']?.value).toBe('conditional permutation, 99 permutations, two-sided');
    expect(said.filter((s) => s.includes('automatically'))).toEqual([]);
    expect(a.result.grid.shape).toBe('hex');
  });

  it('gives change, classes and reproducible permutation p-values', () => {
    const input = syntheticInput();
    const opts = {
      before: { from: '2024-01', to: '2024-06' },
      after: { from: '2024-07', to: '2024-12' },
      classify: true,
      permutations: 199,
    };
    const a = hotspotAnalysis(input, opts);
    const b = hotspotAnalysis(input, opts);
    expect(a.result.cells.map((c) => c.p)).toEqual(b.result.cells.map((c) => c.p));
    expect(a.params['seed']).toMatchObject({ value: 1, automatic: true });
    const ch = a.result.change!;
    expect(ch.totalBefore + ch.totalAfter).toBe(4_000);
    for (const c of a.result.cells) expect(c.change).toBe(c.after! - c.before!);
    expect(a.result.classes?.periods).toHaveLength(12);
    expect(a.result.classes?.period).toBe('month');
    expect(a.result.classes?.counts['persistent hotspot']).toBeGreaterThan(0);
  });

  it('says there is nothing to classify when no located incident is selected, not that the period is short', () => {
    const input = syntheticInput();
    const none = {
      ...input,
      points: {
        x: new Float64Array(0),
        y: new Float64Array(0),
        month: new Int32Array(0),
        n: new Float64Array(0),
      },
      locations: { ...input.locations, x: new Float64Array(0), y: new Float64Array(0) },
      monthsWithData: [],
      incidents: { selected: 0, unlocated: 0, policeUk: 0, synthetic: 0 },
    };
    expect(() => hotspotAnalysis(none, { classify: true })).toThrow(
      expect.objectContaining({
        code: 'NO_INCIDENTS',
        message: expect.stringMatching(
          /no located incident of the selection lies in district Testshire/,
        ),
      }),
    );
    // One month with data is a short period, as before.
    const one = {
      ...input,
      monthsWithData: [2024 * 12],
      points: { ...input.points, month: new Int32Array(input.points.month.length).fill(2024 * 12) },
    };
    expect(() => hotspotAnalysis(one, { classify: true })).toThrow(
      expect.objectContaining({ code: 'TOO_FEW_PERIODS' }),
    );
  });

  it('refuses bad options with the accepted values', () => {
    const input = syntheticInput();
    expect(() => hotspotAnalysis(input, { alpha: 2 })).toThrow(/significance level 2/);
    expect(() => hotspotAnalysis(input, { permutations: -1 })).toThrow(/permutations -1/);
    expect(() => hotspotAnalysis(input, { before: { from: '2024-01', to: '2024-02' } })).toThrow(
      /both --before and --after/,
    );
    expect(() =>
      hotspotAnalysis(input, {
        before: { from: '2023-01', to: '2023-02' },
        after: { from: '2024-01', to: '2024-02' },
      }),
    ).toThrow(/reaches outside the selection/);
  });
});
