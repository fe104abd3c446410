/**
 * Disclosure control: the policy per audience, single figures, sentences, and tables with their
 * margins — hand-worked cases, then properties over generated tables: no published count lies in
 * 1…minimum−1, and no hidden entry can be worked out from what is published (checked by linear
 * algebra, independently of the graph argument the suppression uses).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeChange,
  describeFigure,
  discloseFigure,
  disclosurePolicy,
  discloseTable,
  formatFigure,
  hiddenBridges,
  minimumFor,
  parseAudience,
  type DisclosedTable,
} from '../../src/disclosure/index.js';

const publicPolicy = disclosurePolicy({ audience: 'public' });
const incidents = { one: 'incident', many: 'incidents' };

describe('policy', () => {
  it('fills every default and explains itself', () => {
    expect(publicPolicy).toMatchObject({ minimum: { health: 8, other: 5 }, rounding: null });
    expect(disclosurePolicy({ audience: 'partner' }).minimum).toEqual({ health: 8, other: 0 });
    expect(disclosurePolicy({ audience: 'analyst' }).minimum).toEqual({ health: 0, other: 0 });
    expect(disclosurePolicy({ audience: 'public', minimum: 10 }).minimum.other).toBe(10);
    // The NHS rule is a floor for health data.
    expect(disclosurePolicy({ audience: 'public', healthMinimum: 3 }).minimum.health).toBe(8);
    expect(publicPolicy.description).toContain('counts of 1–4 (health data: 1–7)');
  });
  it('takes the strictest minimum of the sources a figure mixes', () => {
    expect(minimumFor(publicPolicy, ['police-uk'])).toBe(5);
    expect(minimumFor(publicPolicy, ['police-uk', 'hes'])).toBe(8);
    expect(minimumFor(publicPolicy, [])).toBe(5);
    expect(minimumFor(publicPolicy, ['istv-counts'])).toBe(8);
  });
  it('refuses unknown audiences and bad numbers with the accepted values', () => {
    expect(() => parseAudience('press')).toThrow(/invalid audience: press/);
    expect(() => disclosurePolicy({ audience: 'public', minimum: 0 })).toThrow(/at least 1/);
  });
});

describe('single figures and sentences', () => {
  it('hides 1–4 of police data and 1–7 of health data from the public; zero stays zero', () => {
    expect(discloseFigure(0, publicPolicy).value).toBe(0);
    expect(discloseFigure(4, publicPolicy).suppressed).toBe('primary');
    expect(discloseFigure(5, publicPolicy).value).toBe(5);
    expect(discloseFigure(7, publicPolicy, ['hes']).suppressed).toBe('primary');
    expect(discloseFigure(8, publicPolicy, ['hes']).value).toBe(8);
    expect(discloseFigure(3, disclosurePolicy({ audience: 'partner' })).value).toBe(3);
    expect(discloseFigure(3, disclosurePolicy({ audience: 'partner' }), ['hes']).suppressed).toBe(
      'primary',
    );
    expect(discloseFigure(1, disclosurePolicy({ audience: 'analyst' }), ['hes']).value).toBe(1);
  });
  it('rounds when asked, and says so', () => {
    const rounded = disclosurePolicy({ audience: 'public', rounding: 5 });
    expect(discloseFigure(17, rounded)).toEqual({ suppressed: false, value: 15, rounded: true });
    expect(describeFigure(discloseFigure(17, rounded), incidents)).toBe('about 15 incidents');
  });
  it('sentences never state a withheld number', () => {
    const three = discloseFigure(3, publicPolicy);
    expect(formatFigure(three)).toBe('[c]');
    expect(describeFigure(three, incidents)).toBe(
      'the number of incidents is not published, to protect confidentiality',
    );
    expect(describeFigure(discloseFigure(0, publicPolicy), incidents)).toBe('no incidents');
    expect(
      describeFigure(discloseFigure(1, disclosurePolicy({ audience: 'analyst' })), incidents),
    ).toBe('1 incident');
    expect(
      describeChange(discloseFigure(12, publicPolicy), discloseFigure(18, publicPolicy), incidents),
    ).toBe('rose from 12 to 18 incidents (+50%)');
    expect(
      describeChange(discloseFigure(12, publicPolicy), discloseFigure(3, publicPolicy), incidents),
    ).toBe('the change in the number of incidents is not published, to protect confidentiality');
    for (let v = 1; v < 5; v++) {
      const text = describeChange(
        discloseFigure(20, publicPolicy),
        discloseFigure(v, publicPolicy),
        incidents,
      );
      expect(text).not.toMatch(new RegExp(`\\b${v}\\b`));
    }
  });
});

/** Every published entry of a disclosed table: cells, row totals, column totals, total. */
function published(t: DisclosedTable): number[] {
  return [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.total]
    .filter((f) => f.suppressed === false)
    .map((f) => f.value!);
}

/**
 * Whether hidden entry k of the extended table is fixed by the published sums: it is exactly when
 * the unit vector of k lies in the row space of the constraint matrix (rank drops without k).
 */
function determinedEntries(hidden: boolean[][]): boolean[] {
  const entries: [number, number][] = [];
  hidden.forEach((row, r) => row.forEach((h, c) => h && entries.push([r, c])));
  const R = hidden.length;
  const C = hidden[0]!.length;
  const matrix = (skip: number): number[][] => {
    const rows: number[][] = [];
    for (let r = 0; r < R; r++)
      rows.push(entries.map(([er], k) => (k !== skip && er === r ? 1 : 0)));
    for (let c = 0; c < C; c++)
      rows.push(entries.map(([, ec], k) => (k !== skip && ec === c ? 1 : 0)));
    return rows;
  };
  const rank = (m: number[][]): number => {
    const a = m.map((r) => [...r]);
    let rk = 0;
    for (let col = 0; col < (a[0]?.length ?? 0) && rk < a.length; col++) {
      const pivot = a.findIndex((row, i) => i >= rk && Math.abs(row[col]!) > 1e-9);
      if (pivot === -1) continue;
      [a[rk], a[pivot]] = [a[pivot]!, a[rk]!];
      for (let i = 0; i < a.length; i++) {
        if (i === rk) continue;
        const f = a[i]![col]! / a[rk]![col]!;
        if (f !== 0) a[i] = a[i]!.map((v, j) => v - f * a[rk]![j]!);
      }
      rk++;
    }
    return rk;
  };
  const full = rank(matrix(-1));
  return entries.map((_, k) => rank(matrix(k)) < full);
}

const hiddenGrid = (t: DisclosedTable): boolean[][] => [
  ...t.cells.map((row, r) => [
    ...row.map((f) => f.suppressed !== false),
    t.rowTotals[r]!.suppressed !== false,
  ]),
  [...t.columnTotals.map((f) => f.suppressed !== false), t.total.suppressed !== false],
];

describe('tables', () => {
  it('a hand-worked table: one small cell hides a rectangle of the cheapest others', () => {
    //            a   b   c  | total
    //   north   12   3  20  |   35
    //   south    9  15   8  |   32
    //   total   21  18  28  |   67
    const t = discloseTable(
      {
        rows: ['north', 'south'],
        columns: ['a', 'b', 'c'],
        cells: [
          [12, 3, 20],
          [9, 15, 8],
        ],
        sources: ['police-uk'],
      },
      publicPolicy,
    );
    const marks = t.cells.map((row) => row.map((f) => f.suppressed));
    // 3 is small; the cheapest rectangle through it adds north/a (12), south/b (15), south/a (9)?
    // No: cost is the sum of the three new cells, so (north,c′),(south,b),(south,c′) with c′ = c
    // costs 20+15+8 = 43 and c′ = a costs 12+15+9 = 36: column a it is.
    expect(marks).toEqual([
      ['secondary', 'primary', false],
      ['secondary', 'secondary', false],
    ]);
    expect(t.rowTotals.map((f) => f.value)).toEqual([35, 32]);
    expect(t.columnTotals.map((f) => f.value)).toEqual([21, 18, 28]);
    expect(t.disclosure).toMatchObject({ minimum: 5, primary: 1, secondary: 3 });
    expect(determinedEntries(hiddenGrid(t)).some(Boolean)).toBe(false);
  });

  it('a small total is hidden too, and protected in turn', () => {
    const t = discloseTable(
      { rows: ['x'], columns: ['a', 'b'], cells: [[2, 1]], sources: ['police-uk'] },
      publicPolicy,
    );
    expect(t.total.suppressed).toBe('primary');
    expect(published(t).every((v) => v === 0 || v >= 5)).toBe(true);
    expect(determinedEntries(hiddenGrid(t)).some(Boolean)).toBe(false);
  });

  it('zeros are shown, and never hidden while another cell will do', () => {
    const t = discloseTable(
      {
        rows: ['x', 'y'],
        columns: ['a', 'b', 'c'],
        cells: [
          [0, 2, 9],
          [0, 7, 11],
        ],
        sources: [],
      },
      publicPolicy,
    );
    expect(t.cells[0]![0]).toEqual({ suppressed: false, value: 0, rounded: false });
    expect(t.cells[1]![0]!.value).toBe(0);
  });

  it('the independent check sees a lone hidden cell, and a hidden rectangle as safe', () => {
    expect(
      determinedEntries([
        [true, false],
        [false, false],
      ]),
    ).toEqual([true]);
    expect(
      determinedEntries([
        [true, true],
        [true, true],
      ]),
    ).toEqual([false, false, false, false]);
    expect(
      determinedEntries([
        [true, true, false],
        [false, false, false],
      ]),
    ).toEqual([true, true]);
  });

  it('the bridge search finds exactly the entries on no cycle', () => {
    expect(
      hiddenBridges([
        [true, true],
        [true, true],
      ]),
    ).toEqual([]);
    expect(
      hiddenBridges([
        [true, true],
        [false, false],
      ]),
    ).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  const tables = fc
    .record({
      rows: fc.integer({ min: 1, max: 5 }),
      columns: fc.integer({ min: 1, max: 5 }),
      minimum: fc.integer({ min: 2, max: 10 }),
      health: fc.boolean(),
    })
    .chain(({ rows, columns, minimum, health }) =>
      fc.record({
        minimum: fc.constant(minimum),
        health: fc.constant(health),
        cells: fc.array(
          fc.array(
            fc.oneof(
              fc.constant(0),
              fc.integer({ min: 1, max: 9 }),
              fc.integer({ min: 0, max: 60 }),
            ),
            {
              minLength: columns,
              maxLength: columns,
            },
          ),
          { minLength: rows, maxLength: rows },
        ),
      }),
    );

  it('property: no published count lies in 1…minimum−1, and zeros are published as zero', () => {
    fc.assert(
      fc.property(tables, ({ cells, minimum, health }) => {
        const policy = disclosurePolicy({ audience: 'public', minimum });
        const t = discloseTable(
          {
            rows: cells.map((_, i) => `r${i}`),
            columns: cells[0]!.map((_, i) => `c${i}`),
            cells,
            sources: health ? ['hes'] : ['police-uk'],
          },
          policy,
        );
        const least = health ? 8 : minimum;
        expect(t.disclosure.minimum).toBe(least);
        for (const v of published(t)) expect(v === 0 || v >= least).toBe(true);
        // Every published value is the true one (no rounding asked).
        t.cells.forEach((row, r) =>
          row.forEach((f, c) => {
            if (f.suppressed === false) expect(f.value).toBe(cells[r]![c]);
            else expect(f.value).toBeNull();
          }),
        );
      }),
      { numRuns: 300, seed: 20240331 },
    );
  });

  it('property: no hidden entry can be worked out from the published cells and totals', () => {
    fc.assert(
      fc.property(tables, ({ cells, minimum }) => {
        const t = discloseTable(
          {
            rows: cells.map((_, i) => `r${i}`),
            columns: cells[0]!.map((_, i) => `c${i}`),
            cells,
            sources: [],
          },
          disclosurePolicy({ audience: 'public', minimum }),
        );
        expect(determinedEntries(hiddenGrid(t))).not.toContain(true);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('property: with rounding, no small count is published either', () => {
    fc.assert(
      fc.property(tables, fc.integer({ min: 2, max: 10 }), ({ cells, minimum }, base) => {
        const t = discloseTable(
          {
            rows: cells.map((_, i) => `r${i}`),
            columns: cells[0]!.map((_, i) => `c${i}`),
            cells,
            sources: [],
          },
          disclosurePolicy({ audience: 'public', minimum, rounding: base }),
        );
        t.cells.forEach((row, r) =>
          row.forEach((f, c) => {
            const v = cells[r]![c]!;
            if (v > 0 && v < minimum) expect(f.suppressed).not.toBe(false);
            if (f.suppressed === false) expect(f.value % base).toBe(0);
          }),
        );
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('analysts see every entry', () => {
    const t = discloseTable(
      { rows: ['x'], columns: ['a', 'b'], cells: [[1, 2]], sources: ['hes'] },
      disclosurePolicy({ audience: 'analyst' }),
    );
    expect(published(t)).toEqual([1, 2, 3, 1, 2, 3]);
  });
});
