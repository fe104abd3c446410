/** `npm start` (svd demo): the Oxfordshire demo workspace from the shared open data. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { OXFORDSHIRE_DISTRICTS } from '../../src/demo/runDemo.js';
import { SHARED_DATA, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';

const dir = tempDir();

describe('svd demo', () => {
  it('builds the workspace, then reuses it; Oxfordshire counts equal an independent count', async () => {
    const db = path.join(dir, 'demo.duckdb');
    const first = await svd(['demo', '--db', db, '--data', SHARED_DATA, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout) as {
      dataSource: string;
      ingest: { rowsStored: number };
      oxfordshire: { rows: { month: string; lsoa_district: string; n: number }[] };
    };
    expect(result.dataSource).toBe('shared');
    expect(result.ingest.rowsStored).toBe(108_453);

    const expected = new Map<string, number>();
    for (const name of readdirSync(TV_STREET())) {
      const rows = parse(readFileSync(path.join(TV_STREET(), name)), { columns: true }) as Record<
        string,
        string
      >[];
      for (const r of rows) {
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

    const again = await svd(['demo', '--db', db, '--data', SHARED_DATA]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 file(s) stored, 0 rows');
    expect(again.stdout).toContain('7 already held, skipped');
  });
});
