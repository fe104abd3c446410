/**
 * Area values as a person types them, on one month of the demo workspace (Thames Valley police.uk
 * January 2024 with the Oxfordshire geography): a misspelt name, a code given to a name dimension
 * and a name given to a code dimension are usage errors with the nearest names and the right
 * dimension, not "no incidents"; `--area` takes a bare code or name of any level.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { ensureDemoWorkspace } from '../../src/app/demo/ensureDemoWorkspace.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { svd } from '../helpers/cli.js';
import { SHARED_DATA, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const db = path.join(dir, 'areas.duckdb');
/** The demo also holds a synthetic force extract; the published file is checked against police.uk. */
const POLICE_UK_COUNTS = ['counts', '--by', 'month', '--where', 'source=police-uk'];
const run = (args: string[]): ReturnType<typeof svd> => svd([...args, '--db', db], {}, dir);

/** Rows of the published file whose LSOA (2011, as published) is in Oxford: "Oxford 0xxY". */
function oxfordRows(): number {
  const lines = readFileSync(path.join(TV_STREET(), '2024-01-thames-valley-street.csv'), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== '');
  return lines.filter((l) => /,Oxford \d{3}[A-Z],/.test(l)).length;
}

beforeAll(async () => {
  await ensureDemoWorkspace(db, {
    sharedData: SHARED_DATA,
    downloadDir: path.join(dir, 'police-uk'),
    reporter: silentReporter,
    months: ['2024-01'],
  });
}, 120_000);

describe('a filter on an area dimension that matches no area is an error', () => {
  it('a misspelt district names the dimension, the value and the nearest name', async () => {
    const r = await run(['counts', '--by', 'month', '--where', 'district=Oxfrod']);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('no incidents');
    expect(r.stderr).toContain(
      'error[UNKNOWN_AREA]: --where district=Oxfrod: no district of that name',
    );
    expect(r.stderr).toContain('(did you mean "Oxford"?)');
  });

  it('a district code given to the name dimension says which dimension takes it', async () => {
    const r = await run(['counts', '--by', 'month', '--where', 'district=E07000178']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'E07000178 is a district code: use --where district_code=E07000178 or --area E07000178',
    );
  });

  it('a district name given to the code dimension says so', async () => {
    const r = await run(['counts', '--by', 'month', '--where', 'district_code=Oxford']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--where district_code=Oxford: no district with that code');
    expect(r.stderr).toContain(
      'Oxford is the name of district E07000178: use --where district=Oxford',
    );
  });

  it('a partnership code given to the csp name dimension, and a force by its name', async () => {
    const csp = await run(['counts', '--by', 'month', '--where', 'csp=oxford']);
    expect(csp.code).toBe(2);
    expect(csp.stderr).toContain(
      'oxford is a csp code: use --where csp_code=oxford or --area oxford',
    );
    const force = await run(['counts', '--by', 'month', '--where', 'force=Thames Valley']);
    expect(force.code).toBe(2);
    expect(force.stderr).toContain('--where force=Thames Valley: no records of that force');
    expect(force.stderr).toContain('did you mean "thames-valley"?');
  });

  it('the analyses refuse it too (the shared selection)', async () => {
    const r = await run(['analyse', 'trends', '--where', 'district=Oxfrod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--where district=Oxfrod: no district of that name');
  });

  it('a known value selects as before', async () => {
    const r = await run([
      'counts',
      '--by',
      'month',
      '--where',
      'district=Oxford',
      '--where',
      'source=police-uk',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ month: '2024-01', n: oxfordRows() }]);
  });
});

describe('--area takes a bare code or name of any level', () => {
  it('a district by name or by code counts the rows published in its LSOAs', async () => {
    const expected = oxfordRows();
    expect(expected).toBeGreaterThan(1000);
    for (const area of ['Oxford', 'E07000178', 'district=Oxford']) {
      const r = await run(POLICE_UK_COUNTS.concat(['--area', area, '--json']));
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([{ month: '2024-01', n: expected }]);
      expect(r.stderr).toContain(`--area ${area}: district Oxford (E07000178)`);
    }
  });

  it('svd analyse takes --area, resolved the same way and recorded in params', async () => {
    const r = await run([
      'analyse',
      'trends',
      '--area',
      'Oxford',
      '--where',
      'source=police-uk',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      result: { months: { month: string; count: number | null }[] };
      params: { selection: { value: { area: unknown } } };
    };
    expect(out.result.months.map((m) => m.count)).toEqual([oxfordRows()]);
    expect(out.params.selection.value.area).toEqual({
      given: 'Oxford',
      level: 'district',
      code: 'E07000178',
      name: 'Oxford',
    });
  });

  it('a partnership and a force by code', async () => {
    const csp = await run(['counts', '--by', 'month', '--area', 'cherwell']);
    expect(csp.code, csp.stderr).toBe(0);
    expect(csp.stderr).toContain(
      '--area cherwell: csp Cherwell Community Safety Partnership (cherwell), by its code; also named so: district Cherwell (E07000177)',
    );
    const force = await run(['counts', '--by', 'month', '--area', 'thames-valley', '--json']);
    expect(force.code, force.stderr).toBe(0);
    expect(force.stderr).toContain('--area thames-valley: force Thames Valley (thames-valley)');
  });

  it('svd analyse hotspots maps an area given by a bare name, as by LEVEL=NAME', async () => {
    const bare = await run(['analyse', 'hotspots', '--area', 'Oxford', '--json', '--quiet']);
    expect(bare.code, bare.stderr).toBe(0);
    const level = await run([
      'analyse',
      'hotspots',
      '--area',
      'district=Oxford',
      '--json',
      '--quiet',
    ]);
    expect(level.code, level.stderr).toBe(0);
    type Out = { result: { area: { level: string; code: string }; incidents: unknown } };
    const a = JSON.parse(bare.stdout) as Out;
    const b = JSON.parse(level.stdout) as Out;
    expect(a.result.area).toMatchObject({ level: 'district', code: 'E07000178' });
    expect(a.result.incidents).toEqual(b.result.incidents);
  });

  it('an unknown area is an error with the nearest names', async () => {
    const r = await run(['counts', '--by', 'month', '--area', 'Oxfrod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--area "Oxfrod": no area of that code or name in this workspace');
    expect(r.stderr).toContain('"Oxford"');
  });

  it('a name shared by two areas is an error listing the candidates', async () => {
    const ws = await openWorkspace(db, { create: false });
    try {
      await ws.db.run(
        `INSERT INTO geo_areas (level, code, name, source) VALUES ('ward', 'E05999999', 'Oxford', 'test')`,
      );
    } finally {
      ws.close();
    }
    const r = await run(['counts', '--by', 'month', '--area', 'Oxford']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error[AMBIGUOUS_AREA]: --area "Oxford" names 2 areas: district Oxford (E07000178); ward Oxford (E05999999)',
    );
    expect(r.stderr).toContain('say which: --area district=E07000178 or --area ward=E05999999');
  });
});
