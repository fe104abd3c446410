/**
 * Properties of the published assessment, over generated data: for the public audience no table,
 * chart, sentence or embedded JSON carries a count from 1 to the minimum − 1, and no withheld
 * figure can be worked out from the published ones by linear reasoning on rows, columns and
 * totals (checked by rank, independently of the bridge argument suppressTable relies on).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discloseTable, disclosurePolicy, HEALTH_MINIMUM } from '../../src/disclosure/index.js';
import { discloseSna } from '../../src/reports/sna/discloseSna.js';
import { renderSnaHtml } from '../../src/reports/sna/renderSnaHtml.js';
import type { RawTable, SnaData } from '../../src/reports/sna/snaTypes.js';
import { makeShape } from '../../src/geo/shapes.js';
import { determinedWithheld, extendedEntries } from '../helpers/withheldRecovery.js';

/** Counts where small ones are common: zeros, 1 … 12, and some large. */
const count = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: 13, max: 400 }) },
);

const grid = (rows: number, cols: number): fc.Arbitrary<number[][]> =>
  fc.array(fc.array(count, { minLength: cols, maxLength: cols }), {
    minLength: rows,
    maxLength: rows,
  });

function rawTable(
  id: string,
  rows: string[],
  columns: string[],
  cells: number[][],
  sources = ['force-extract'],
): RawTable {
  return { id, title: id, rowHeader: 'row', rows, columns, cells, sources };
}

const DISTRICTS = ['Cherwell', 'Oxford', 'South Oxfordshire', 'Vale of White Horse'];
const FLAGS = ['Flagged', 'Not flagged', 'Not recorded'];

const snaData: fc.Arbitrary<SnaData> = fc
  .record({
    volumes: grid(4, 2),
    trend: grid(6, 1),
    where: grid(9, 1),
    when: grid(7, 6),
    who: grid(5, 3),
    domestic: grid(4, 3),
    knife: grid(4, 3),
    drugs: grid(4, 2),
    deprivation: grid(10, 1),
    health: grid(3, 2),
    healthMethod: grid(3, 2),
    change: fc.tuple(count, count),
    undated: count,
    population: fc.array(fc.integer({ min: 1000, max: 200000 }), { minLength: 10, maxLength: 10 }),
    hot: fc.array(fc.constantFrom('hotspot' as const, 'coldspot' as const, null), {
      minLength: 9,
      maxLength: 9,
    }),
    cells: fc.array(count, { minLength: 0, maxLength: 10 }),
  })
  .map((g) => {
    const lsoas = g.where.map((_, i) => ({
      code: `E0100000${i}`,
      name: `Oxford 00${i}A`,
      hotspot: g.hot[i]!,
      shape: makeShape([
        Float64Array.from([i * 100, 0, i * 100 + 100, 0, i * 100 + 100, 100, i * 100, 100]),
      ]),
    }));
    return {
      area: { level: 'csp', code: 'safer-oxfordshire', name: 'Safer Oxfordshire Partnership' },
      period: { from: '2024-01', to: '2024-06' },
      definition: {
        id: 'thames-valley-vru',
        version: 1,
        hash: 'abc',
        title: 'Test definition',
        coverage: 'exact',
        tiers: [
          { id: 'primary', label: 'Serious violence' },
          { id: 'monitoring', label: 'Monitoring' },
        ],
      },
      generatedAt: '2024-07-01T00:00:00Z',
      software: { name: 'svd', version: '0.0.0' },
      batches: [{ id: 1, kind: 'istv', file: 'istv.csv', sha256: 'f', rows: 3, synthetic: true }],
      coverage: [],
      caveats: [],
      tables: {
        // The first tier by district is what the domestic and knife tables total per district.
        volumes: rawTable(
          'volumes',
          DISTRICTS,
          ['Serious violence', 'Monitoring'],
          g.volumes.map((row, r) => [g.domestic[r]!.reduce((a, v) => a + v, 0), row[1]!]),
        ),
        trend: rawTable(
          'trend',
          ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'],
          ['Records'],
          g.trend,
        ),
        where: rawTable(
          'where',
          lsoas.map((l) => l.name),
          ['Records'],
          g.where,
        ),
        when: rawTable(
          'when',
          ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
          ['00–04', '04–08', '08–12', '12–16', '16–20', '20–24'],
          g.when,
        ),
        who: rawTable(
          'who',
          ['0-17', '18-24', '25-34', '35-64', '65+'],
          ['female', 'male', 'unknown'],
          g.who,
        ),
        domestic: rawTable('domestic', DISTRICTS, FLAGS, g.domestic),
        knife: rawTable(
          'knife',
          DISTRICTS,
          FLAGS,
          g.domestic.map((row, r) => (g.knife[r]![0]! % 2 === 0 ? [...row].reverse() : [...row])),
        ),
        drugs: rawTable('drugs', DISTRICTS, ['County lines flagged', 'Other drug supply'], g.drugs),
        deprivation: rawTable(
          'deprivation',
          ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
          ['Records'],
          g.deprivation,
        ),
        health: rawTable('health', ['2024-01', '2024-02', '2024-03'], ['Police', 'A&E'], g.health, [
          'police',
          'istv',
        ]),
        healthMethod: rawTable(
          'healthMethod',
          ['knife-sharp', 'firearm', 'other'],
          ['Police', 'A&E'],
          g.healthMethod,
          ['police', 'istv'],
        ),
      },
      population: { districts: g.population.slice(0, 4), deciles: g.population },
      missingMonths: [],
      periodHeld: { months: 6, held: 6 },
      change: {
        earlier: { from: '2024-01', to: '2024-03', count: g.change[0], days: 91 },
        later: { from: '2024-04', to: '2024-06', count: g.change[1], days: 91 },
        basis: '2024-01 to 2024-03',
        rateRatio: g.change[0] === 0 ? null : g.change[1] / g.change[0],
        lower: 0.5,
        upper: 2,
        confidence: 0.95,
        pValue: 0.2,
        significant: false,
      },
      trendTest: null,
      hotspots: {
        lsoas: lsoas.map((l, i) => ({
          ...l,
          ward: `Ward ${Math.floor(i / 3)}`,
          district: 'Oxford',
          street: `On or near Street ${i}`,
          population: 1500,
        })),
        hot: 1,
        cold: 0,
        correction: 'fdr',
        alpha: 0.05,
        months: 6,
        outlines: [
          { level: 'district', code: 'E07000178', name: 'Oxford', shape: lsoas[0]!.shape },
        ],
        // Wards of three LSOAs each, then MSOAs of nine: each the sum of its LSOAs.
        coarser: [
          {
            level: 'ward',
            areas: [0, 1, 2].map((w) => ({
              code: `E0500000${w}`,
              name: `Ward ${w}`,
              district: 'Oxford',
              street: null,
              count: g.where.slice(w * 3, w * 3 + 3).reduce((a, r) => a + r[0]!, 0),
              population: 4500,
              shape: lsoas[w * 3]!.shape,
            })),
          },
          {
            level: 'msoa',
            areas: [
              {
                code: 'E02000001',
                name: 'Oxford 001',
                district: 'Oxford',
                street: null,
                count: g.where.reduce((a, r) => a + r[0]!, 0),
                population: 13500,
                shape: lsoas[0]!.shape,
              },
              {
                code: 'E02000002',
                name: 'Oxford 002',
                district: 'Oxford',
                street: null,
                count: 0,
                population: 1,
                shape: lsoas[1]!.shape,
              },
            ],
          },
        ],
        hotCells: g.cells.map((c, i) => ({
          count: c,
          z: 10 - i,
          street: null,
          lsoa: null,
          ward: null,
          district: 'Oxford',
        })),
        cellSize: 100,
      },
      deprivationCorrelations: [],
      causes: null,
      params: [],
      warnings: [
        { code: 'DATE_ONLY', message: `${g.undated} records give a date but no time`, count: 1 },
      ],
    } satisfies SnaData;
  });

const small = (v: number, minimum: number): boolean => v > 0 && v < minimum;

const HEALTH_TABLES = new Set(['health', 'healthMethod']);

describe('the public assessment never carries a small count', () => {
  it('in tables, sentences, charts, the map and the sna-data JSON, for any data', () => {
    const levels = new Set<string>();
    fc.assert(
      fc.property(snaData, fc.integer({ min: 3, max: 10 }), (data, minimum) => {
        const d = discloseSna(data, { audience: 'public', minimum });
        const html = renderSnaHtml(d);
        const least = (table: string): number =>
          HEALTH_TABLES.has(table) ? Math.max(minimum, HEALTH_MINIMUM) : minimum;

        // The embedded JSON: every published cell and margin of every table.
        const json = /<script type="application\/json" id="sna-data">([\s\S]*?)<\/script>/.exec(
          html,
        );
        expect(json).not.toBeNull();
        const parsed = JSON.parse(json![1]!) as {
          tables: Record<
            string,
            {
              cells: (number | null)[][];
              rowTotals: (number | null)[];
              columnTotals: (number | null)[];
              total: number | null;
            } | null
          >;
          map: { count: number | null }[] | null;
          topAreas: { count: number | null }[] | null;
          hotCells: { count: number | null }[] | null;
          change: { earlier: { figure: number | null }; later: { figure: number | null } };
        };
        for (const [id, t] of Object.entries(parsed.tables)) {
          if (t === null) continue;
          for (const v of [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.total])
            if (v !== null) expect(small(v, least(id)), `${id}: ${v}`).toBe(false);
        }
        for (const l of [
          ...(parsed.map ?? []),
          ...(parsed.topAreas ?? []),
          ...(parsed.hotCells ?? []),
        ])
          if (l.count !== null) expect(small(l.count, minimum)).toBe(false);
        // A map drawn by ward or MSOA publishes the "where" table at that level only.
        const level = d.map?.level ?? 'lsoa';
        const rowsAt = (c: string): number => (c === 'ward' ? 3 : c === 'msoa' ? 2 : 9);
        expect(d.tables.where.rows).toHaveLength(rowsAt(level));
        expect(d.map!.lsoas).toHaveLength(rowsAt(level));
        if (level !== 'lsoa') expect(html).toContain(d.map!.fallback!);
        levels.add(level);
        for (const f of [parsed.change.earlier.figure, parsed.change.later.figure])
          if (f !== null) expect(small(f, minimum)).toBe(false);

        // A figure stated in two tables is withheld in both or in neither.
        d.tables.volumes.rows.forEach((_, r) => {
          const shown = [
            d.tables.volumes.cells[r]![0]!,
            d.tables.domestic.rowTotals[r]!,
            d.tables.knife.rowTotals[r]!,
          ].map((f) => f.suppressed === false);
          expect(new Set(shown).size, `district ${r}`).toBe(1);
        });
        const totals = [
          d.tables.volumes.columnTotals[0]!,
          d.tables.domestic.total,
          d.tables.knife.total,
        ];
        expect(new Set(totals.map((f) => f.suppressed === false)).size).toBe(1);

        // The tables as printed: every count cell.
        for (const m of html.matchAll(/<td class="num count[^"]*">([^<]*)<\/td>/g)) {
          const text = m[1]!.trim();
          if (text === '[c]') continue;
          expect(small(Number(text.replace(/,/g, '')), minimum), text).toBe(false);
        }

        // Sentences, wherever they are (summary, sections, warnings): every number stated
        // before a counted noun.
        const prose = html
          .replace(/<svg[\s\S]*?<\/svg>/g, '')
          .replace(/<script[\s\S]*?<\/script>/g, '')
          .replace(/<[^>]+>/g, ' ');
        for (const text of [prose, ...d.summary, ...d.warnings.map((w) => w.message)])
          for (const m of text.matchAll(/(\d[\d,]*) (records?|attendances?|incidents?)/g))
            expect(small(Number(m[1]!.replace(/,/g, '')), minimum), m[0]).toBe(false);

        // Charts: the only numbers drawn are axis ticks (counts step by at least the minimum)
        // and the tables' own row labels.
        const labels = new Set(Object.values(data.tables).flatMap((t) => t?.rows ?? []));
        for (const svg of html.matchAll(/<svg class="chart"[\s\S]*?<\/svg>/g))
          for (const m of svg[0].matchAll(/<text[^>]*>([^<]*)<\/text>/g)) {
            const text = m[1]!.trim();
            if (!/^\d[\d,]*$/.test(text) || labels.has(text)) continue;
            expect(small(Number(text.replace(/,/g, '')), minimum), `axis label ${text}`).toBe(
              false,
            );
          }

        // The map: a withheld area is hatched, and its tooltip holds the mark, not a number.
        for (const m of html.matchAll(
          /<path d="[^"]*" fill="([^"]*)" class="[^"]*"><title>([^<]*)<\/title>/g,
        )) {
          // The figure after the name, whole: 1,000 has a thousands separator, a class follows ', '.
          const value = /: (\[c\]|\d{1,3}(?:,\d{3})*)(?:,|$)/.exec(m[2]!)![1]!;
          if (value === '[c]') expect(m[1]).toBe('url(#svd-withheld)');
          else expect(small(Number(value.replace(/,/g, '')), minimum)).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
    // The runs drew maps by LSOA and fell back to a coarser level too.
    expect(levels.has('lsoa')).toBe(true);
    expect(levels.size).toBeGreaterThan(1);
  });
});

describe('no withheld figure follows from two tables of the public assessment', () => {
  it('a table of the first tier’s records published with its total differs from the tier’s total by 0 or at least the minimum; a period compared is published only with all its months', () => {
    fc.assert(
      fc.property(snaData, fc.integer({ min: 3, max: 10 }), (data, minimum) => {
        const d = discloseSna(data, { audience: 'public', minimum });
        const tier = d.tables.volumes.columnTotals[0]!;
        for (const id of ['when', 'who'] as const) {
          const t = d.tables[id];
          if (t === null || tier.suppressed !== false || t.total.suppressed !== false) continue;
          const gap = Math.abs(tier.value - t.total.value);
          expect(gap === 0 || gap >= minimum, `${id}: ${tier.value} − ${t.total.value}`).toBe(true);
        }
        if (d.change !== null)
          for (const side of [d.change.earlier, d.change.later]) {
            if (side.figure.suppressed !== false) continue;
            d.tables.trend.rows.forEach((month, i) => {
              if (month >= side.from && month <= side.to)
                expect(d.tables.trend.cells[i]![0]!.suppressed, month).toBe(false);
            });
          }
      }),
      { numRuns: 200 },
    );
  });
});

describe('secondary suppression', () => {
  it('leaves no withheld figure recoverable from the published cells and margins', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((rows) => fc.integer({ min: 1, max: 6 }).chain((cols) => grid(rows, cols))),
        fc.integer({ min: 2, max: 10 }),
        (cells, minimum) => {
          const t = discloseTable(
            {
              rows: cells.map((_, i) => `r${i}`),
              columns: cells[0]!.map((_, j) => `c${j}`),
              cells,
              sources: [],
            },
            disclosurePolicy({ audience: 'public', minimum }),
          );
          // Every published figure is exact (no rounding) and never small.
          for (const { figure } of extendedEntries(t))
            if (figure.suppressed === false) expect(small(figure.value, minimum)).toBe(false);
          expect(determinedWithheld(t), 'withheld entries the margins determine').toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
