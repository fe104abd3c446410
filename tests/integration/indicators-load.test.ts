/**
 * `svd indicators load` on every file of ../shared/data/indicators, each checked against a count
 * of the file made here independently of the loader: a small CSV parser (and zlib for .csv.gz)
 * counting, per measure, the cells holding a number and the cells holding a marker or nothing;
 * for the LAIT Parquet file, a DuckDB query on the raw file. Then the figures the README names,
 * the code changes, a reload that replaces and supersedes, and refusals that store nothing.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorLoadReport } from '../../src/geo/indicators/indicatorTypes.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { REPO, sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-indicators-');
const DATA = sharedData('indicators');
const at = (...p: string[]): string => path.join(DATA, ...p);
const csvFiles = (folder: string): string[] =>
  readdirSync(at(folder))
    .filter((f) => /\.csv(\.gz)?$/.test(f))
    .sort()
    .map((f) => at(folder, f));

// ---- an independent reading of the files -------------------------------------------------

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readTable(file: string): { header: string[]; rows: Record<string, string>[] } {
  const bytes = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const [header, ...rest] = parseCsv(text);
  return {
    header: header!,
    rows: rest.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? '']))),
  };
}

const MARKERS = new Set(['', 'c', 'x', 'z', 'u', 'k', '..', '-']);
const isNumber = (v: string): boolean => /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.trim());
const isMarker = (v: string): boolean => MARKERS.has(v.trim());

interface Tally {
  held: number;
  missing: number;
}
const tally = (cells: string[]): Tally => ({
  held: cells.filter(isNumber).length,
  missing: cells.filter(isMarker).length,
});
const sum = (ts: Tally[]): Tally => ({
  held: ts.reduce((s, t) => s + t.held, 0),
  missing: ts.reduce((s, t) => s + t.missing, 0),
});

const EES_STANDARD = [
  'time_period',
  'time_identifier',
  'geographic_level',
  'country_code',
  'country_name',
  'region_code',
  'region_name',
  'old_la_code',
  'new_la_code',
  'la_name',
];

/** Per measure column of an EES file: the numbers and the markers, Inner/Outer London left out. */
function eesExpected(file: string): Map<string, Tally> {
  const { header, rows } = readTable(file);
  const kept = rows.filter(
    (r) => !(r['geographic_level'] === 'Regional' && r['region_code']!.startsWith('E13')),
  );
  const stem = path.basename(file).replace(/\.csv$/, '');
  const out = new Map<string, Tally>();
  for (const column of header.filter((h) => !EES_STANDARD.includes(h))) {
    const cells = rows.map((r) => r[column]!);
    if (!cells.every((c) => isNumber(c) || isMarker(c))) continue; // a filter
    out.set(`${stem}/${column}`, tally(kept.map((r) => r[column]!)));
  }
  return out;
}

// ---- the loads ---------------------------------------------------------------------------

const DB = path.join(dir, 'all.duckdb');
const loads = new Map<string, IndicatorLoadReport>();
let ws: Workspace;
let listJson: unknown;
let showText: string;

async function load(files: string[], extra: string[] = []): Promise<void> {
  const r = await svd(['indicators', 'load', ...files, ...extra, '--db', DB, '--json', '--quiet']);
  expect(r.stderr).not.toMatch(/^error\[/m);
  expect(r.code).toBe(0);
  for (const report of JSON.parse(r.stdout) as IndicatorLoadReport[])
    loads.set(path.basename(report.file), report);
}

beforeAll(async () => {
  await load(csvFiles('dfe-childrens-social-care'));
  await load(csvFiles('neet'));
  await load(csvFiles('fingertips'));
  await load([at('lait', 'lait-sv-indicators-thames-valley.csv')]);
  await load([at('lait', 'lait-sv-indicators-all-la.csv.gz')]);
  await load(
    [at('lait', 'bds_long_0.parquet')],
    ['--dictionary', at('lait', 'lait_data_dictionary.csv')],
  );
  await load(csvFiles('iod2025'));
  await load(csvFiles('census2021'));
  listJson = JSON.parse((await svd(['indicators', 'list', '--db', DB, '--json'])).stdout);
  showText = (await svd(['indicators', 'show', 'lait/FirstYJS', '--area', 'E10000025', '--db', DB]))
    .stdout;
  ws = await openWorkspace(DB, { create: false });
}, 600_000);

afterAll(() => ws?.close());

async function heldByIndicator(prefix: string): Promise<Map<string, Tally>> {
  const rows = await ws.db.all<{ id: string; held: number; missing: number }>(
    `SELECT indicator_id AS id, count(*) FILTER (WHERE marker IS NULL) AS held,
            count(*) FILTER (WHERE marker IS NOT NULL) AS missing
       FROM indicator_values WHERE starts_with(indicator_id, $prefix) GROUP BY 1`,
    { prefix },
  );
  return new Map(rows.map((r) => [r.id, { held: r.held, missing: r.missing }]));
}

const value = async (
  id: string,
  code: string,
  period: string,
  breakdown = '',
): Promise<{ value: number | null; published_code: string; area_level: string } | undefined> =>
  ws.db.one(
    `SELECT value, published_code, area_level FROM indicator_values
      WHERE indicator_id = $id AND area_code = $code AND period = $period AND breakdown = $breakdown`,
    { id, code, period, breakdown },
  );

describe('every file of the shared indicators, counted independently', () => {
  it('DfE EES files: per measure, the numbers held and the markers kept as missing', async () => {
    for (const file of [...csvFiles('dfe-childrens-social-care'), ...csvFiles('neet')]) {
      const expected = eesExpected(file);
      const stem = path.basename(file).replace(/\.csv$/, '');
      const held = await heldByIndicator(`${stem}/`);
      expect([...held.keys()].sort(), stem).toEqual([...expected.keys()].sort());
      for (const [id, t] of expected) expect(held.get(id), id).toEqual(t);
      const report = loads.get(path.basename(file))!;
      expect(report.layout).toBe('ees');
      expect({ held: report.values, missing: report.missing }).toEqual(sum([...expected.values()]));
      expect(report.levels).toEqual(['country', 'county', 'region']);
    }
  });

  it('the c3 file keeps its suppressed counts as missing with their marker, never zero', async () => {
    const markers = await ws.db.all<{ marker: string; n: number }>(
      `SELECT marker, count(*) AS n FROM indicator_values
        WHERE starts_with(indicator_id, 'c3_factors') AND marker IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    const { rows } = readTable(
      at(
        'dfe-childrens-social-care',
        'c3_factors_identified_at_end_of_assessment_2018_to_2025.csv',
      ),
    );
    const count = (m: string): number =>
      rows
        .filter(
          (r) => !(r['geographic_level'] === 'Regional' && r['region_code']!.startsWith('E13')),
        )
        .reduce(
          (s, r) =>
            s +
            Object.entries(r).filter(
              ([k, v]) => !EES_STANDARD.includes(k) && k !== 'category' && v === m,
            ).length,
          0,
        );
    expect(markers.find((m) => m.marker === 'c')?.n).toBe(count('c'));
    expect(markers.find((m) => m.marker === 'x')?.n).toBe(count('x'));
    expect(count('c')).toBeGreaterThan(2000);
    const zeros = await ws.db.value<number>(
      `SELECT count(*) FROM indicator_values WHERE marker IS NOT NULL AND value IS NOT NULL`,
    );
    expect(zeros).toBe(0);
  });

  it('Fingertips: one value per area, sex, category and period (England repeated as parent kept once)', async () => {
    const { rows } = readTable(at('fingertips', 'la_hospital_admissions_2324.csv'));
    const unique = new Map<string, Record<string, string>>();
    for (const r of rows) {
      const key = ['Area Code', 'Sex', 'Age', 'Category Type', 'Category', 'Time period']
        .map((k) => r[k])
        .join('|');
      if (!unique.has(key)) unique.set(key, r);
    }
    const expected = tally([...unique.values()].map((r) => r['Value']!));
    expect(await heldByIndicator('fingertips/')).toEqual(new Map([['fingertips/90284', expected]]));
    const report = loads.get('la_hospital_admissions_2324.csv')!;
    expect(
      report.warnings.filter((w) => w.code === 'VALUE_NOTE').reduce((s, w) => s + w.count, 0),
    ).toBe(rows.filter((r) => r['Value note']!.trim() !== '').length);
    const oxon = await ws.db.one<{
      value: number;
      lower: number;
      upper: number;
      numerator: number;
      denominator: number;
      area_level: string;
    }>(
      `SELECT value, lower, upper, numerator, denominator, area_level FROM indicator_values
        WHERE indicator_id = 'fingertips/90284' AND area_code = 'E10000025' AND period = '2023/24'
          AND breakdown = 'sex=Persons'`,
    );
    const raw = rows.find(
      (r) =>
        r['Area Code'] === 'E10000025' && r['Time period'] === '2023/24' && r['Sex'] === 'Persons',
    )!;
    expect(oxon).toEqual({
      value: Number(raw['Value']),
      lower: Number(raw['Lower CI 95.0 limit']),
      upper: Number(raw['Upper CI 95.0 limit']),
      numerator: Number(raw['Count']),
      denominator: Number(raw['Denominator']),
      area_level: 'county',
    });
  });

  it('LAIT CSVs: the values and the dashes, the areas outside the table of LA numbers left out', () => {
    for (const name of [
      'lait-sv-indicators-thames-valley.csv',
      'lait-sv-indicators-all-la.csv.gz',
    ]) {
      const { rows } = readTable(at('lait', name));
      const kept = rows.filter(
        (r) => !['987', '988'].includes(r['LA Number']!) && r['Years'] !== '0',
      );
      const report = loads.get(name)!;
      expect(report.layout).toBe('lait');
      expect({ held: report.values, missing: report.missing }, name).toEqual(
        tally(kept.map((r) => r['Values']!)),
      );
      expect(report.indicators).toBe(34);
    }
  });

  it('LAIT Parquet: per indicator, as a DuckDB query on the raw file counts them', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `SELECT 'lait/' || "Short Desc" AS id,
              CAST(count(*) FILTER (WHERE TRY_CAST("Values" AS DOUBLE) IS NOT NULL) AS INTEGER) AS held,
              CAST(count(*) FILTER (WHERE TRY_CAST("Values" AS DOUBLE) IS NULL) AS INTEGER) AS missing,
              CAST(count(*) FILTER (WHERE TRY_CAST("Values" AS DOUBLE) IS NULL AND "Values" <> '-') AS INTEGER) AS other
         FROM read_parquet('${at('lait', 'bds_long_0.parquet').replace(/'/g, "''")}')
        WHERE "LA Number" NOT IN (987, 988) AND "Years" <> '0'
        GROUP BY 1`,
    );
    const raw = reader.getRowObjectsJson() as unknown as {
      id: string;
      held: number;
      missing: number;
      other: number;
    }[];
    connection.closeSync();
    expect(raw.reduce((s, r) => s + r.other, 0)).toBe(0);
    const held = await heldByIndicator('lait/');
    expect(held.size).toBe(raw.length);
    for (const r of raw) expect(held.get(r.id), r.id).toEqual({ held: r.held, missing: r.missing });
    expect(
      loads
        .get('bds_long_0.parquet')!
        .warnings.map((w) => w.code)
        .sort(),
    ).toEqual(['LA_NUMBER_NOT_PLACED', 'NO_PERIOD']);
  });

  it('IoD2025: every column but the code (and name) of every row', () => {
    for (const file of csvFiles('iod2025')) {
      const { header, rows } = readTable(file);
      const measures = header.filter(
        (h) => !['lsoa21_code', 'ltla24_code', 'ltla24_name'].includes(h),
      );
      const report = loads.get(path.basename(file))!;
      expect(report.layout).toBe('iod2025');
      expect(report.indicators).toBe(measures.length);
      expect({ held: report.values, missing: report.missing }, file).toEqual(
        sum(measures.map((m) => tally(rows.map((r) => r[m]!)))),
      );
      expect(report.levels).toEqual([file.includes('ltla24') ? 'district' : 'lsoa21']);
    }
  });

  it('Census TS011: five counts per LSOA with their total, and the derived share', async () => {
    const { rows } = readTable(
      at('census2021', 'census21_deprivation_england_wales_lsoa21.csv.gz'),
    );
    const totals = new Map<string, { all: number; deprived: number }>();
    for (const r of rows) {
      const t = totals.get(r['lsoa21_code']!) ?? { all: 0, deprived: 0 };
      t.all += Number(r['count']);
      if (r['households_number_deprivation_dimensions'] !== '0') t.deprived += Number(r['count']);
      totals.set(r['lsoa21_code']!, t);
    }
    const report = loads.get('census21_deprivation_england_wales_lsoa21.csv.gz')!;
    expect(report.values).toBe(rows.length + totals.size);
    const oxford = 'E01028522';
    const t = totals.get(oxford)!;
    const share = await ws.db.one<{ value: number; numerator: number; denominator: number }>(
      `SELECT value, numerator, denominator FROM indicator_values
        WHERE indicator_id = 'census2021/ts011_households_deprived_one_or_more_dimensions' AND area_code = $c`,
      { c: oxford },
    );
    expect(share).toEqual({
      value: expect.closeTo((100 * t.deprived) / t.all, 3),
      numerator: t.deprived,
      denominator: t.all,
    });
    const dims = await ws.db.all<{ breakdown: string; value: number; denominator: number }>(
      `SELECT breakdown, value, denominator FROM indicator_values
        WHERE indicator_id = 'census2021/ts011_households_by_deprivation_dimensions' AND area_code = $c
        ORDER BY breakdown`,
      { c: oxford },
    );
    expect(dims.map((d) => d.breakdown)).toEqual([0, 1, 2, 3, 4].map((n) => `dimensions=${n}`));
    expect(dims.every((d) => d.denominator === t.all)).toBe(true);
  });
});

describe('figures the README names', () => {
  it('NEET 2023: Oxfordshire 1.8% NEET, 2.6% not known', async () => {
    const stem = 'UD_NEETNK_LA_dashboard_2023_final';
    expect((await value(`${stem}/NEET_percent`, 'E10000025', '2023'))?.value).toBe(1.8);
    expect((await value(`${stem}/Notknown_percent`, 'E10000025', '2023'))?.value).toBe(2.6);
  });

  it('LAIT TotPermEx 2023/24: England 0.129, South East 0.073, Oxfordshire 0.029 (% of pupils)', async () => {
    const get = async (code: string): Promise<number> =>
      (await value('lait/TotPermEx', code, '2023/24'))!.value!;
    expect(await get('E92000001')).toBeCloseTo(0.129, 3);
    expect(await get('E12000008')).toBeCloseTo(0.073, 3);
    expect(await get('E10000025')).toBeCloseTo(0.029, 3);
  });

  it('LAIT FirstYJS 2024: Oxfordshire 151 per 100,000, its DfE number 931 kept as published code', async () => {
    const oxon = await value('lait/FirstYJS', 'E10000025', '2024');
    expect(oxon).toEqual({
      value: expect.closeTo(151, 0),
      published_code: '931',
      area_level: 'county',
    });
    const meta = await ws.db.one<{ polarity: string; period_type: string }>(
      `SELECT polarity, period_type FROM indicators WHERE indicator_id = 'lait/FirstYJS'`,
    );
    expect(meta).toEqual({ polarity: 'higher-is-worse', period_type: 'Calendar Year' });
    expect(showText).toContain('First Time entrants');
    expect(showText).toMatch(/E10000025\s+Oxfordshire\s+2024\s+.*151/);
  });

  it('Buckinghamshire: E10000002 up to 2020 is stored as E06000060, one series, published_code kept', async () => {
    const rows = await ws.db.all<{ period: string; published_code: string }>(
      `SELECT period, published_code FROM indicator_values
        WHERE indicator_id = 'b1_children_in_need_2013_to_2025/Anypoint_child' AND area_code = 'E06000060'
        ORDER BY period`,
    );
    expect(rows.map((r) => r.period)).toEqual(
      Array.from({ length: 13 }, (_, i) => String(2013 + i)),
    );
    expect(rows.filter((r) => r.published_code === 'E10000002').map((r) => r.period)).toEqual([
      '2013',
      '2014',
      '2015',
      '2016',
      '2017',
      '2018',
      '2019',
      '2020',
    ]);
    const stale = await ws.db.value<number>(
      `SELECT count(*) FROM indicator_values WHERE area_code IN ('E10000002', 'E10000023', 'E10000027')`,
    );
    expect(stale).toBe(0);
    const report = loads.get('b1_children_in_need_2013_to_2025.csv')!;
    expect(report.codeChanges.map((c) => `${c.from}→${c.to}`)).toEqual([
      'E10000002→E06000060',
      'E10000023→E06000065',
      'E10000027→E06000066',
    ]);
  });

  it('EES periods: 2025 reporting year ends on 31 March 2025; the filter makes the breakdown', async () => {
    const cla = await ws.db.one<{ period_start: string; period_end: string; value: number }>(
      `SELECT period_start, period_end, value FROM indicator_values
        WHERE indicator_id = 'cla_number_and_rate_per_10k_children/children_count'
          AND area_code = 'E92000001' AND period = '2025'
          AND breakdown = 'population_type=Children looked after on 31 March each year'`,
    );
    expect(cla).toEqual({ period_start: '2024-04-01', period_end: '2025-03-31', value: 81770 });
  });

  it('indicators list: each with its levels, periods, areas, values held and missing, batch and file', () => {
    const list = listJson as {
      indicatorId: string;
      levels: string[];
      firstPeriod: string;
      lastPeriod: string;
      values: number;
      missing: number;
      fileName: string;
      disclosure: string;
    }[];
    const fte = list.find((i) => i.indicatorId === 'lait/FirstYJS')!;
    expect(fte).toMatchObject({
      levels: ['country', 'county', 'region'],
      firstPeriod: '2016',
      lastPeriod: '2024',
      fileName: 'bds_long_0.parquet',
      disclosure: 'published',
    });
    expect(list.every((i) => i.disclosure === 'published')).toBe(true);
  });

  it('loading the full LAIT file replaced the values of the CSV cuts and superseded their batches', async () => {
    const batches = await ws.db.all<{ file_name: string; status: string }>(
      `SELECT file_name, status FROM batches WHERE source_kind = 'indicators' AND file_name LIKE 'lait%' ORDER BY batch_id`,
    );
    expect(batches).toEqual([
      { file_name: 'lait-sv-indicators-thames-valley.csv', status: 'superseded' },
      { file_name: 'lait-sv-indicators-all-la.csv.gz', status: 'superseded' },
    ]);
    expect(loads.get('bds_long_0.parquet')!.replaced).toBe(
      loads.get('lait-sv-indicators-all-la.csv.gz')!.values +
        loads.get('lait-sv-indicators-all-la.csv.gz')!.missing,
    );
  });
});

describe('reloads, partner figures and refusals', () => {
  const SMALL = path.join(dir, 'small.duckdb');
  const NEET = at('neet', 'UD_NEETNK_LA_dashboard_2023_final.csv');
  const run = (args: string[]) => svd(['indicators', ...args, '--db', SMALL]);

  it('a file loaded again replaces its values and supersedes its earlier batch', async () => {
    const first = await run(['load', NEET, '--json']);
    expect(first.code).toBe(0);
    const again = await run(['load', NEET, '--json']);
    const [a] = JSON.parse(first.stdout) as IndicatorLoadReport[];
    const [b] = JSON.parse(again.stdout) as IndicatorLoadReport[];
    expect(b!.replaced).toBe(a!.values + a!.missing);
    expect(b!.superseded).toEqual([a!.batchId]);
    const s = await openWorkspace(SMALL, { create: false });
    try {
      expect(await s.db.value<number>(`SELECT count(*) FROM indicator_values`)).toBe(
        a!.values + a!.missing,
      );
      expect(
        await s.db.value<number>(`SELECT count(DISTINCT batch_id) FROM indicator_values`),
      ).toBe(1);
    } finally {
      s.close();
    }
  });

  it('a partner’s tidy file with its mapping: disclosure partner, suppressed cells missing', async () => {
    const r = await run([
      'load',
      path.join(REPO, 'examples', 'indicators', 'yos-cohort-synthetic.csv'),
      '--mapping',
      path.join(REPO, 'examples', 'indicators', 'yos-cohort-mapping.yaml'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const [report] = JSON.parse(r.stdout) as IndicatorLoadReport[];
    expect(report).toMatchObject({ layout: 'tidy', values: 18, missing: 2, levels: ['district'] });
    const show = JSON.parse(
      (await run(['show', 'yos/first-time-entrants-cohort', '--area', 'E07000178', '--json']))
        .stdout,
    ) as {
      disclosure: string;
      series: {
        period: string;
        breakdown: string;
        value: number;
        numerator: number;
        denominator: number;
        periodStart: string;
      }[];
    };
    expect(show.disclosure).toBe('partner');
    expect(show.series[0]).toMatchObject({
      period: '2022/23',
      breakdown: 'sex=Female',
      value: 1.01,
      numerator: 9,
      denominator: 8900,
      periodStart: '2022-04-01',
    });
    const s = await openWorkspace(SMALL, { create: false });
    try {
      expect(
        await s.db.value<boolean>(`SELECT synthetic FROM batches WHERE batch_id = $b`, {
          b: report!.batchId,
        }),
      ).toBe(true);
    } finally {
      s.close();
    }
  });

  it('--supplier records the organisation that supplied a partner’s figures; an unknown one stores nothing', async () => {
    const added = await svd([
      'access',
      'org',
      'add',
      '--org',
      'oxon-yos',
      '--org-name',
      'Oxfordshire YOS',
      '--org-type',
      'youth-justice',
      '--db',
      SMALL,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const csv = path.join(REPO, 'examples', 'indicators', 'yos-cohort-synthetic.csv');
    const mapping = path.join(REPO, 'examples', 'indicators', 'yos-cohort-mapping.yaml');
    const before = await storeFingerprint(SMALL);
    const unknown = await run(['load', csv, '--mapping', mapping, '--supplier', 'nobody']);
    expect(unknown.code).not.toBe(0);
    expect(await storeFingerprint(SMALL)).toEqual(before);
    const r = await run(['load', csv, '--mapping', mapping, '--supplier', 'oxon-yos', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [report] = JSON.parse(r.stdout) as IndicatorLoadReport[];
    const s = await openWorkspace(SMALL, { create: false });
    try {
      expect(
        await s.db.all(`SELECT * FROM batch_owner WHERE batch_id = $b`, { b: report!.batchId }),
      ).toEqual([{ batch_id: report!.batchId, organisation: 'oxon-yos' }]);
      expect(
        await s.db.value(`SELECT status FROM batches WHERE batch_id = $b`, {
          b: report!.superseded[0]!,
        }),
      ).toBe('superseded');
    } finally {
      s.close();
    }
  });

  const EES_HEAD =
    'time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,children_count';
  const eesRows = Array.from(
    { length: 30 },
    (_, i) =>
      `2024,Reporting year,Local authority,E92000001,England,E12000008,South East,${900 + i},E0600${String(1000 + i).slice(1)}0,LA ${i},${10 + i}`,
  );
  it('an EES local authority row without new_la_code is placed by its old_la_code', async () => {
    const file = path.join(dir, 'old-codes.csv');
    writeFileSync(
      file,
      [
        EES_HEAD,
        '2019,Reporting year,Local authority,E92000001,England,E12000008,South East,931,,Oxfordshire,42',
        '2019,Reporting year,Local authority,E92000001,England,E12000008,South East,825,"",Buckinghamshire,7',
        '2019,Reporting year,Local authority,E92000001,England,E12000008,South East,826,E06000042,Milton Keynes,x',
      ].join('\n'),
    );
    const r = await run(['load', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      '2 local authority rows without new_la_code placed by their old_la_code',
    );
    const s = await openWorkspace(SMALL, { create: false });
    try {
      expect(
        await s.db.all(
          `SELECT area_level, area_code, published_code, value, marker FROM indicator_values
            WHERE indicator_id = 'old-codes/children_count' ORDER BY area_code`,
        ),
      ).toEqual([
        {
          area_level: 'county',
          area_code: 'E06000042',
          published_code: 'E06000042',
          value: null,
          marker: 'x',
        },
        {
          area_level: 'county',
          area_code: 'E06000060',
          published_code: '825',
          value: 7,
          marker: null,
        },
        {
          area_level: 'county',
          area_code: 'E10000025',
          published_code: '931',
          value: 42,
          marker: null,
        },
      ]);
    } finally {
      s.close();
    }
  });

  const bad: [string, string, string, { code: string; line?: number; field?: string }][] = [
    [
      'unknown layout',
      'unknown.csv',
      'foo,bar\n1,2\n',
      { code: 'UNKNOWN_INDICATOR_LAYOUT', line: 1 },
    ],
    [
      'a value neither number nor marker',
      'bad-value.csv',
      [
        EES_HEAD,
        ...eesRows.slice(0, 20),
        eesRows[20]!.replace(/,30$/, ',thirty'),
        ...eesRows.slice(21),
      ].join('\n'),
      { code: 'BAD_INDICATOR_VALUE', line: 22, field: 'children_count' },
    ],
    [
      'a code that is not an area code',
      'bad-code.csv',
      [EES_HEAD, ...eesRows.slice(0, 3), eesRows[3]!.replace(/E06\d+/, 'Oxon')].join('\n'),
      { code: 'NOT_AN_AREA_CODE', line: 5, field: 'new_la_code' },
    ],
    ['an empty file', 'empty.csv', '', { code: 'EMPTY_FILE', line: 1 }],
  ];

  for (const [what, name, body, expected] of bad)
    it(`refuses ${what} and stores nothing`, async () => {
      const file = path.join(dir, name);
      writeFileSync(file, body);
      const before = await storeFingerprint(SMALL);
      const r = await run(['load', file]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`error[${expected.code}]`);
      expect(r.stderr).toContain(file);
      if (expected.line !== undefined) expect(r.stderr).toContain(`line ${expected.line}`);
      if (expected.field !== undefined) expect(r.stderr).toContain(`field "${expected.field}"`);
      expect(r.stderr).toContain('fix:');
      expect(await storeFingerprint(SMALL)).toEqual(before);
    });

  it('the unknown layout is refused naming the columns found and the layouts known', async () => {
    const r = await run(['load', path.join(dir, 'unknown.csv')]);
    expect(r.stderr).toContain('columns found: foo, bar');
    expect(r.stderr).toContain('ees, fingertips, lait, iod2025, census-ts011, tidy');
  });

  it('refuses a layout the header does not fit, naming the missing column', async () => {
    const before = await storeFingerprint(SMALL);
    const r = await run(['load', NEET, '--layout', 'fingertips']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error[LAYOUT_MISMATCH]');
    expect(r.stderr).toContain('line 1, field "Indicator ID"');
    expect(await storeFingerprint(SMALL)).toEqual(before);
  });

  it('refuses an unreadable gzip, and a good file given with it is not stored either', async () => {
    const file = path.join(dir, 'broken.csv.gz');
    writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(200, 7)]));
    const before = await storeFingerprint(SMALL);
    const r = await run(['load', at('fingertips', 'la_hospital_admissions_2324.csv'), file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error[GZIP_UNREADABLE]');
    expect(await storeFingerprint(SMALL)).toEqual(before);
  });

  it('refuses a mapping that is not valid, at its line and key, and an unknown --layout', async () => {
    const mapping = path.join(dir, 'bad-mapping.yaml');
    writeFileSync(
      mapping,
      readFileSync(
        path.join(REPO, 'examples', 'indicators', 'yos-cohort-mapping.yaml'),
        'utf8',
      ).replace('polarity: higher-is-worse', 'polarity: worse'),
    );
    const csv = path.join(REPO, 'examples', 'indicators', 'yos-cohort-synthetic.csv');
    const before = await storeFingerprint(SMALL);
    const r = await run(['load', csv, '--mapping', mapping]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error[BAD_INDICATOR_MAPPING]');
    expect(r.stderr).toMatch(/bad-mapping\.yaml, line 11, field "indicator\.polarity"/);
    const layout = await run(['load', csv, '--layout', 'wide']);
    expect(layout.code).toBe(2);
    expect(layout.stderr).toContain('auto, ees, fingertips, lait, iod2025, census-ts011, tidy');
    expect(await storeFingerprint(SMALL)).toEqual(before);
  });

  it('a .csv.gz is expanded within the limits: past --max-expanded-bytes it is refused', async () => {
    const before = await storeFingerprint(SMALL);
    const r = await run([
      'load',
      at('census2021', 'census21_deprivation_england_wales_lsoa21.csv.gz'),
      '--max-expanded-bytes',
      '64K',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error[ARCHIVE_TOO_LARGE]');
    expect(await storeFingerprint(SMALL)).toEqual(before);
  });

  it('agreements may name indicators as a dataset', async () => {
    const { DATASET_KINDS } = await import('../../src/access/agreementVocabulary.js');
    expect(DATASET_KINDS).toContain('indicators');
  });
});
