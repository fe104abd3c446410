/** `npm start` (svd demo): the Oxfordshire demo workspace from the shared open data. */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { OXFORDSHIRE_DISTRICTS } from '../../src/app/demo/runDemo.js';
import { currentDemoStamp, demoState, stampFile } from '../../src/app/demo/ensureDemoWorkspace.js';
import { silentReporter } from '../../src/core/reporter.js';
import { SHARED_DATA, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';

const dir = tempDir();

/** Every published street file the demo reads: street/ and the recent year in street-2025/. */
function streetFiles(): string[] {
  const recent = path.join(path.dirname(TV_STREET()), 'street-2025');
  return [TV_STREET(), recent].flatMap((folder) =>
    readdirSync(folder)
      .filter((f) => /^\d{4}-\d{2}-thames-valley-street\.csv(\.gz)?$/.test(f))
      .map((f) => path.join(folder, f)),
  );
}

/** The rows of a published file, read here independently of svd's reader. */
function rowsOf(file: string): Record<string, string>[] {
  const bytes = readFileSync(file);
  return parse(file.endsWith('.gz') ? gunzipSync(bytes) : bytes, { columns: true }) as Record<
    string,
    string
  >[];
}

/** The crime types the synthetic force extract follows, one extract row per police.uk row. */
const EXTRACT_TYPES = ['Violence and sexual offences', 'Robbery', 'Possession of weapons', 'Drugs'];

describe('svd demo', () => {
  it('builds the workspace, then reuses it; Oxfordshire counts equal an independent count', async () => {
    const db = path.join(dir, 'demo.duckdb');
    // The partial files of a build killed half-way (no process has this id) are cleared away.
    const abandoned = [`${db}.building-2147483646`, `${db}.building-2147483646.wal`];
    for (const f of abandoned) writeFileSync(f, 'partial');
    const first = await svd(['demo', '--db', db, '--data', SHARED_DATA, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(abandoned.filter((f) => existsSync(f))).toEqual([]);
    expect(first.stderr).toContain('left by an earlier demo build that did not finish');
    const output = JSON.parse(first.stdout) as {
      state: string;
      built: {
        dataSource: string;
        ingest: { rowsStored: number };
        geography: boolean;
        classified: { id: string }[];
        partner: { forceExtract: { files: { synthetic: boolean; rowsStored: number }[] } };
      };
      summary: {
        oxfordshire: { rows: { month: string; lsoa_district: string; n: number }[] };
        coverage: {
          months: string[];
          cells: { force: string; month: string; rows: number | null; status: string }[];
        };
      };
    };
    expect(output.state).toBe('missing');
    const result = { ...output.built, oxfordshire: output.summary.oxfordshire };
    expect(result.dataSource).toBe('shared');
    const files = streetFiles();
    const rows = files.map(rowsOf);
    const months = files.map((f) => path.basename(f).slice(0, 7)).sort();
    // The recent year is there, and 2025-07, missing at source, is not.
    expect(months.filter((m) => m.startsWith('2025-'))).toHaveLength(11);
    expect(months).not.toContain('2025-07');
    expect(result.ingest.rowsStored).toBe(rows.reduce((n, r) => n + r.length, 0));
    expect(result.geography).toBe(true);
    expect(result.classified.map((c) => c.id)).toEqual([
      'thames-valley-vru',
      'home-office-success-measures',
      'police-uk-proxy',
    ]);
    // One synthetic extract row per police.uk row of the violence, robbery, weapons and drugs types.
    expect(result.partner.forceExtract.files[0]).toMatchObject({
      synthetic: true,
      rowsStored: rows.flat().filter((r) => EXTRACT_TYPES.includes(r['Crime type']!)).length,
    });

    const expected = new Map<string, number>();
    for (const fileRows of rows) {
      for (const r of fileRows) {
        const district = OXFORDSHIRE_DISTRICTS.find((d) => r['LSOA name']!.startsWith(`${d} `));
        if (district === undefined) continue;
        const key = `${r['Month']}|${district}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const got = new Map(result.oxfordshire.rows.map((r) => [`${r.month}|${r.lsoa_district}`, r.n]));
    expect(got).toEqual(expected);
    const total2018 = OXFORDSHIRE_DISTRICTS.reduce((s, d) => s + (got.get(`2018-10|${d}`) ?? 0), 0);
    expect(total2018).toBe(4_066); // as the shared data's README records
    expect([...got.keys()].some((k) => k.startsWith('2025-12|'))).toBe(true);
    expect([...got.keys()].some((k) => k.startsWith('2025-07|'))).toBe(false);
    // Coverage spans 2018-10 … 2025-12 and reads 2025-07 as missing, not zero.
    const coverage = output.summary.coverage;
    expect(coverage.months.at(-1)).toBe('2025-12');
    expect(coverage.cells.find((c) => c.month === '2025-07')).toMatchObject({
      rows: null,
      status: 'missing',
    });
    expect(coverage.cells.find((c) => c.month === '2025-12')!.rows).toBe(
      rows[months.indexOf('2025-12')]!.length,
    );

    const again = await svd(['demo', '--db', db, '--data', SHARED_DATA]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('demo workspace up to date: reused');
    expect(again.stdout).toContain('4,066');

    // Anything that would change the build makes it stale; so does a build record gone missing.
    const stamp = currentDemoStamp({
      sharedData: SHARED_DATA,
      downloadDir: dir,
      reporter: silentReporter,
    });
    expect(demoState(db, stamp).state).toBe('fresh');
    expect(demoState(db, { ...stamp, recipe: stamp.recipe + 1 })).toEqual({
      state: 'stale',
      reason: 'changed since the last build: the demo recipe',
    });
    const edited = stamp.inputs.map((f, i) => (i === 0 ? { ...f, modified: f.modified + 1 } : f));
    expect(demoState(db, { ...stamp, inputs: edited }).reason).toMatch(/input files/);
    rmSync(stampFile(db));
    expect(demoState(db, stamp).state).toBe('stale');
  });
});
