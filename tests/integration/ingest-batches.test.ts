/**
 * Nothing lost, nothing doubled: re-ingesting is a no-op; a force-month police.uk re-published
 * with different contents replaces the earlier batch and says so, and the earlier file given again
 * brings its batch back (tests/integration/ingest-replace.test.ts has the rest); archives, outcomes and
 * stop-and-search files go to their own tables.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { createWriteStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';

const dir = tempDir();
const street = (month: string): string =>
  path.join(TV_STREET(), `${month}-thames-valley-street.csv`);

async function countMonth(db: string, month: string): Promise<number> {
  const rows = JSON.parse(
    (await svd(['counts', '--by', 'month', '--where', `month=${month}`, '--db', db, '--json']))
      .stdout,
  ) as { n: number }[];
  return rows[0]?.n ?? 0;
}

describe('re-ingest and re-publication', () => {
  const db = path.join(dir, 'batches.duckdb');

  it('ingesting the same folder twice stores it once', async () => {
    expect((await svd(['ingest', 'police-uk', TV_STREET(), '--db', db, '--quiet'])).code).toBe(0);
    const before = await storeFingerprint(db);
    const again = await svd(['ingest', 'police-uk', TV_STREET(), '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already in batch 1/);
    expect(again.stdout).toMatch(/0 file\(s\) stored, 0 rows .*; 7 already held, skipped/);
    expect(await storeFingerprint(db)).toEqual(before);
  });

  it('a re-published month replaces its batch, and only that month', async () => {
    const original = readFileSync(street('2019-01'), 'utf8').split('\n');
    // police.uk re-publishes a month with late changes: 25 rows fewer, one crime re-classified.
    const changed = [original[0]!, ...original.slice(1, -26)];
    changed[1] = changed[1]!.replace(/,[^,]*,[^,]*,$/, ',Robbery,Under investigation,');
    const republished = path.join(dir, 'republished');
    mkdirSync(republished);
    writeFileSync(
      path.join(republished, '2019-01-thames-valley-street.csv'),
      changed.join('\n') + '\n',
    );
    const otherMonths = await countMonth(db, '2018-12');
    const r = await svd(['ingest', 'police-uk', republished, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('replaced batch 4');
    expect(r.stdout).toContain(
      "replaced: thames-valley 2019-01 was re-published; batch 4's 14,993 rows were replaced by 14,968 rows",
    );
    expect(await countMonth(db, '2019-01')).toBe(14_993 - 25);
    expect(await countMonth(db, '2018-12')).toBe(otherMonths);
    const batches = JSON.parse((await svd(['batches', '--db', db, '--json'])).stdout) as {
      batch_id: number;
      status: string;
    }[];
    expect(batches.find((b) => b.batch_id === 4)?.status).toBe('replaced');
    expect(batches.find((b) => b.batch_id === 8)?.status).toBe('active');
    // The original file is recognised by its sha256: its batch, kept apart, is brought back.
    const back = await svd(['ingest', 'police-uk', street('2019-01'), '--db', db, '--json']);
    expect(JSON.parse(back.stdout).files[0]).toMatchObject({ status: 'restored', batchId: 4 });
    expect(await countMonth(db, '2019-01')).toBe(14_993);
    expect(await countMonth(db, '2018-12')).toBe(otherMonths);
  });

  it('two different files for one force-month in one run are refused', async () => {
    const text = readFileSync(street('2024-02'), 'utf8');
    const versions = ['a', 'b'].map((name, i) => {
      const folder = path.join(dir, name);
      mkdirSync(folder);
      const file = path.join(folder, '2024-02-thames-valley-street.csv');
      writeFileSync(file, text.replace('Burglary', i === 0 ? 'Robbery' : 'Drugs'));
      return file;
    });
    const before = await storeFingerprint(db);
    const r = await svd(['ingest', 'police-uk', ...versions, '--db', db]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `${versions[1]}: holds thames-valley street for 2024-02, as does ${versions[0]}, with different contents`,
    );
    expect(await storeFingerprint(db)).toEqual(before);
  });
});

describe('archives, outcomes and stop-and-search', () => {
  it('reads a police.uk archive ZIP, filtered by force and month, into the right tables', async () => {
    const zipPath = path.join(dir, '2019-01.zip');
    const zip = new yazl.ZipFile();
    for (const m of ['2018-12', '2019-01'])
      zip.addFile(street(m), `${m}/${m}-thames-valley-street.csv`);
    zip.addFile(
      sharedData('police-uk', 'all-forces-2019-01', '2019-01-kent-street.csv.gz'),
      '2019-01/2019-01-kent-street.csv.gz',
    );
    zip.addFile(
      sharedData(
        'police-uk',
        'thames-valley',
        'samples',
        '2019-01-thames-valley-outcomes.sample.csv',
      ),
      '2019-01/2019-01-thames-valley-outcomes.csv',
    );
    zip.addFile(
      sharedData(
        'police-uk',
        'thames-valley',
        'samples',
        '2019-01-thames-valley-stop-and-search.sample.csv',
      ),
      '2019-01/2019-01-thames-valley-stop-and-search.csv',
    );
    zip.end();
    await new Promise<void>((resolve, reject) => {
      zip.outputStream
        .pipe(createWriteStream(zipPath))
        .on('close', () => resolve())
        .on('error', reject);
    });
    const db = path.join(dir, 'zip.duckdb');
    const r = await svd([
      'ingest',
      'police-uk',
      zipPath,
      '--force',
      'thames-valley',
      '--from',
      '2019-01',
      '--db',
      db,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      files: { file: string; dataset: string; rows: number }[];
      skipped: { file: string; reason: string }[];
    };
    expect(report.files.map((f) => [f.dataset, f.rows])).toEqual([
      ['street', 14_993],
      ['outcomes', 15],
      ['stop-and-search', 27],
    ]);
    expect(report.files[0]!.file).toBe(`${zipPath}!2019-01/2019-01-thames-valley-street.csv`);
    expect(report.skipped.map((s) => s.reason)).toEqual([
      'outside the selection',
      'outside the selection',
    ]);
    const outcomes = JSON.parse(
      (await svd(['coverage', '--dataset', 'outcomes', '--db', db, '--json'])).stdout,
    );
    expect(outcomes.cells).toEqual([
      { force: 'thames-valley', month: '2019-01', rows: 15, status: 'present' },
    ]);
    const searches = JSON.parse(
      (await svd(['coverage', '--dataset', 'stop-and-search', '--db', db, '--json'])).stdout,
    );
    expect(searches.cells).toEqual([
      { force: 'thames-valley', month: '2019-01', rows: 27, status: 'present' },
    ]);
    // Every outcome joins to a street crime by its Crime ID (the excerpt was chosen so).
    const { openWorkspace } = await import('../../src/store/openWorkspace.js');
    const ws = await openWorkspace(db, { create: false });
    try {
      const joined = await ws.db.value<number>(
        `SELECT count(*) FROM police_uk_outcomes o WHERE EXISTS (SELECT 1 FROM incidents i WHERE i.source_record_id = o.crime_id)`,
      );
      // Only the 2019-01 street month is in this workspace, so some outcomes refer to earlier months.
      expect(joined).toBeGreaterThan(0);
      const search = await ws.db.one<{
        occurred_at: string;
        part: boolean | null;
        lat: number | null;
      }>(
        `SELECT strftime(occurred_at, '%Y-%m-%dT%H:%M:%S') AS occurred_at, part_of_policing_operation AS part, latitude AS lat
           FROM police_uk_stop_searches ORDER BY id LIMIT 1`,
      );
      expect(search).toEqual({ occurred_at: '2019-01-01T01:20:00', part: false, lat: null });
      const located = await ws.db.value<number>(
        `SELECT count(*) FROM police_uk_stop_searches WHERE latitude IS NOT NULL`,
      );
      expect(located).toBeGreaterThan(0);
    } finally {
      ws.close();
    }
  });
});
