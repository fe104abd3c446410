/**
 * The causes analysis on the demo workspace (three months of Thames Valley police.uk, the
 * indicators the demo loads), checked against what the files themselves say, counted here
 * independently of svd: the violence counts by LSOA 2021 from the raw police.uk rows, residents
 * from the Census file, IMD 2025 scores from the IoD file, LAIT values from the LAIT file. The
 * models are then fitted on those independent inputs with the regression that is itself checked
 * against R (tests/unit/glm.test.ts), and must give the same rate ratios as the analysis does.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseCauses } from '../../src/analyses/causes/analyseCauses.js';
import { countIncidentsEach, type CountsResult } from '../../src/analyses/counts/countIncidents.js';
import { COUNTING_LSOA_DIMENSION, computeRates } from '../../src/analyses/rates/computeRates.js';
import { negativeBinomialRegression, poissonRegression } from '../../src/core/statistics/glm.js';
import { parseCsvLine } from '../../src/core/csvLine.js';
import { silentReporter } from '../../src/core/reporter.js';
import { SvdError } from '../../src/core/errors.js';
import { loadIndicators } from '../../src/geo/indicators/loadIndicators.js';
import { openWorkspace, withWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import type { CausesResult } from '../../src/api/causes.js';
import { buildTestWorkspace, TEST_MONTHS } from '../helpers/dashboard.js';
import { svd } from '../helpers/cli.js';
import { sharedData, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let db = '';
const ctx = { cwd: dir, reporter: silentReporter };
const OXFORDSHIRE = [
  'Cherwell',
  'Oxford',
  'South Oxfordshire',
  'Vale of White Horse',
  'West Oxfordshire',
];
const VIOLENCE = 'Violence and sexual offences';
const SELECTION = {
  where: [
    { dimension: 'csp_code', values: ['safer-oxfordshire'] },
    { dimension: 'source', values: ['police-uk'] },
    { dimension: 'crime_type', values: [VIOLENCE] },
  ],
};

function csvRows(file: string): string[][] {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return text
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map(parseCsvLine);
}

/** The 428 LSOAs 2021 of Oxfordshire's five districts, from the shared list of Thames Valley's. */
function oxfordshireLsoas(): string[] {
  const [header, ...rows] = csvRows(
    sharedData('derived', 'thames-valley-lsoa21-codes-vs-lsoa11.csv'),
  );
  const code = header!.indexOf('lsoa21_code');
  const lad = header!.indexOf('lad_name');
  return rows
    .filter((r) => OXFORDSHIRE.includes(r[lad]!))
    .map((r) => r[code]!)
    .sort();
}

interface Independent {
  codes: string[];
  counts: Map<string, number>;
  residents: Map<string, number>;
  imd: Map<string, number>;
}

function independentInputs(): Independent {
  const codes = oxfordshireLsoas();
  const keep = new Set(codes);
  const counts = new Map(codes.map((c) => [c, 0]));
  for (const month of TEST_MONTHS) {
    const [header, ...rows] = csvRows(path.join(TV_STREET(), `${month}-thames-valley-street.csv`));
    const lsoa = header!.indexOf('LSOA code');
    const type = header!.indexOf('Crime type');
    for (const r of rows)
      if (r[type] === VIOLENCE && keep.has(r[lsoa]!))
        counts.set(r[lsoa]!, counts.get(r[lsoa]!)! + 1);
  }
  const residents = new Map<string, number>();
  const [ph, ...pop] = csvRows(
    sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
  );
  for (const r of pop) {
    const c = r[ph!.indexOf('lsoa21_code')]!;
    if (keep.has(c))
      residents.set(c, (residents.get(c) ?? 0) + Number(r[ph!.indexOf('usual_residents')]));
  }
  const [ih, ...iod] = csvRows(
    sharedData('indicators', 'iod2025', 'imd2025_england_lsoa21.csv.gz'),
  );
  const imd = new Map<string, number>();
  for (const r of iod) {
    const c = r[ih!.indexOf('lsoa21_code')]!;
    if (keep.has(c)) imd.set(c, Number(r[ih!.indexOf('IMD_score')]));
  }
  return { codes, counts, residents, imd };
}

const close = (a: number, b: number, tolerance = 1e-9): void =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(b)));

let result: CausesResult;
let independent: Independent;

beforeAll(async () => {
  db = await buildTestWorkspace(dir);
  independent = independentInputs();
  result = await withWorkspace(
    db,
    { create: false, readOnly: true },
    async (ws: Workspace) => (await analyseCauses(ws, SELECTION, {}, ctx)).result,
  );
}, 600_000);

describe('association across the LSOAs 2021 of Oxfordshire', () => {
  it('counts and residents are those of the raw files', () => {
    expect(result.association.areas).toBe(independent.codes.length);
    expect(independent.codes).toHaveLength(428);
    const total = [...independent.counts.values()].reduce((s, n) => s + n, 0);
    expect(result.association.incidents).toBe(total);
    const residents = [...independent.residents.values()].reduce((s, n) => s + n, 0);
    close(result.association.population, residents);
  });

  it('the IMD 2025 row equals the models fitted on the files counted here', () => {
    const row = result.association.rows.find((r) => r.indicator === 'iod2025/IMD_score')!;
    expect(row).toBeDefined();
    const { codes, counts, residents, imd } = independent;
    const y = codes.map((c) => counts.get(c)!);
    const offset = codes.map((c) => Math.log(residents.get(c)!));
    const x = codes.map((c) => imd.get(c)!);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1));
    const z = x.map((v) => (v - mean) / sd);
    const nb = negativeBinomialRegression(y, [z], offset);
    const pois = poissonRegression(y, [z], offset);
    close(row.mean, mean);
    close(row.sd, sd);
    close(row.perSd.negativeBinomial!.rateRatio, Math.exp(nb.coefficients[1]!.estimate));
    close(row.perSd.negativeBinomial!.lower, Math.exp(nb.coefficients[1]!.lower));
    close(row.perSd.negativeBinomial!.upper, Math.exp(nb.coefficients[1]!.upper));
    close(row.perSd.poisson!.rateRatio, Math.exp(pois.coefficients[1]!.estimate));
    close(row.theta!.value, nb.theta);
    close(row.dispersion!, pois.dispersion);
    // Deprived areas have more violence, and the counts are overdispersed.
    expect(row.perSd.negativeBinomial!.lower).toBeGreaterThan(1);
    expect(row.dispersion!).toBeGreaterThan(2);
  });

  it('leaves out ranks, deciles and numerators by default, and marks the crime domain circular', () => {
    const ids = result.association.rows.map((r) => r.indicator);
    expect(ids.some((id) => /_(rank|decile|numerator)$/.test(id))).toBe(false);
    expect(
      result.association.rows.find((r) => r.indicator === 'iod2025/Crime_score')?.circular,
    ).toBe(true);
    expect(
      result.association.rows.find((r) => r.indicator === 'iod2025/Income_score')?.circular,
    ).toBe(false);
    // Moran's I is computed over contiguous LSOAs: only an island would have no neighbour.
    expect(result.association.isolated).toBe(0);
    for (const r of result.association.rows) expect(r.moran).not.toBeNull();
  });

  it('does not change when an unrelated indicator is loaded', async () => {
    const copy = path.join(dir, 'more.duckdb');
    copyFileSync(db, copy);
    await withWorkspace(copy, { create: false }, (ws) =>
      loadIndicators(
        ws,
        [
          sharedData(
            'indicators',
            'dfe-childrens-social-care',
            'cla_number_and_rate_per_10k_children.csv',
          ),
          sharedData('indicators', 'iod2025', 'imd2025_england_ltla24.csv'),
        ],
        { reporter: silentReporter },
      ),
    );
    const again = await withWorkspace(
      copy,
      { create: false, readOnly: true },
      async (ws) => (await analyseCauses(ws, SELECTION, {}, ctx)).result,
    );
    expect(again.association).toEqual(result.association);
    expect(again.riskIndex).toEqual(result.riskIndex);
    expect(again.indicatorsHeld).toBeGreaterThan(result.indicatorsHeld);
  });
});

describe('the risk index', () => {
  it('is the weighted mean of the standardised components, as the shipped weights say', () => {
    const r = result.riskIndex!;
    expect(r.weights.id).toBe('svd-neighbourhood-risk');
    expect(r.components.every((c) => c.held)).toBe(true);
    // Recomputed here from the IoD file for one area.
    const [ih, ...iod] = csvRows(
      sharedData('indicators', 'iod2025', 'imd2025_england_lsoa21.csv.gz'),
    );
    const [sh, ...sub] = csvRows(
      sharedData('indicators', 'iod2025', 'imd2025_england_lsoa21_subdomains.csv.gz'),
    );
    const keep = new Set(independent.codes);
    const column = (rows: string[][], header: string[], name: string) =>
      new Map(
        rows
          .filter((x) => keep.has(x[0]!))
          .map((x) => [x[0]!, Number(x[header.indexOf(name)])] as const),
      );
    const values = new Map<string, Map<string, number>>();
    for (const c of r.components) {
      const name = c.indicator.replace('iod2025/', '');
      values.set(c.indicator, ih!.includes(name) ? column(iod, ih!, name) : column(sub, sh!, name));
    }
    const z = (id: string, code: string) => {
      const xs = [...values.get(id)!.values()];
      const m = xs.reduce((s, v) => s + v, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1));
      return (values.get(id)!.get(code)! - m) / sd;
    };
    const area = r.areas.find((a) => a.rank === 1)!;
    const weight = r.components.reduce((s, c) => s + c.weight, 0);
    const expected =
      r.components.reduce((s, c) => s + c.weight * c.direction * z(c.indicator, area.code), 0) /
      weight;
    close(area.score!, expected);
    const scored = r.areas.filter((a) => a.score !== null).length;
    expect(Object.values(r.quadrants).reduce((s, n) => s + n, 0)).toBe(scored);
    expect(r.areas.every((a) => a.lsoa11.length > 0)).toBe(true);
  });

  it('reads weights from a file, and refuses a bad one with its line and the fix', async () => {
    const good = path.join(dir, 'weights.yaml');
    writeFileSync(
      good,
      'id: income-only\nversion: 2\ntitle: Income alone\ncomponents:\n  - indicator: iod2025/Income_score\n    weight: 1\n    direction: higher-is-risk\n',
    );
    const r = await withWorkspace(db, { create: false, readOnly: true }, (ws) =>
      analyseCauses(ws, SELECTION, { weights: good }, ctx),
    );
    expect(r.result.riskIndex!.weights).toMatchObject({ id: 'income-only', version: 2 });
    expect(r.params['weights']!.automatic).toBe(false);
    const bad = path.join(dir, 'bad-weights.yaml');
    writeFileSync(
      bad,
      'id: bad\nversion: 1\ntitle: Bad\ncomponents:\n  - indicator: iod2025/Income_score\n    weight: -2\n    direction: higher-is-risk\n',
    );
    const out = await svd([
      'analyse',
      'causes',
      '--db',
      db,
      '--weights',
      bad,
      '--where',
      'source=police-uk',
    ]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('BAD_RISK_WEIGHTS');
    expect(out.stderr).toContain('line 6');
    expect(out.stderr).toContain('weight must be a number above 0');
  });
});

describe('comparators', () => {
  it("give Oxfordshire's LAIT values, England's and the South East's as the file has them", () => {
    const rows = csvRows(sharedData('indicators', 'lait', 'lait-sv-indicators-all-la.csv.gz'));
    const h = rows[0]!;
    const value = (desc: string, year: string, area: string) =>
      Number(
        rows.find(
          (r) =>
            r[h.indexOf('Short Desc')] === desc &&
            r[h.indexOf('Years')] === year &&
            r[h.indexOf('LA and Regions')] === area,
        )![h.indexOf('Values')],
      );
    const row = result.comparators.rows.find((r) => r.indicator === 'lait/TotPermEx')!;
    expect(result.comparators.area).toMatchObject({ code: 'E10000025', level: 'county' });
    close(row.area.value!, value('TotPermEx', row.period, 'Oxfordshire'));
    close(row.england!.value!, value('TotPermEx', row.period, 'England'));
    close(row.region!.value!, value('TotPermEx', row.period, 'South East'));
  });

  it("follow Oxfordshire's permanent exclusions year by year beside England's and the South East's, oldest first, as the file has them", () => {
    const rows = csvRows(sharedData('indicators', 'lait', 'lait-sv-indicators-all-la.csv.gz'));
    const h = rows[0]!;
    const col = (r: string[], name: string) => r[h.indexOf(name)];
    const areas = ['Oxfordshire', 'England', 'South East'];
    const mine = rows.filter(
      (r) => col(r, 'Short Desc') === 'TotPermEx' && areas.includes(col(r, 'LA and Regions')!),
    );
    const value = (year: string, area: string): number | null => {
      const v = mine.find((r) => col(r, 'Years') === year && col(r, 'LA and Regions') === area);
      return v === undefined || col(v, 'Values') === '-' ? null : Number(col(v, 'Values'));
    };
    const trend = result.trends.indicators.find((t) => t.indicator === 'lait/TotPermEx')!;
    // Years are written 2015/16, …: in the order of their text.
    expect(trend.points.map((p) => p.period)).toEqual(
      [...new Set(mine.map((r) => col(r, 'Years')!))].sort(),
    );
    expect(trend.points.length).toBeGreaterThan(3);
    for (const p of trend.points)
      for (const [got, area] of [
        [p.value, 'Oxfordshire'],
        [p.england, 'England'],
        [p.region, 'South East'],
      ] as const) {
        const want = value(p.period, area);
        if (want === null) expect(got, `${area} ${p.period}`).toBeNull();
        else close(got!, want);
      }
  });

  it('find the ten nearest local authorities on free school meals, as counted here from the file', () => {
    const rows = csvRows(sharedData('indicators', 'lait', 'lait-sv-indicators-all-la.csv.gz'));
    const h = rows[0]!;
    const latest = (desc: string) =>
      rows
        .filter((r) => r[h.indexOf('Short Desc')] === desc && r[h.indexOf('Values')] !== '-')
        .map((r) => r[h.indexOf('Years')]!)
        .sort()
        .at(-1)!;
    const byArea = (desc: string) => {
      const year = latest(desc);
      return new Map(
        rows
          .filter(
            (r) =>
              r[h.indexOf('Short Desc')] === desc &&
              r[h.indexOf('Years')] === year &&
              r[h.indexOf('Values')] !== '-' &&
              r[h.indexOf('Region')] !== 'NA',
          )
          .map((r) => [r[h.indexOf('LA and Regions')]!, Number(r[h.indexOf('Values')])] as const),
      );
    };
    const pri = byArea('PriFSM');
    const sec = byArea('SecFSM');
    const las = [...pri.keys()].filter((a) => sec.has(a));
    const std = (m: Map<string, number>) => {
      const xs = las.map((a) => m.get(a)!);
      const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1));
      return new Map(las.map((a) => [a, (m.get(a)! - mean) / sd]));
    };
    const zp = std(pri);
    const zs = std(sec);
    const d = (a: string) =>
      Math.hypot(zp.get(a)! - zp.get('Oxfordshire')!, zs.get(a)! - zs.get('Oxfordshire')!);
    const nearest = las
      .filter((a) => a !== 'Oxfordshire')
      .sort((a, b) => d(a) - d(b))
      .slice(0, 10);
    // Areas at equal distances may come in either order.
    expect(new Set(result.comparators.similar.map((s) => s.name))).toEqual(new Set(nearest));
    result.comparators.similar.forEach((s, i) => {
      close(s.distance, d(nearest[i]!));
      close(s.distance, d(s.name!));
    });
  });

  it('give violence for the area and the partnerships and districts within it, nothing beyond', () => {
    const v = result.comparators.violence;
    const oxon = v.find((x) => x.code === 'safer-oxfordshire')!;
    expect(oxon.count).toBe(result.association.incidents);
    const districts = v.filter((x) => x.level === 'district');
    expect(districts.map((d) => d.name).sort()).toEqual([...OXFORDSHIRE].sort());
    expect(districts.reduce((s, d) => s + d.count, 0)).toBe(oxon.count);
    expect(v.some((x) => x.code === 'thames-valley' || /^E0(6|7)0000(0|4)/.test(x.code))).toBe(
      false,
    );
    for (const x of v.filter((y) => y.level === 'csp'))
      expect(x.count).toBeLessThanOrEqual(oxon.count);
  });

  it("give violence's trend by year from the records of the area in each complete month, as the files count them", () => {
    // Every test month is of 2024 and complete: one year of three months.
    const total = [...independent.counts.values()].reduce((s, n) => s + n, 0);
    const residents = [...independent.residents.values()].reduce((s, n) => s + n, 0);
    expect(result.trends.violence).toHaveLength(1);
    const [year] = result.trends.violence;
    expect(year!.period).toBe('2024 (3 months)');
    expect(year!.months).toBe(TEST_MONTHS.length);
    expect(year!.count).toBe(total);
    close(year!.rate!, ((total / residents) * 1000 * 12) / 3);
  });

  it("the LSOAs' scan counts the selection by source and month when it reads the same records, and leaves them to the caller when not", async () => {
    await withWorkspace(db, { create: false, readOnly: true }, async (ws) => {
      const rates = (where: typeof SELECTION.where, age?: { min: number; max: number }) =>
        computeRates(
          ws,
          { level: 'lsoa21', where, alsoBy: ['source'], ...(age === undefined ? {} : { age }) },
          { reporter: silentReporter },
        );
      // The partnership named bounds the LSOAs itself: the scan reads the selection's records.
      const folded = await rates(SELECTION.where);
      const [bySource, byMonth] = await countIncidentsEach(
        ws,
        ['source', 'month'],
        SELECTION.where,
      );
      expect(folded.selectionCounts?.get('source')).toEqual(bySource);
      expect(folded.selectionCounts?.get('month')).toEqual(byMonth);
      const total = [...independent.counts.values()].reduce((s, n) => s + n, 0);
      expect(byMonth!.total).toBe(total);
      expect(bySource!.rows).toEqual([{ source: 'police-uk', n: total }]);
      // No area named: the LSOAs are bounded by the forces with data, which the selection is not.
      expect((await rates(SELECTION.where.slice(1))).selectionCounts).toBeUndefined();
      // An age band counts only the records with a victim age in it.
      expect((await rates(SELECTION.where, { min: 16, max: 24 })).selectionCounts).toBeUndefined();
    });
  });

  it("the partnerships and districts within a named area are counted in the LSOAs' scan, to the rows of a scan of their own", async () => {
    await withWorkspace(db, { create: false, readOnly: true }, async (ws) => {
      const rest = SELECTION.where.slice(1);
      for (const [level, code] of [
        ['csp', 'safer-oxfordshire'],
        ['district', 'E07000178'],
      ] as const) {
        const where = [{ dimension: `${level}_code`, values: [code] }, ...rest];
        const within = { level, codes: [code] };
        const lsoas = await computeRates(
          ws,
          { level: 'lsoa21', where, alsoBy: ['source', COUNTING_LSOA_DIMENSION] },
          { reporter: silentReporter },
        );
        const counted = lsoas.selectionCounts;
        expect(counted?.has(COUNTING_LSOA_DIMENSION)).toBe(true);
        for (const of of ['csp', 'district'] as const) {
          // As Causes counted them before: the records of the area's LSOAs, tested in the scan.
          const own = await computeRates(
            ws,
            { level: of, where: rest, within },
            { reporter: silentReporter },
          );
          const given = await computeRates(
            ws,
            { level: of, where, within, counted: counted! },
            { reporter: silentReporter },
          );
          expect(given.rows).toEqual(own.rows);
          expect(given.unplaced).toBe(own.unplaced);
          expect(given.rows.reduce((s, r) => s + r.count, 0)).toBeGreaterThan(0);
          // The counts given are the ones used: none given, none counted.
          const none = new Map<string, CountsResult>(
            [...counted!].map(([k, v]) => [k, { ...v, rows: [], total: 0 }]),
          );
          const empty = await computeRates(
            ws,
            { level: of, where, within, counted: none },
            { reporter: silentReporter },
          );
          expect(empty.rows.every((r) => r.count === 0)).toBe(true);
          // Unless the rates read other records (an age band): then they count their own.
          const aged = { min: 16, max: 24 };
          expect(
            (
              await computeRates(
                ws,
                { level: of, where, within, counted: none, age: aged },
                { reporter: silentReporter },
              )
            ).rows,
          ).toEqual(
            (
              await computeRates(
                ws,
                { level: of, where: rest, within, age: aged },
                { reporter: silentReporter },
              )
            ).rows,
          );
        }
      }
    });
  });

  it('for a district, only the district and the partnership that is just it: never a larger one in part', async () => {
    const oxford = await withWorkspace(
      db,
      { create: false, readOnly: true },
      async (ws) =>
        (
          await analyseCauses(
            ws,
            {
              where: [
                { dimension: 'district_code', values: ['E07000178'] },
                ...SELECTION.where.slice(1),
              ],
            },
            {},
            ctx,
          )
        ).result,
    );
    expect(oxford.comparators.violence.map((v) => v.code).sort()).toEqual(['E07000178', 'oxford']);
    for (const v of oxford.comparators.violence) expect(v.count).toBe(oxford.association.incidents);
    // Its county's published figures, marked as the county's.
    expect(oxford.comparators.area?.code).toBe('E10000025');
    expect(oxford.comparators.rows.every((r) => r.areaBasis === 'county')).toBe(true);
  });
});

describe('the command line, the SNA and the strategy', () => {
  it('svd analyse causes --json is the core function, and says what to load when nothing is', async () => {
    const out = await svd([
      'analyse',
      'causes',
      '--db',
      db,
      '--json',
      '--where',
      'csp_code=safer-oxfordshire',
      '--where',
      'source=police-uk',
      '--where',
      `crime_type=${VIOLENCE}`,
    ]);
    expect(out.code, out.stderr).toBe(0);
    const json = JSON.parse(out.stdout) as { result: CausesResult };
    expect(json.result.association).toEqual(JSON.parse(JSON.stringify(result.association)));
    const empty = path.join(dir, 'empty.duckdb');
    const ws = await openWorkspace(empty, { create: true });
    await ws.close();
    const refused = await svd(['analyse', 'causes', '--db', empty]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('NO_INDICATORS');
    expect(refused.stderr).toContain('svd indicators load');
  });

  it('the public SNA has the section, and no count of 1–4 in it', async () => {
    /** The public SNA of Safer Oxfordshire in a format, as a file's text. */
    const report = async (format: 'html' | 'csv'): Promise<string> => {
      const out = path.join(dir, `sna.${format}`);
      const r = await svd([
        'report',
        'sna',
        '--db',
        db,
        '--area',
        'safer-oxfordshire',
        '--definition',
        'thames-valley-vru',
        '--format',
        format,
        '--out',
        out,
        '--quiet',
      ]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    };
    const html = await report('html');
    const section = html.slice(html.indexOf('<section class="sna" id="causes">'));
    const body = section.slice(0, section.indexOf('</section>'));
    expect(body).toContain('Association with small-area indicators');
    expect(body).toContain('IMD score');
    expect(body).toContain('Neighbourhood risk index');
    expect(body).toContain('Comparators for Oxfordshire');
    const json = JSON.parse(/id="sna-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as {
      causes: {
        violence: { figure: number | null }[];
        violenceYears: { figure: number | null }[];
      } | null;
    };
    const figures = [...json.causes!.violence, ...json.causes!.violenceYears].map((v) => v.figure);
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) if (f !== null) expect(f === 0 || f >= 5).toBe(true);
    const lines = (await report('csv')).split('\n');
    expect(lines.some((l) => l.startsWith('causes,') && l.includes('IMD score'))).toBe(true);
    expect(
      lines.some((l) => l.startsWith('causes,') && l.includes('Serious violence within the area')),
    ).toBe(true);
  });

  it('a measure bound to first-time entrants follows the published series', async () => {
    const out = await svd(['measures', '--db', db, '--json', '--to', '2025-06']);
    expect(out.code, out.stderr).toBe(0);
    const answer = JSON.parse(out.stdout) as {
      measures: {
        id: string;
        current: { period: string; value: number } | null;
        baseline: { period: string; value: number } | null;
        basis: string;
      }[];
    };
    const m = answer.measures.find((x) => x.id === 'first-time-entrants')!;
    expect(m.basis).toBe('as-published');
    expect(m.current).toMatchObject({ period: '2024', value: 151 });
    expect(m.baseline).toMatchObject({ period: '2022', value: 161 });
    // A review freezes it with the indicator's batch as provenance.
    const copy = path.join(dir, 'review.duckdb');
    copyFileSync(db, copy);
    expect((await svd(['review', 'start', '--db', copy, '--quiet'])).code).toBe(0);
    const closed = await svd([
      'review',
      'close',
      '--db',
      copy,
      '--to',
      '2025-06',
      '--json',
      '--quiet',
    ]);
    expect(closed.code, closed.stderr).toBe(0);
    const review = JSON.parse(closed.stdout) as {
      measures: {
        id: string;
        current: { value: number } | null;
        provenance: { batches: { source_kind: string; file_name: string }[] };
      }[];
    };
    const frozen = review.measures.find((x) => x.id === 'first-time-entrants')!;
    expect(frozen.current?.value).toBe(151);
    expect(frozen.provenance.batches).toEqual([
      expect.objectContaining({
        source_kind: 'indicators',
        file_name: 'lait-sv-indicators-all-la.csv.gz',
      }),
    ]);
  });
});

it('refuses an indicator that is not held, naming what is', async () => {
  await expect(
    withWorkspace(db, { create: false, readOnly: true }, (ws) =>
      analyseCauses(ws, SELECTION, { indicators: ['iod2025/Nonsense_score'] }, ctx),
    ),
  ).rejects.toThrow(SvdError);
});
