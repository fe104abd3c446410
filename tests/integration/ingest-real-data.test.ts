/**
 * The whole of the shared police.uk data goes in, and what the workspace counts equals an
 * independent count of the raw files made here with a different CSV parser (csv-parse).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_FORCES, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';

interface RawCount {
  byMonthType: Map<string, number>;
  byForce: Map<string, number>;
  rows: number;
}

function independentCount(dirs: string[]): RawCount {
  const byMonthType = new Map<string, number>();
  const byForce = new Map<string, number>();
  let rows = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      const raw = readFileSync(path.join(dir, name));
      const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      const records = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<
        string,
        string
      >[];
      const force = /^\d{4}-\d{2}-(.+)-street\.csv/.exec(name)![1]!;
      for (const r of records) {
        const key = `${r['Month']}|${r['Crime type']}`;
        byMonthType.set(key, (byMonthType.get(key) ?? 0) + 1);
        byForce.set(force, (byForce.get(force) ?? 0) + 1);
        rows++;
      }
    }
  }
  return { byMonthType, byForce, rows };
}

describe('ingesting every shared police.uk street file', () => {
  const dir = tempDir();
  const db = path.join(dir, 'all.duckdb');
  let expected: RawCount;

  beforeAll(async () => {
    expected = independentCount([TV_STREET(), ALL_FORCES()]);
    const result = await svd([
      'ingest',
      'police-uk',
      TV_STREET(),
      ALL_FORCES(),
      '--db',
      db,
      '--json',
    ]);
    expect(result.stderr).toBe('created workspace ' + db + '\n');
    expect(result.code).toBe(0);
  });

  it('stores every row (108,453 Thames Valley + 331,750 from 39 forces)', async () => {
    expect(expected.rows).toBe(108_453 + 331_750);
    const { stdout, code } = await svd(['counts', '--by', 'source', '--db', db, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([{ source: 'police-uk', n: expected.rows }]);
  });

  it('counts by month × crime type equal the independent count', async () => {
    const { stdout } = await svd(['counts', '--by', 'month,crime_type', '--db', db, '--json']);
    const rows = JSON.parse(stdout) as { month: string; crime_type: string; n: number }[];
    const got = new Map(rows.map((r) => [`${r.month}|${r.crime_type}`, r.n]));
    expect(got).toEqual(expected.byMonthType);
    for (const r of rows) expect(Number.isInteger(r.n)).toBe(true);
  });

  it('counts by force equal the independent count', async () => {
    const { stdout } = await svd(['counts', '--by', 'force', '--db', db, '--json']);
    const rows = JSON.parse(stdout) as { force: string; n: number }[];
    expect(new Map(rows.map((r) => [r.force, r.n]))).toEqual(expected.byForce);
    expect(rows).toHaveLength(40);
  });

  it('keeps the quirks: ASB without Crime ID, No Location rows, shared Crime IDs, BTP', async () => {
    const noId = JSON.parse(
      (
        await svd([
          'counts',
          '--by',
          'crime_type',
          '--where',
          'force=thames-valley',
          '--where',
          'month=2018-10',
          '--where',
          'located=no',
          '--db',
          db,
          '--json',
        ])
      ).stdout,
    ) as { crime_type: string; n: number }[];
    expect(noId.reduce((s, r) => s + r.n, 0)).toBe(1_762);
    const batches = JSON.parse((await svd(['batches', '--db', db, '--json'])).stdout) as {
      batch_id: number;
      file_name: string;
      lsoa_vintage: number;
      lsoa_vintage_basis: string;
    }[];
    expect(batches).toHaveLength(46);
    const vintage = (name: string): number | undefined =>
      batches.find((b) => b.file_name === name)?.lsoa_vintage;
    expect(vintage('2018-10-thames-valley-street.csv')).toBe(2011);
    expect(vintage('2024-01-thames-valley-street.csv')).toBe(2021);
    const btp = JSON.parse(
      (await svd(['counts', '--by', 'crime_type', '--where', 'force=btp', '--db', db, '--json']))
        .stdout,
    ) as { n: number }[];
    expect(btp.reduce((s, r) => s + r.n, 0)).toBe(expected.byForce.get('btp'));
  });

  it('reads the Welsh forces’ non-ASCII text as UTF-8', async () => {
    const { stdout } = await svd([
      'counts',
      '--by',
      'lsoa_name',
      '--where',
      'force=south-wales',
      '--db',
      db,
      '--json',
    ]);
    const names = (JSON.parse(stdout) as { lsoa_name: string | null }[]).map((r) => r.lsoa_name);
    expect(names.some((n) => n !== null && /Cardiff|Swansea/.test(n))).toBe(true);
  });

  it('shows coverage with never-ingested months as missing, not zero', async () => {
    const { stdout } = await svd(['coverage', '--db', db, '--json']);
    const coverage = JSON.parse(stdout) as {
      months: string[];
      cells: { force: string; month: string; rows: number | null; status: string }[];
    };
    expect(coverage.months[0]).toBe('2018-10');
    expect(coverage.months.at(-1)).toBe('2024-03');
    expect(coverage.months).toHaveLength(66);
    const tv = coverage.cells.filter((c) => c.force === 'thames-valley');
    expect(tv.filter((c) => c.status === 'present').map((c) => c.month)).toEqual([
      '2018-10',
      '2018-11',
      '2018-12',
      '2019-01',
      '2024-01',
      '2024-02',
      '2024-03',
    ]);
    expect(tv.find((c) => c.month === '2020-06')).toEqual({
      force: 'thames-valley',
      month: '2020-06',
      rows: null,
      status: 'missing',
    });
    const kent = coverage.cells.filter((c) => c.force === 'kent' && c.status === 'present');
    expect(kent.map((c) => c.month)).toEqual(['2019-01']);
    expect(kent[0]!.rows).toBe(expected.byForce.get('kent'));
    const text = (await svd(['coverage', '--db', db])).stdout;
    expect(text).toContain('missing');
    expect(text).not.toMatch(/thames-valley\s+0\b/);
  });
});
