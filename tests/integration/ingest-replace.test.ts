/**
 * A held month is never silently replaced by a smaller file, and a replaced batch can be brought
 * back: a cut-short copy of a real police.uk month is refused (command line and upload) unless
 * --replace says it is meant; the rows it replaces are kept apart, counted nowhere, and come back
 * with `svd batches restore` or by ingesting the original file again; a republication with about
 * as many rows or more replaces as before.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-replace-');
const street = (month: string): string =>
  path.join(TV_STREET(), `${month}-thames-valley-street.csv`);

/** The data rows of a police.uk CSV counted as lines (no field of these files spans lines). */
const dataRows = (text: string): number =>
  text.split('\n').filter((l) => l.trim() !== '').length - 1;

/** A copy of a real month under its police.uk name in a folder of its own, with rows kept by `keep`. */
function copyOf(month: string, folder: string, keep: (lines: string[]) => string[]): string {
  const lines = readFileSync(street(month), 'utf8').replace(/\n$/, '').split('\n');
  const out = path.join(dir, folder);
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `${month}-thames-valley-street.csv`);
  writeFileSync(file, [lines[0]!, ...keep(lines.slice(1))].join('\n') + '\n');
  return file;
}

async function countMonth(db: string, month: string): Promise<number> {
  const r = await svd([
    'counts',
    '--by',
    'month',
    '--where',
    `month=${month}`,
    '--db',
    db,
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { n: number }[])[0]?.n ?? 0;
}

interface Batch {
  batch_id: number;
  status: string;
  replaced_by: number[];
  rows_stored: number;
}

async function batches(db: string): Promise<Map<number, Batch>> {
  const r = await svd(['batches', '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return new Map((JSON.parse(r.stdout) as Batch[]).map((b) => [b.batch_id, b]));
}

interface ErrorJson {
  error: {
    kind: string;
    code: string;
    message: string;
    file?: string;
    fix: string;
    problems: { file: string; message: string }[];
  };
}

describe('a cut-short copy of a held month', () => {
  const db = path.join(dir, 'replace.duckdb');
  const originalRows = dataRows(readFileSync(street('2019-01'), 'utf8'));
  const truncated = copyOf('2019-01', 'truncated', (rows) => rows.slice(0, 2));
  const truncatedRows = dataRows(readFileSync(truncated, 'utf8'));
  let december = 0;

  beforeAll(async () => {
    const r = await svd([
      'ingest',
      'police-uk',
      street('2019-01'),
      street('2018-12'),
      '--db',
      db,
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    december = await countMonth(db, '2018-12');
  });

  it('is refused, naming the file, force, month and rows, and nothing is stored', async () => {
    expect(originalRows).toBe(14_993);
    expect(truncatedRows).toBe(2);
    expect(await countMonth(db, '2019-01')).toBe(originalRows);
    const before = await storeFingerprint(db);
    const r = await svd(['ingest', 'police-uk', truncated, '--db', db, '--json']);
    expect(r.code).toBe(3);
    const { error } = JSON.parse(r.stdout) as ErrorJson;
    expect(error).toMatchObject({ kind: 'input', code: 'REPLACEMENT_SHRINKS', file: truncated });
    expect(error.message).toContain(
      'would replace thames-valley street 2019-01, held with 14,993 rows (batch 1), by 2 rows',
    );
    expect(error.message).toMatch(/nothing was stored/);
    expect(error.fix).toMatch(/--replace/);
    expect(error.fix).toMatch(/check the download/);
    expect(r.stderr).toContain(`error[REPLACEMENT_SHRINKS]: ${truncated}: would replace`);
    expect(await storeFingerprint(db)).toEqual(before);
    // A dry run says the same and stores nothing either.
    const dry = await svd(['ingest', 'police-uk', truncated, '--dry-run', '--db', db]);
    expect(dry.code).toBe(3);
    expect(dry.stderr).toContain('REPLACEMENT_SHRINKS');
    expect(await storeFingerprint(db)).toEqual(before);
  });

  it('with --replace replaces the month; the old batch is listed as replaced by the new one', async () => {
    const r = await svd(['ingest', 'police-uk', truncated, '--replace', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "replaced: thames-valley 2019-01 was re-published; batch 1's 14,993 rows were replaced by 2 rows",
    );
    expect(r.stdout).toContain('svd batches restore 1 brings them back');
    expect(await countMonth(db, '2019-01')).toBe(truncatedRows);
    expect(await countMonth(db, '2018-12')).toBe(december);
    const held = await batches(db);
    expect(held.get(1)).toMatchObject({ status: 'replaced', replaced_by: [3] });
    expect(held.get(2)).toMatchObject({ status: 'active', replaced_by: [] });
    expect(held.get(3)).toMatchObject({ status: 'active', replaced_by: [], rows_stored: 2 });
    const text = await svd(['batches', '--db', db]);
    expect(text.stdout).toMatch(/\n\s+1 .* replaced by 3 /);
  });

  it('svd batches restore brings the old batch back and sets the new one aside', async () => {
    const r = await svd(['batches', 'restore', '1', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('restored batch 1 (');
    expect(r.stdout).toContain("set aside batch 3's 2 rows of thames-valley 2019-01");
    expect(await countMonth(db, '2019-01')).toBe(originalRows);
    expect(await countMonth(db, '2018-12')).toBe(december);
    const held = await batches(db);
    expect(held.get(1)).toMatchObject({ status: 'active', replaced_by: [] });
    expect(held.get(3)).toMatchObject({ status: 'replaced', replaced_by: [1] });
  });

  it('refuses to restore a batch in use, or one that does not exist, and changes nothing', async () => {
    const before = await storeFingerprint(db);
    const active = await svd(['batches', 'restore', '1', '--db', db]);
    expect(active.code).toBe(2);
    expect(active.stderr).toContain('error[NOT_RESTORABLE]: batch 1 is active');
    const missing = await svd(['batches', '--db', db, 'restore', '99']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[NO_SUCH_BATCH]: there is no batch 99');
    const bad = await svd(['batches', 'restore', 'one', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('BAD_BATCH');
    expect(await storeFingerprint(db)).toEqual(before);
  });

  it('given again, a replaced file restores its batch, and a smaller one still needs --replace', async () => {
    // Batch 3 (the cut-short copy) is the replaced one now: giving it again would shrink the month.
    const before = await storeFingerprint(db);
    const refused = await svd(['ingest', 'police-uk', truncated, '--db', db]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('REPLACEMENT_SHRINKS');
    expect(refused.stderr).not.toContain('already in batch');
    expect(await storeFingerprint(db)).toEqual(before);
    const small = await svd(['ingest', 'police-uk', truncated, '--replace', '--db', db, '--json']);
    expect(small.code, small.stderr).toBe(0);
    expect(JSON.parse(small.stdout).files[0]).toMatchObject({ status: 'restored', batchId: 3 });
    expect(await countMonth(db, '2019-01')).toBe(truncatedRows);

    // The original file again: its batch comes back, not "already in batch 1".
    const again = await svd(['ingest', 'police-uk', street('2019-01'), '--db', db]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('already in batch');
    expect(again.stdout).toMatch(/\s1\s+restored \(set aside batch 3\)/);
    expect(again.stdout).toContain('1 replaced batch(es) restored, 14,993 rows');
    expect(await countMonth(db, '2019-01')).toBe(originalRows);
    const held = await batches(db);
    expect(held.get(1)?.status).toBe('active');
    expect(held.get(3)).toMatchObject({ status: 'replaced', replaced_by: [1] });
    // Only three batches: nothing was stored twice.
    expect([...held.keys()]).toEqual([1, 2, 3]);
    // And once in use, the same file is a no-op again.
    const twice = await svd(['ingest', 'police-uk', street('2019-01'), '--db', db]);
    expect(twice.stdout).toContain('already in batch 1');
  });

  it('a republication with a few more rows replaces without --replace', async () => {
    const more = copyOf('2019-01', 'more', (rows) => [...rows, ...rows.slice(0, 3)]);
    const moreRows = dataRows(readFileSync(more, 'utf8'));
    expect(moreRows).toBe(originalRows + 3);
    const r = await svd(['ingest', 'police-uk', more, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files[0]).toMatchObject({
      status: 'ingested',
      batchId: 4,
      rows: moreRows,
      replaced: [{ oldBatchId: 1, rowsRemoved: originalRows, rowsAdded: moreRows }],
    });
    expect(await countMonth(db, '2019-01')).toBe(moreRows);
    expect((await batches(db)).get(1)).toMatchObject({ status: 'replaced', replaced_by: [4] });
  });

  it('draws the line at 90% of the rows held', async () => {
    // 2018-12 holds 14,345 rows: 90% of them is 12,910.5.
    expect(december).toBe(14_345);
    const tooFew = copyOf('2018-12', 'below', (rows) => rows.slice(0, 12_910));
    const before = await storeFingerprint(db);
    const refused = await svd(['ingest', 'police-uk', tooFew, '--db', db]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      'would replace thames-valley street 2018-12, held with 14,345 rows (batch 2), by 12,910 rows (89% of them)',
    );
    expect(await storeFingerprint(db)).toEqual(before);
    const enough = copyOf('2018-12', 'at-the-line', (rows) => rows.slice(0, 12_911));
    const r = await svd(['ingest', 'police-uk', enough, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("batch 2's 14,345 rows were replaced by 12,911 rows");
    expect(await countMonth(db, '2018-12')).toBe(12_911);
  });
});

describe('a batch replaced for some of its force-months', () => {
  const db = path.join(dir, 'partly.duckdb');

  it('is partly replaced, and a restore brings back just what was set aside', async () => {
    // One file holding two months (police.uk files may carry rows of another month).
    const december = readFileSync(street('2018-12'), 'utf8').replace(/\n$/, '').split('\n');
    const both = copyOf('2019-01', 'two-months', (rows) => [...rows, ...december.slice(1)]);
    expect((await svd(['ingest', 'police-uk', both, '--db', db, '--quiet'])).code).toBe(0);
    expect(await countMonth(db, '2018-12')).toBe(14_345);
    const r = await svd(['ingest', 'police-uk', street('2018-12'), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("batch 1's 14,345 rows were replaced by 14,345 rows");
    let held = await batches(db);
    expect(held.get(1)).toMatchObject({ status: 'partly-replaced', replaced_by: [2] });
    expect(await countMonth(db, '2019-01')).toBe(14_993);
    expect(await countMonth(db, '2018-12')).toBe(14_345);
    const restored = await svd(['batches', 'restore', '1', '--db', db, '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({
      rows: 14_345,
      months: ['2018-12'],
      setAside: [{ oldBatchId: 2, month: '2018-12', rowsRemoved: 14_345 }],
    });
    held = await batches(db);
    expect(held.get(1)).toMatchObject({ status: 'active', replaced_by: [] });
    expect(held.get(2)).toMatchObject({ status: 'replaced', replaced_by: [1] });
    expect(await countMonth(db, '2019-01')).toBe(14_993);
    expect(await countMonth(db, '2018-12')).toBe(14_345);
  });
});

describe('a batch replaced before replaced rows were kept', () => {
  const db = path.join(dir, 'legacy.duckdb');
  const truncated = copyOf('2019-01', 'truncated-legacy', (rows) => rows.slice(0, 2));

  it('cannot be restored, and its file given again is stored again', async () => {
    expect(
      (await svd(['ingest', 'police-uk', street('2019-01'), '--db', db, '--quiet'])).code,
    ).toBe(0);
    expect(
      (await svd(['ingest', 'police-uk', truncated, '--replace', '--db', db, '--quiet'])).code,
    ).toBe(0);
    // What an earlier svd left: the batch superseded, its rows deleted.
    const { openWorkspace } = await import('../../src/store/openWorkspace.js');
    const ws = await openWorkspace(db, { create: false });
    try {
      await ws.db.run(`DELETE FROM replaced_incidents WHERE batch_id = 1`);
      await ws.db.run(`UPDATE batches SET status = 'superseded' WHERE batch_id = 1`);
    } finally {
      ws.close();
    }
    const before = await storeFingerprint(db);
    const refused = await svd(['batches', 'restore', '1', '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'error[NOT_RESTORABLE]: batch 1 was superseded by an svd that did not keep the rows it replaced',
    );
    expect(refused.stderr).toContain('ingest its file again');
    expect(await storeFingerprint(db)).toEqual(before);
    const again = await svd(['ingest', 'police-uk', street('2019-01'), '--db', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const file = JSON.parse(again.stdout).files[0];
    expect(file).toMatchObject({
      status: 'ingested',
      batchId: 3,
      rows: 14_993,
      replaced: [{ oldBatchId: 2, rowsRemoved: 2 }],
    });
    expect(file.messages.map((m: { code: string }) => m.code)).toContain('STORED_AGAIN');
    expect(await countMonth(db, '2019-01')).toBe(14_993);
  });
});

describe('the tables of replaced rows', () => {
  it('have the columns of the tables their rows come from, so that no value is lost', async () => {
    const db = path.join(dir, 'columns.duckdb');
    const { openWorkspace } = await import('../../src/store/openWorkspace.js');
    const { REPLACED_ROWS_TABLE } = await import('../../src/store/batchStatus.js');
    const ws = await openWorkspace(db, { create: true });
    try {
      const columns = (table: string): Promise<{ name: string; type: string }[]> =>
        ws.db.all(
          `SELECT column_name AS name, data_type AS type FROM information_schema.columns
            WHERE table_name = $table ORDER BY column_name`,
          { table },
        );
      for (const [table, apart] of Object.entries(REPLACED_ROWS_TABLE)) {
        const live = await columns(table);
        expect(live.length, table).toBeGreaterThan(10);
        expect(await columns(apart), apart).toEqual(live);
      }
    } finally {
      ws.close();
    }
  });
});

describe('derived data after a restore', () => {
  const db = path.join(dir, 'classified.duckdb');
  const truncated = copyOf('2019-01', 'truncated-classified', (rows) => rows.slice(0, 2));

  it('the restored records are classified again under the definitions in use', async () => {
    const run = async (args: string[]): Promise<string> => {
      const r = await svd([...args, '--db', db, '--quiet']);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const unclassified = async (): Promise<number> => {
      const rows = JSON.parse(
        await run(['counts', '--by', 'tier', '--definition', 'police-uk-proxy', '--json']),
      ) as { tier: string; n: number }[];
      return rows.find((r) => r.tier === 'unclassified')?.n ?? 0;
    };
    await run(['ingest', 'police-uk', street('2019-01')]);
    await run(['ingest', 'police-uk', truncated, '--replace']);
    // Classified while the original rows are kept apart: they hold no classification now.
    await run(['classify', '--definition', 'police-uk-proxy']);
    expect(await unclassified()).toBe(0);
    const restored = JSON.parse(await run(['batches', 'restore', '1', '--json'])) as {
      rows: number;
      reclassified: string[];
    };
    expect(restored).toMatchObject({ rows: 14_993, reclassified: ['police-uk-proxy@1'] });
    expect(await unclassified()).toBe(0);
    const total = JSON.parse(
      await run(['counts', '--by', 'tier', '--definition', 'police-uk-proxy', '--json']),
    ) as { n: number }[];
    expect(total.reduce((sum, r) => sum + r.n, 0)).toBe(14_993);
  });
});

describe('the dashboard upload', () => {
  const db = path.join(dir, 'upload.duckdb');
  const truncated = copyOf('2019-01', 'truncated-upload', (rows) => rows.slice(0, 2));
  let pool: WorkspacePool | undefined;
  let app: Awaited<ReturnType<typeof buildServer>> | undefined;

  beforeAll(async () => {
    const r = await svd(['ingest', 'police-uk', street('2019-01'), '--db', db, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  });

  afterAll(async () => {
    await app?.close();
    pool?.close();
  });

  it('refuses the cut-short copy with the error, pointing to the command line', async () => {
    const before = await storeFingerprint(db);
    pool = await WorkspacePool.open(db, { writable: true, reporter: silentReporter });
    app = await buildServer({ pool, reporter: silentReporter, webRoot: path.join(dir, 'no-web') });
    const res = await app.inject({
      method: 'POST',
      url: '/api/uploads?kind=police-uk&name=2019-01-thames-valley-street.csv',
      headers: { 'content-type': 'application/octet-stream' },
      payload: readFileSync(truncated),
    });
    expect(res.statusCode).toBe(422);
    const { error } = res.json() as ErrorJson;
    expect(error).toMatchObject({ kind: 'input', code: 'REPLACEMENT_SHRINKS' });
    expect(error.message).toContain(
      'would replace thames-valley street 2019-01, held with 14,993 rows (batch 1), by 2 rows',
    );
    expect(error.fix).toContain('ingest it with the command line: svd ingest police-uk --replace');
    expect(error.fix).not.toMatch(/run the command again/);
    await app.close();
    pool.close();
    app = undefined;
    pool = undefined;
    expect(await storeFingerprint(db)).toEqual(before);
  });
});
