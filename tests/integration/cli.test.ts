/** The command line's contract: help, exit codes, table and JSON output. */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TV_STREET, REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';

const dir = tempDir();
const db = path.join(dir, 'cli.duckdb');

beforeAll(async () => {
  const r = await svd([
    'ingest',
    'police-uk',
    path.join(TV_STREET(), '2024-01-thames-valley-street.csv'),
    path.join(TV_STREET(), '2024-02-thames-valley-street.csv'),
    '--db',
    db,
    '--quiet',
  ]);
  expect(r.code).toBe(0);
});

describe('svd', () => {
  it('--help lists the commands and the exit codes documented in the README', async () => {
    const r = await svd(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['ingest', 'coverage', 'counts', 'batches', 'fetch'])
      expect(r.stdout).toContain(c);
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const documented = new Map(
      [...readme.matchAll(/^\|\s*(\d)\s*\|\s*(.+?)\s*\|$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    const helped = r.stdout.split('\n').filter((l) => /^\s+[0-5]\s{2}/.test(l));
    expect(helped).toHaveLength(6);
    for (const line of helped) {
      const [code, ...words] = line.trim().split(/\s+/);
      expect(documented.get(code!)).toBe(words.join(' ').replace(/ \(.*$/, ''));
    }
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    const r = await svd(['counts', '--by', 'month', '--bogus', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('counts prints an aligned table, and JSON with integer n', async () => {
    const table = await svd(['counts', '--by', 'month', '--db', db]);
    expect(table.stdout).toBe(
      [
        'month         n',
        '-------  ------',
        '2024-01  15,606',
        '2024-02  15,016',
        'total 30,622',
        '',
      ].join('\n'),
    );
    const json = await svd([
      'counts',
      '--by',
      'month,crime_type',
      '--where',
      'crime_type=Robbery',
      '--where',
      'crime_type=Drugs',
      '--db',
      db,
      '--json',
    ]);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => Object.keys(r))).toEqual(Array(4).fill(['month', 'crime_type', 'n']));
    expect(rows.every((r) => Number.isInteger(r['n']))).toBe(true);
  });

  it('filters a month range and "no value"', async () => {
    const range = JSON.parse(
      (
        await svd([
          'counts',
          '--by',
          'month',
          '--where',
          'month=2024-02..2024-09',
          '--db',
          db,
          '--json',
        ])
      ).stdout,
    );
    expect(range).toEqual([{ month: '2024-02', n: 15_016 }]);
    const none = JSON.parse(
      (await svd(['counts', '--by', 'located', '--where', 'lsoa=', '--db', db, '--json'])).stdout,
    );
    expect(none).toEqual([{ located: 'no', n: 348 + 334 }]);
  });

  it('bad --where values are usage errors with the fix', async () => {
    const r = await svd(['counts', '--by', 'month', '--where', 'month=January', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--where month: "January" is not a month (YYYY-MM)');
  });

  it('batches lists provenance with sha256', async () => {
    const batches = JSON.parse((await svd(['batches', '--db', db, '--json'])).stdout) as {
      sha256: string;
      rows_stored: number;
      source_kind: string;
    }[];
    expect(batches.map((b) => [b.source_kind, b.rows_stored])).toEqual([
      ['police-uk-street', 15_606],
      ['police-uk-street', 15_016],
    ]);
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256')
      .update(readFileSync(path.join(TV_STREET(), '2024-01-thames-valley-street.csv')))
      .digest('hex');
    expect(batches[0]!.sha256).toBe(expected);
  });
});
