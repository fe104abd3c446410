/**
 * Bad inputs are refused with a message naming the file, line, field and value, the exit code
 * for refused input (3), and a store exactly as it was.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';

const dir = tempDir();
const db = path.join(dir, 'ws.duckdb');
const street = (month: string): string =>
  sharedData('police-uk', 'thames-valley', 'street', `${month}-thames-valley-street.csv`);
const lines = (month: string): string[] => readFileSync(street(month), 'utf8').split(/\r?\n/);

function write(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** A small valid street file (header + 30 rows of 2019-01). */
const header = (): string => lines('2019-01')[0]!;
const body = (): string[] => lines('2019-01').slice(1, 31);

let before: Record<string, string>;

beforeAll(async () => {
  const r = await svd(['ingest', 'police-uk', street('2018-10'), '--db', db, '--quiet']);
  expect(r.code).toBe(0);
  before = await storeFingerprint(db);
});

async function refused(file: string | string[], ...expected: RegExp[]): Promise<string> {
  const files = Array.isArray(file) ? file : [file];
  const r = await svd(['ingest', 'police-uk', ...files, '--db', db]);
  expect(r.code, r.stderr).toBe(3);
  expect(r.stdout).toBe('');
  for (const e of expected) expect(r.stderr).toMatch(e);
  expect(r.stderr).toContain('nothing was stored');
  expect(await storeFingerprint(db)).toEqual(before);
  return r.stderr;
}

describe('refused inputs leave the store unchanged', () => {
  it('a truncated gzip', async () => {
    const gz = gzipSync(
      Buffer.from([header(), ...lines('2019-01').slice(1, 4000)].join('\n') + '\n'),
    );
    const file = write(
      '2019-01-thames-valley-street.csv.gz',
      gz.subarray(0, Math.floor(gz.length / 2)),
    );
    await refused(file, /2019-01-thames-valley-street\.csv\.gz/, /(cut short|read to the end)/);
  });

  it('a gzip whose trailer is missing (content complete, stream not)', async () => {
    const gz = gzipSync(Buffer.from([header(), ...body()].join('\n') + '\n'));
    const file = write('2019-02-thames-valley-street.csv.gz', gz.subarray(0, gz.length - 4));
    await refused(
      file,
      /2019-02-thames-valley-street\.csv\.gz/,
      /gzip stream is damaged or cut short/,
    );
  });

  it('a header that is not police.uk’s', async () => {
    const file = write('2019-03-thames-valley-street.csv', 'name,address,postcode\nA,B,C\n');
    await refused(
      file,
      /2019-03-thames-valley-street\.csv, line 1/,
      /header \(name, address, postcode\) is not a police\.uk/,
    );
  });

  it('a street header that lacks a column', async () => {
    const file = write(
      '2019-04-thames-valley-street.csv',
      [header().replace('Longitude', 'Lng'), ...body()].join('\n'),
    );
    await refused(file, /line 1/, /lacks the column "Longitude"/);
  });

  it('a row with the wrong number of fields', async () => {
    const rows = body();
    rows[3] = rows[3]!.split(',').slice(0, 11).join(',');
    const file = write('2019-05-thames-valley-street.csv', [header(), ...rows].join('\n') + '\n');
    await refused(
      file,
      /2019-05-thames-valley-street\.csv, line 5/,
      /has 11 fields where the header has 12/,
    );
  });

  it('unparseable coordinates', async () => {
    const rows = body();
    const fields = rows[1]!.split(',');
    fields[4] = '-1.2x4';
    rows[1] = fields.join(',');
    const file = write('2019-06-thames-valley-street.csv', [header(), ...rows].join('\n') + '\n');
    await refused(file, /line 3, field "Longitude": "-1\.2x4" is not a number/);
  });

  it('an empty file', async () => {
    await refused(
      write('2019-07-thames-valley-street.csv', ''),
      /2019-07-thames-valley-street\.csv: the file is empty \(0 bytes\)/,
    );
  });

  it('a binary file', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    await refused(write('2019-08-thames-valley-street.csv', bytes), /looks like a binary file/);
  });

  it('a malformed month', async () => {
    const rows = body();
    rows[0] = rows[0]!.replace(',2019-01,', ',2019-13,');
    const file = write('2019-09-thames-valley-street.csv', [header(), ...rows].join('\n') + '\n');
    await refused(file, /line 2, field "Month": "2019-13" is not a month/);
  });

  it('one bad file among good ones: nothing at all is stored', async () => {
    const bad = write('2019-10-thames-valley-street.csv', '');
    await refused([street('2024-01'), bad, street('2024-02')], /2019-10-thames-valley-street\.csv/);
  });

  it('a failed first ingest leaves no workspace file (nor WAL) behind', async () => {
    const fresh = path.join(dir, 'first.duckdb');
    const bad = write('2019-11-thames-valley-street.csv', '');
    const r = await svd(['ingest', 'police-uk', bad, '--db', fresh]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('nothing was stored');
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(`${fresh}.wal`)).toBe(false);
    // The same refusal against an existing workspace leaves it in place and unchanged.
    await refused(bad, /2019-11-thames-valley-street\.csv/);
    expect(existsSync(db)).toBe(true);
  });

  it('a GeoJSON file is recognised and refused', async () => {
    const file = write('areas.csv', '{"type":"FeatureCollection","features":[]}');
    await refused(file, /looks like a GeoJSON file/);
  });
});

describe('accepted inputs', () => {
  it('a byte order mark, CRLF line endings and a gzip of a CSV are all read', async () => {
    const text = [header(), ...body()].join('\r\n') + '\r\n';
    const bom = write(
      '2019-01-thames-valley-street.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    );
    const r = await svd([
      'ingest',
      'police-uk',
      bom,
      '--db',
      path.join(dir, 'bom.duckdb'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { files: { rows: number; status: string }[] };
    expect(report.files[0]).toMatchObject({ rows: 30, status: 'ingested' });
    const gz = write('2019-01-thames-valley-street.csv.gz', gzipSync(Buffer.from(text)));
    const g = await svd(['ingest', 'police-uk', gz, '--db', path.join(dir, 'gz.duckdb'), '--json']);
    expect(g.code, g.stderr).toBe(0);
    const first = JSON.parse(
      (await svd(['counts', '--by', 'crime_type', '--db', path.join(dir, 'gz.duckdb'), '--json']))
        .stdout,
    ) as { n: number }[];
    expect(first.reduce((s, x) => s + x.n, 0)).toBe(30);
  });

  it('--dry-run checks without storing', async () => {
    const r = await svd([
      'ingest',
      'police-uk',
      street('2024-03'),
      '--db',
      db,
      '--dry-run',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      dryRun: boolean;
      files: { status: string; rows: number }[];
    };
    expect(report.dryRun).toBe(true);
    expect(report.files[0]).toMatchObject({ status: 'checked', rows: 16_160 });
    expect(await storeFingerprint(db)).toEqual(before);
  });

  it('a copy of a stored file under another name is a reported no-op', async () => {
    const copy = path.join(dir, 'renamed.csv');
    copyFileSync(street('2018-10'), copy);
    const r = await svd(['ingest', 'police-uk', copy, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { files: { status: string; existingBatchId: number }[] };
    expect(report.files[0]).toMatchObject({ status: 'already-ingested', existingBatchId: 1 });
    expect(await storeFingerprint(db)).toEqual(before);
  });
});
