/**
 * The analyses on a workspace built from the shared police.uk data (Thames Valley, 7 months),
 * synthetic force extract and A&E data from the generators (seeded), LSOA 2011 boundaries and
 * lookup, Census 2021 population and IMD 2019: numbers checked against independent counts in SQL
 * and against the generators' known truth, and the CLI's JSON equal to the core functions'.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseDeprivation } from '../../src/analyses/deprivation/analyseDeprivation.js';
import { silentReporter } from '../../src/core/reporter.js';
import { analyseHealthVsPolice } from '../../src/analyses/health/analyseHealthVsPolice.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { comparePoissonCounts } from '../../src/core/statistics/comparePoissonCounts.js';
import { wilsonInterval } from '../../src/core/statistics/wilsonInterval.js';
import { readPoliceUkAnchors } from '../../src/sources/synthetic/readPoliceUkAnchors.js';
import { SYNTH_CRIME_TYPES } from '../../src/sources/synthetic/rates.js';
import { synthesiseIstvAttendances } from '../../src/sources/synthetic/synthIstv.js';
import { analyseTrends } from '../../src/analyses/trends/analyseTrends.js';
import { analyseWhen } from '../../src/analyses/when/analyseWhen.js';
import { addAoristic } from '../../src/analyses/when/aoristicWeights.js';
import { analyseWho } from '../../src/analyses/who/analyseWho.js';
import { utcToLondon } from '../../src/core/londonTime.js';
import { svd } from '../helpers/cli.js';
import { REPO, TV_LSOA11_FILES, TV_STREET, sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { refreshDerivedData } from '../../src/app/deriveData.js';

const dir = tempDir();
const db = path.join(dir, 'analyse.duckdb');
const SEED = 11;
const ctx = { cwd: dir, reporter: silentReporter };
const EXTRACT = [{ dimension: 'source', values: ['force-extract'] }];
const POLICE_UK = [{ dimension: 'source', values: ['police-uk'] }];

async function run(args: string[], withDb = true): Promise<string> {
  const r = await svd([...args, ...(withDb ? ['--db', db] : []), '--quiet']);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function withWs<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await openWorkspace(db, { create: false });
  try {
    await refreshDerivedData(ws, { reporter: silentReporter });
    return await fn(ws);
  } finally {
    ws.close();
  }
}

/** The CLI's --json, parsed. */
async function cliJson(args: string[]): Promise<unknown> {
  return JSON.parse(await run([...args, '--json']));
}

beforeAll(async () => {
  const extract = path.join(dir, 'extract.csv');
  const istv = path.join(dir, 'istv.csv');
  await run(['ingest', 'police-uk', TV_STREET()]);
  await run(
    ['synth', 'force-extract', '--from', TV_STREET(), '--seed', String(SEED), '--out', extract],
    false,
  );
  await run(['ingest', 'force-extract', extract, '--mapping', 'svd-synthetic']);
  await run(['synth', 'istv', '--from', TV_STREET(), '--seed', String(SEED), '--out', istv], false);
  await run(['ingest', 'istv', istv]);
  await run(['geo', 'load', ...TV_LSOA11_FILES(), '--level', 'lsoa11']);
  await run([
    'geo',
    'lookup',
    sharedData('lookups', 'oa11-lsoa11-msoa11-lad17-rgn11-oac11-lookup.csv.gz'),
  ]);
  await run(['geo', 'partnerships']);
  await run([
    'population',
    'load',
    sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
  ]);
  await run([
    'deprivation',
    'load',
    sharedData('imd', 'File_2_-_IoD2019_Domains_of_Deprivation.csv.gz'),
  ]);
}, 600_000);

describe('trends', () => {
  it('monthly counts equal svd counts, months never published are gaps, and the CLI equals the core', async () => {
    const where = [...POLICE_UK, { dimension: 'crime_type', values: ['Robbery'] }];
    const core = await withWs((ws) => analyseTrends(ws, { where }, {}, ctx));
    const counts = JSON.parse(
      await run([
        'counts',
        '--by',
        'month',
        '--where',
        'source=police-uk',
        '--where',
        'crime_type=Robbery',
        '--json',
      ]),
    ) as { month: string; n: number }[];
    const held = core.result.months.filter((m) => m.count !== null);
    expect(held.map((m) => [m.month, m.count])).toEqual(counts.map((c) => [c.month, c.n]));
    expect(core.result.months.find((m) => m.month === '2021-06')).toMatchObject({
      status: 'missing',
      count: null,
    });
    expect(core.warnings.map((w) => w.code)).toContain('MISSING_MONTHS');
    // Default comparison: March 2024 against February 2024 (no month a year earlier is held).
    const c = core.result.change!;
    const direct = comparePoissonCounts(
      { count: counts.find((x) => x.month === '2024-03')!.n, exposure: 31 },
      { count: counts.find((x) => x.month === '2024-02')!.n, exposure: 29 },
    );
    expect([c.rateRatio, c.lower, c.upper, c.pValue]).toEqual([
      direct.rateRatio,
      direct.lower,
      direct.upper,
      direct.pValue,
    ]);
    expect(core.params['compare']?.automatic).toBe(true);
    const cli = await cliJson([
      'analyse',
      'trends',
      '--where',
      'source=police-uk',
      '--where',
      'crime_type=Robbery',
    ]);
    expect(cli).toEqual(JSON.parse(JSON.stringify(core)));
  });

  it('a force-month not ingested is a gap, and an explicit comparison is used as given', async () => {
    const small = path.join(dir, 'gap.duckdb');
    for (const m of ['2024-01', '2024-03'])
      expect(
        (
          await svd([
            'ingest',
            'police-uk',
            path.join(TV_STREET(), `${m}-thames-valley-street.csv`),
            '--db',
            small,
            '--quiet',
          ])
        ).code,
      ).toBe(0);
    const r = await svd([
      'analyse',
      'trends',
      '--compare',
      '2024-01,2024-03',
      '--db',
      small,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      result: {
        months: { month: string; count: number | null; status: string }[];
        change: { earlier: { from: string } };
      };
      params: Record<string, { automatic: boolean }>;
    };
    expect(
      out.result.months.map((m) => [m.month, m.count === null ? null : 'n', m.status]),
    ).toEqual([
      ['2024-01', 'n', 'complete'],
      ['2024-02', null, 'missing'],
      ['2024-03', 'n', 'complete'],
    ]);
    expect(out.result.change.earlier.from).toBe('2024-01');
    expect(out.params['compare']?.automatic).toBe(false);
    expect(r.stderr).toMatch(
      /1 month is not held by the selected sources \(Feb 2024\): shown as gaps, not zeros/,
    );
  });
});

describe('when', () => {
  it('places every timed record once in all, and exact times where DuckDB’s own time zone puts them', async () => {
    const all = await withWs((ws) => analyseWhen(ws, { where: EXTRACT }, {}, ctx));
    const total = all.result.matrix!.flat().reduce((s, x) => s + x, 0);
    expect(total).toBeCloseTo(all.result.records.placed, 0);
    expect(all.result.records.placed).toBe(all.result.records.selected);
    // Only exact times (ranges longer than a millisecond counted apart), against DuckDB's ICU.
    const exact = await withWs((ws) =>
      analyseWhen(ws, { where: EXTRACT }, { maxSpanHours: 1e-7 }, ctx),
    );
    const independent = await withWs((ws) =>
      ws.db.all<{ d: number; h: number; n: number }>(
        `SELECT (isodow(occurred_from AT TIME ZONE 'Europe/London') - 1) AS d,
                hour(occurred_from AT TIME ZONE 'Europe/London') AS h, count(*) AS n
           FROM incidents WHERE source = 'force-extract' AND occurred_to = occurred_from GROUP BY ALL`,
      ),
    );
    expect(exact.result.records.placed).toBe(independent.reduce((s, r) => s + r.n, 0));
    for (const r of independent) expect(exact.result.matrix![r.d]![r.h]).toBe(r.n);
  });

  it('reads each range once with its records, and apportions as record by record', async () => {
    // The reference: every timed record read and spread alone, as the matrix was first made.
    const rows = await withWs((ws) =>
      ws.db.all<{ f: number; t: number | null }>(
        `SELECT epoch_ms(occurred_from) AS f, epoch_ms(occurred_to) AS t FROM incidents
          WHERE source = 'force-extract' AND occurred_from IS NOT NULL`,
      ),
    );
    const distinct = new Set(rows.map((r) => `${r.f}|${r.t}`)).size;
    // Ranges repeat (dates without a time, the same hour), so grouping changes the arithmetic.
    expect(distinct).toBeLessThan(rows.length * 0.9);
    for (const maxSpanHours of [undefined, 24]) {
      const cells = new Float64Array(168);
      let placed = 0;
      let tooLong = 0;
      for (const r of rows) {
        const to = r.t === null ? Number(r.f) : Number(r.t);
        if (maxSpanHours !== undefined && to - Number(r.f) > maxSpanHours * 3_600_000) tooLong++;
        else {
          addAoristic(cells, Number(r.f), to);
          placed++;
        }
      }
      const got = await withWs((ws) =>
        analyseWhen(
          ws,
          { where: EXTRACT },
          maxSpanHours === undefined ? {} : { maxSpanHours },
          ctx,
        ),
      );
      expect(got.result.records.placed).toBe(placed);
      expect(got.result.records.tooLong).toBe(tooLong);
      // Rounded to 3 decimals: within half a unit of the last place, and a hair for the order of
      // the sums.
      for (let c = 0; c < 168; c++)
        expect(
          Math.abs(got.result.matrix![Math.floor(c / 24)]![c % 24]! - cells[c]!),
        ).toBeLessThanOrEqual(0.0005 + 1e-9);
    }
  });

  it('says police.uk has no times rather than drawing an empty matrix', async () => {
    const r = await withWs((ws) => analyseWhen(ws, { where: POLICE_UK }, {}, ctx));
    expect(r.result.matrix).toBeNull();
    expect(r.result.records.noTime['police-uk']).toBe(r.result.records.selected);
    expect(r.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['NO_TIME', 'NO_MATRIX']));
    expect(r.result.seasonal.filter((s) => s.years > 0)).toHaveLength(6);
  });
});

describe('who', () => {
  it('shares equal independent counts, with Wilson intervals and unknowns apart', async () => {
    const r = await withWs((ws) => analyseWho(ws, { where: EXTRACT }, {}, ctx));
    const sql = await withWs((ws) =>
      ws.db.one<{ dom: number; known: number; knife: number; u25: number; aged: number }>(
        `SELECT count(*) FILTER (WHERE flag_domestic) AS dom, count(flag_domestic) AS known,
                count(*) FILTER (WHERE flag_knife) AS knife,
                count(*) FILTER (WHERE victim_age < 25) AS u25, count(victim_age) AS aged
           FROM incidents WHERE source = 'force-extract'`,
      ),
    );
    const share = (name: string) => r.result.shares.find((s) => s.name === name)!;
    expect(share('domestic')).toMatchObject({ count: sql!.dom, total: sql!.known });
    expect(share('knife').count).toBe(sql!.knife);
    // The synthetic extract gives exact ages, so the band never has to decide.
    expect(share('victims-under-25')).toMatchObject({ count: sql!.u25, total: sql!.aged });
    const w = wilsonInterval(sql!.dom, sql!.known);
    expect([share('domestic').lower, share('domestic').upper]).toEqual([w.lower, w.upper]);
    expect(r.result.victims.total + r.result.victims.noPerson).toBe(
      r.result.records.withPersonData,
    );
  });
});

describe('deprivation', () => {
  it('decile counts equal svd rates, and the decile 1 : 10 ratio is the exact two-Poisson ratio', async () => {
    const where = [
      ...POLICE_UK,
      { dimension: 'crime_type', values: ['Violence and sexual offences'] },
    ];
    const r = await withWs((ws) => analyseDeprivation(ws, { where }, {}, ctx));
    const rates = JSON.parse(
      await run([
        'rates',
        '--by',
        'imd_decile',
        '--where',
        'source=police-uk',
        '--where',
        'crime_type=Violence and sexual offences',
        '--json',
      ]),
    ) as { rows: { code: string; count: number; population: number }[] };
    expect(r.result.deciles.map((d) => [String(d.decile), d.count])).toEqual(
      rates.rows.map((x) => [x.code, x.count]),
    );
    const d1 = r.result.deciles[0]!;
    const d10 = r.result.deciles[9]!;
    const direct = comparePoissonCounts(
      { count: d1.count, exposure: d1.population! },
      { count: d10.count, exposure: d10.population! },
    );
    expect(r.result.ratio).toMatchObject({
      rateRatio: direct.rateRatio,
      lower: direct.lower,
      upper: direct.upper,
    });
    expect(r.result.correlations.map((c) => c.domain)).toEqual([
      'imd',
      'income',
      'employment',
      'education',
      'health',
      'crime',
      'barriers',
      'living_environment',
    ]);
    expect(r.result.correlations[0]!.rho!).toBeGreaterThan(0.3);
    expect(r.params['population']).toMatchObject({ automatic: true });
  });
});

describe('health beside police', () => {
  it('recovers the generator’s known share of attendances police never hear of', async () => {
    const r = await withWs((ws) => analyseHealthVsPolice(ws, { where: EXTRACT }, {}, ctx));
    const compared = new Set(r.result.comparedMonths);
    expect(compared.size).toBe(7);
    // The generator's attendances, by the London month of arrival, in the months compared.
    const { anchors } = await readPoliceUkAnchors([TV_STREET()], SYNTH_CRIME_TYPES);
    const monthOf = (ms: number): string => {
      const l = utcToLondon(ms);
      return `${l.year}-${String(l.month).padStart(2, '0')}`;
    };
    const attendances = synthesiseIstvAttendances(anchors, { seed: SEED }).filter((a) =>
      compared.has(monthOf(a.arrivalUtcMs)),
    );
    const A = attendances.length;
    const reported = attendances.filter((a) => a.reportedToPolice).length;
    expect(r.result.total.ae).toBe(A);
    // With f = reported / P, the aggregate estimate is exactly the generator's unreported share.
    const f = reported / r.result.total.police;
    const est = await withWs((ws) =>
      analyseHealthVsPolice(ws, { where: EXTRACT }, { attendShare: f }, ctx),
    );
    expect(est.result.unreported.share).toBeCloseTo(1 - reported / A, 12);
    expect(est.result.unreported.share!).toBeGreaterThan(0.75);
    expect(r.result.unreported.bound).toBe('lower bound');
    expect(r.result.unreported.share!).toBeLessThan(est.result.unreported.share!);
    const knife = r.result.byMethod.find((m) => m.method === 'knife-sharp')!;
    expect(knife.ae).toBe(attendances.filter((a) => a.method === 'knife-sharp').length);
    const cli = await cliJson(['analyse', 'health-vs-police', '--where', 'source=force-extract']);
    expect(cli).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it('refuses police.uk-only selections: no offence codes', async () => {
    const r = await svd(['analyse', 'health-vs-police', '--where', 'source=police-uk', '--db', db]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/no selected police records carry an offence code/);
  });
});

describe('the command line', () => {
  it('every subcommand has help, and bad options are usage errors', async () => {
    for (const sub of ['trends', 'when', 'who', 'deprivation', 'health-vs-police']) {
      const h = await svd(['analyse', sub, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/--json/);
    }
    expect((await svd(['analyse', 'trends', '--compare', '2024-01', '--db', db])).code).toBe(2);
    expect((await svd(['analyse', 'when', '--max-span', '-3', '--db', db])).code).toBe(2);
    expect((await svd(['analyse', 'health-vs-police', '--site-area', 'X', '--db', db])).code).toBe(
      2,
    );
  });

  it('the README’s analyse examples are accepted as written', async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const lines = [...readme.matchAll(/^npx svd (analyse [^#\n]+)/gm)].map((m) => m[1]!.trim());
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      const args = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      // In the test's folder: an example may write a file (--geojson oxford.geojson).
      const r = await svd([...args, '--db', db, '--quiet'], {}, dir);
      expect(r.stderr, line).not.toMatch(/unknown (option|command)|error\[BAD_|error\[UNKNOWN/);
    }
  });
});
