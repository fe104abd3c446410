/**
 * The population loader is driven by a mapping, not by one file. The same Census 2021 figures
 * (Thames Valley subset) are loaded in four layouts built here from the shared file — long as
 * published, pivoted wide by age band, wide by year (ages down the rows, one column per year) and
 * wide by sex and age (each count split into two halves, so that totals are unchanged) — and the
 * real IoD2019 File 6 (wide, mid-2015, LSOA 2011, thousands separators) with a mapping file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingReporter } from '../../src/core/reporter.js';
import { loadPopulation, readPopulationMapping } from '../../src/geo/population/loadPopulation.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';

const dir = tempDir();
const LONG = sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv');
const BANDS = [
  'Aged 15 years and under',
  'Aged 16 to 24 years',
  'Aged 25 to 34 years',
  'Aged 35 to 49 years',
  'Aged 50 to 64 years',
  'Aged 65 years and over',
];
let ws: Workspace;
const rows = readFileSync(LONG, 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(','));
const byArea = new Map<string, Map<string, number>>();
for (const [code, , band, value] of rows) {
  const m = byArea.get(code!) ?? new Map<string, number>();
  m.set(band!, Number(value));
  byArea.set(code!, m);
}
const TOTAL = rows.reduce((s, r) => s + Number(r[3]), 0);

async function totals(dataset: string): Promise<{ total: number; bands: string[]; areas: number }> {
  const r = await ws.db.one<{ total: number; areas: number }>(
    `SELECT sum(value) AS total, count(DISTINCT area_code) AS areas FROM population WHERE dataset = $d`,
    { d: dataset },
  );
  const bands = await ws.db.all<{ b: string }>(
    `SELECT DISTINCT age_min || '-' || coalesce(CAST(age_max AS VARCHAR), '') AS b, age_min FROM population WHERE dataset = $d ORDER BY age_min`,
    { d: dataset },
  );
  return { total: r!.total, areas: r!.areas, bands: bands.map((b) => b.b) };
}

beforeAll(async () => {
  ws = await openWorkspace(path.join(dir, 'pop.duckdb'));
});
afterAll(() => ws.close());

describe('population layouts', () => {
  it('long (as published): found automatically and announced', async () => {
    const reporter = recordingReporter();
    const r = await loadPopulation(ws, LONG, { reporter });
    expect(r.layout).toBe('long');
    expect(r.mappingSource).toBe('detected');
    expect(r.total).toBe(2_515_179);
    expect(r.areas).toBe(1485);
    expect(r.year).toBe(2021);
    expect(r.level).toBe('lsoa21');
    expect(reporter.infos.join('\n')).toMatch(
      /long layout \(found automatically\); codes from lsoa21_code, age bands from age_group \(.*"Aged 15 years and under" → 0-15/,
    );
  });

  it('wide by age band (pivoted): the same figures', async () => {
    const file = path.join(dir, 'wide-2021.csv');
    writeFileSync(
      file,
      [
        ['code', ...BANDS].join(','),
        ...[...byArea].map(([c, m]) => [c, ...BANDS.map((b) => m.get(b))].join(',')),
      ].join('\n'),
    );
    const r = await loadPopulation(ws, file, { reporter: recordingReporter(), dataset: 'wide' });
    expect(r.layout).toBe('wide');
    expect(r.total).toBe(TOTAL);
    expect(await totals('wide')).toEqual(
      await totals('census2021-lsoa21-usual-residents-age6-thames-valley'),
    );
  });

  it('wide by year (ages down the rows, a column per year)', async () => {
    const file = path.join(dir, 'by-year.csv');
    writeFileSync(
      file,
      ['area,age,2021', ...rows.map((r) => `${r[0]},${r[2]},${r[3]}`)].join('\n'),
    );
    const r = await loadPopulation(ws, file, { reporter: recordingReporter(), dataset: 'by-year' });
    expect(r.mapping.columns).toEqual([{ column: '2021', year: 2021 }]);
    expect(r.year).toBe(2021);
    expect(r.total).toBe(TOTAL);
  });

  it('wide by sex and age ("M0-15", "F0-15", …): all sexes summed', async () => {
    const file = path.join(dir, 'by-sex.csv');
    const labels = ['0-15', '16-24', '25-34', '35-49', '50-64', '65+'];
    const header = ['code', ...labels.flatMap((l) => [`M${l}`, `F${l}`])];
    const lines = [...byArea].map(([c, m]) =>
      [
        c,
        ...BANDS.flatMap((b) => [Math.floor(m.get(b)! / 2), m.get(b)! - Math.floor(m.get(b)! / 2)]),
      ].join(','),
    );
    writeFileSync(file, [header.join(','), ...lines].join('\n'));
    const r = await loadPopulation(ws, file, {
      reporter: recordingReporter(),
      dataset: 'by-sex',
      year: 2021,
    });
    expect(r.sexes).toEqual(['female', 'male']);
    expect(r.total).toBe(TOTAL);
  });

  it('IoD2019 File 6 (mid-2015, LSOA 2011, "1,296") with a mapping file', async () => {
    const mappingFile = path.join(dir, 'file6.json');
    writeFileSync(
      mappingFile,
      JSON.stringify({
        code: 'LSOA code (2011)',
        name: 'LSOA name (2011)',
        layout: 'wide',
        year: 2015,
        columns: [
          { column: 'Dependent Children aged 0-15: mid 2015 (excluding prisoners)' },
          { column: 'Population aged 16-59: mid 2015 (excluding prisoners)' },
          {
            column: 'Older population aged 60 and over: mid 2015 (excluding prisoners)',
            age: '60+',
          },
        ],
      }),
    );
    const file = sharedData('population', 'File_6_-_IoD2019_Population_Denominators.csv.gz');
    const r = await loadPopulation(ws, file, {
      reporter: recordingReporter(),
      mapping: readPopulationMapping(mappingFile),
    });
    expect(r.level).toBe('lsoa11');
    expect(r.year).toBe(2015);
    expect(r.bands).toEqual(['0-15', '16-59', '60+']);
    // Independent: the total column of the file, thousands separators removed.
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    let expected = 0;
    for (const line of text.split(/\r?\n/).slice(1)) {
      const m = /^E\d{8},(?:"[^"]*"|[^,]*),E\d{8},(?:"[^"]*"|[^,]*),("[\d,]+"|\d+),/.exec(line);
      if (m !== null) expected += Number(m[1]!.replace(/[",]/g, ''));
    }
    expect(expected).toBeGreaterThan(54_000_000);
    expect(r.total).toBe(expected);
  });

  it('refuses a value that is not a count, naming file, line and column', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(
      file,
      ['code,age,count', 'E01000001,0-15,12', 'E01000001,16-24,twelve'].join('\n'),
    );
    const mapping = path.join(dir, 'bad.json');
    writeFileSync(
      mapping,
      JSON.stringify({ code: 'code', layout: 'long', age: 'age', value: 'count' }),
    );
    const r = await svd([
      'population',
      'load',
      file,
      '--mapping',
      mapping,
      '--year',
      '2021',
      '--db',
      path.join(dir, 'bad.duckdb'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `error[BAD_POPULATION_VALUE]: ${file}, line 3, field "count": "twelve" is not a count`,
    );
  });

  it('refuses overlapping bands, and ages that cannot be read', async () => {
    const file = path.join(dir, 'overlap.csv');
    writeFileSync(file, ['code,0-15,10-24', 'E01000001,1,2'].join('\n'));
    const r = await svd([
      'population',
      'load',
      file,
      '--year',
      '2021',
      '--db',
      path.join(dir, 'bad.duckdb'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('age bands overlap: 0-15 (0-15) and 10-24 (10-24)');
  });
});
