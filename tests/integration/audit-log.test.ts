/**
 * The audit log: what was done to the workspace is listed in order by `svd audit` (checked
 * against the batches table), `svd audit verify` proves the hash chain and names the first entry
 * edited or removed behind svd's back (exit 4), a refused ingest leaves the workspace and the
 * chain intact and is recorded beside it as `ingest-refused`, and the dashboard's data answers
 * are recorded with their route and query while the server holds the workspace read-only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoWorkspace } from '../../src/app/demo/ensureDemoWorkspace.js';
import { silentReporter } from '../../src/core/reporter.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { auditFilePath } from '../../src/store/auditLog.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { REPO, SHARED_DATA, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-audit-');
const db = path.join(dir, 'audit.duckdb');
const street = (month: string): string =>
  path.join(TV_STREET(), `${month}-thames-valley-street.csv`);

interface Entry {
  log: 'workspace' | 'file';
  seq: number;
  at: string;
  actor: { kind: string; name?: string };
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  records: number | null;
  prev_hash: string;
  hash: string;
}

interface Batch {
  batch_id: number;
  file_name: string;
  sha256: string;
  rows_stored: number;
  status: string;
}

async function audit(args: string[] = []): Promise<Entry[]> {
  const r = await svd(['audit', '--db', db, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Entry[];
}

async function batches(): Promise<Batch[]> {
  const r = await svd(['batches', '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Batch[];
}

/** SQL on the workspace behind svd's back, as someone editing the file would. */
async function tamper(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A copy of a real month with only its first rows: a replacement of the held month. */
function cutShort(month: string): string {
  const lines = readFileSync(street(month), 'utf8').replace(/\n$/, '').split('\n');
  const folder = path.join(dir, 'cut');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${month}-thames-valley-street.csv`);
  writeFileSync(file, [lines[0]!, ...lines.slice(1, 4)].join('\n') + '\n');
  return file;
}

beforeAll(async () => {
  // Geography, population and one month, built by the application directly (not audited).
  await ensureDemoWorkspace(db, {
    sharedData: SHARED_DATA,
    downloadDir: path.join(dir, 'police-uk'),
    reporter: silentReporter,
    months: ['2024-01'],
  });
}, 180_000);

describe('svd audit', () => {
  it('starts empty and verifies', async () => {
    expect(await audit()).toEqual([]);
    const r = await svd(['audit', 'verify', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('0 entries, chain intact');
  });

  it('lists ingest, classify, a report and a restore in order, with the batches and rows', async () => {
    const ingest = await svd(['ingest', 'police-uk', street('2024-02'), '--db', db, '--quiet']);
    expect(ingest.code, ingest.stderr).toBe(0);
    const classify = await svd([
      'classify',
      '--definition',
      'thames-valley-vru',
      '--db',
      db,
      '--quiet',
    ]);
    expect(classify.code, classify.stderr).toBe(0);
    const out = path.join(dir, 'sna.html');
    const report = await svd([
      'report',
      'sna',
      '--area',
      'Oxford',
      '--period',
      '2024-01..2024-02',
      '--definition',
      'thames-valley-vru',
      '--audience',
      'partner',
      '--out',
      out,
      '--db',
      db,
      '--quiet',
    ]);
    expect(report.code, report.stderr).toBe(0);
    const replace = await svd([
      'ingest',
      'police-uk',
      cutShort('2024-02'),
      '--replace',
      '--db',
      db,
      '--quiet',
    ]);
    expect(replace.code, replace.stderr).toBe(0);

    const held = await batches();
    const feb = held.find((b) => b.sha256 !== undefined && b.status === 'replaced')!;
    const cut = held.at(-1)!;
    expect(feb.file_name).toBe('2024-02-thames-valley-street.csv');
    const restore = await svd(['batches', 'restore', String(feb.batch_id), '--db', db, '--quiet']);
    expect(restore.code, restore.stderr).toBe(0);

    const entries = (await audit()).reverse(); // oldest first
    expect(entries.map((e) => e.action)).toEqual([
      'ingest',
      'classify',
      'report-write',
      'ingest',
      'batch-restore',
    ]);
    const [first, classified, written, second, restored] = entries as [
      Entry,
      Entry,
      Entry,
      Entry,
      Entry,
    ];
    const files = (e: Entry): Record<string, unknown>[] =>
      e.detail['files'] as Record<string, unknown>[];
    // The batches table, independently.
    expect(first).toMatchObject({
      log: 'workspace',
      target: 'police-uk',
      records: feb.rows_stored,
    });
    expect(files(first)).toEqual([
      expect.objectContaining({
        file: '2024-02-thames-valley-street.csv',
        sha256: feb.sha256,
        batch: feb.batch_id,
        rowsStored: feb.rows_stored,
        status: 'ingested',
      }),
    ]);
    expect(first.actor.kind).toBe('local');
    expect(first.actor.name).toMatch(/\S/);
    expect(classified.target).toMatch(/^thames-valley-vru@\d+$/);
    expect(classified.records).toBeGreaterThan(feb.rows_stored);
    expect(written).toMatchObject({
      log: 'file',
      target: 'sna',
      detail: {
        kind: 'sna',
        file: 'sna.html',
        format: 'html',
        audience: 'partner',
        period: '2024-01..2024-02',
      },
    });
    expect(written.detail['area']).toMatch(/\S/);
    expect(files(second)).toEqual([
      expect.objectContaining({
        batch: cut.batch_id,
        sha256: cut.sha256,
        rowsStored: 3,
        status: 'ingested',
        replaced: [feb.batch_id],
      }),
    ]);
    expect(restored).toMatchObject({
      action: 'batch-restore',
      target: `batch ${feb.batch_id}`,
      records: feb.rows_stored,
      detail: { batch: feb.batch_id, setAside: [expect.objectContaining({ batch: cut.batch_id })] },
    });
    // The workspace's entries form one numbered chain.
    const own = entries.filter((e) => e.log === 'workspace');
    expect(own.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < own.length; i++) expect(own[i]!.prev_hash).toBe(own[i - 1]!.hash);
    // Filters.
    expect((await audit(['--action', 'ingest'])).map((e) => e.action)).toEqual([
      'ingest',
      'ingest',
    ]);
    expect(await audit(['--limit', '1'])).toHaveLength(1);
    expect(await audit(['--until', '2000-01-01'])).toEqual([]);
    const text = await svd(['audit', '--db', db]);
    expect(text.stdout).toContain('batch-restore');
  }, 180_000);

  it('a refused ingest leaves the workspace and chain intact and is recorded as ingest-refused', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'this,is,not\na,police.uk,file\n');
    const before = await storeFingerprint(db);
    const r = await svd(['ingest', 'police-uk', bad, '--db', db]);
    expect(r.code).toBe(3);
    expect(await storeFingerprint(db)).toEqual(before);
    const [refused] = await audit(['--action', 'ingest', '--limit', '1']);
    expect(refused).toMatchObject({
      log: 'file',
      action: 'ingest-refused',
      target: 'police-uk',
      detail: { files: ['bad.csv'], error: { kind: 'input' } },
    });
    const verify = await svd(['audit', 'verify', '--db', db]);
    expect(verify.code, verify.stderr).toBe(0);
  });
});

describe('the strategy', () => {
  it('an import and a review started are recorded; the same file again is recorded beside', async () => {
    const strategy = path.join(REPO, 'tests', 'fixtures', 'strategy', 'test-strategy.yaml');
    for (let i = 0; i < 2; i++) {
      const r = await svd(['strategy', 'import', strategy, '--db', db, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
    }
    const review = await svd(['review', 'start', '--db', db, '--json', '--quiet']);
    expect(review.code, review.stderr).toBe(0);
    const { review_id } = JSON.parse(review.stdout) as { review_id: number };
    const [started, again, imported] = await audit(['--limit', '3']);
    expect(imported).toMatchObject({
      log: 'workspace',
      action: 'strategy-import',
      detail: { file: 'test-strategy.yaml', changed: true },
    });
    // The same file again changed nothing: recorded beside the workspace, same revision.
    expect(again!.detail['revision']).toBe(imported!.detail['revision']);
    expect(again).toMatchObject({
      log: 'file',
      action: 'strategy-import',
      detail: { changed: false },
    });
    expect(started).toMatchObject({
      log: 'workspace',
      action: 'review-start',
      target: `review ${review_id}`,
    });
  });
});

describe('the dashboard', () => {
  const served = db;
  let fingerprint: Record<string, string>;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let pool: WorkspacePool;

  beforeAll(async () => {
    // Opening places any record not yet placed; the fingerprint is taken after that.
    (await WorkspacePool.open(served, { writable: false, reporter: silentReporter })).close();
    fingerprint = await storeFingerprint(served);
    pool = await WorkspacePool.open(served, { writable: false, reporter: silentReporter });
    app = await buildServer({ pool, cache: true });
  }, 60_000);

  afterAll(async () => {
    await app.close();
    pool.close();
    // The reads were recorded beside the workspace, which is as it was.
    expect(await storeFingerprint(served)).toEqual(fingerprint);
  });

  it('records each data answer (route, query, status, records), cached ones too', async () => {
    const counts = '/api/counts?by=month&where=month%3D2024-01';
    for (let i = 0; i < 2; i++) {
      const r = await app.inject({ method: 'GET', url: counts });
      expect(r.statusCode).toBe(200);
    }
    const answer = (await app.inject({ method: 'GET', url: counts })).json() as { n: number }[];
    const trends = await app.inject({
      method: 'GET',
      url: '/api/trends?definition=thames-valley-vru',
    });
    expect(trends.statusCode, trends.body).toBe(200);
    const trendsTotal = (trends.json() as { result: { total: number } }).result.total;
    const refused = await app.inject({ method: 'GET', url: '/api/counts?by=nonsense' });
    expect(refused.statusCode).toBe(400);

    const whatif = await app.inject({
      method: 'POST',
      url: '/api/whatif',
      payload: { base: 'thames-valley-vru', proposal: 'secret-proposal-text: 1' },
    });
    expect(whatif.statusCode).toBeGreaterThanOrEqual(400);

    const lines = readFileSync(auditFilePath(served), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Entry)
      .filter((e) => e.action === 'read');
    const countReads = lines.filter((e) => e.target === '/api/counts');
    expect(countReads).toHaveLength(4);
    expect(countReads[0]).toMatchObject({
      actor: { kind: 'server', name: 'local-dashboard' },
      detail: {
        route: '/api/counts',
        query: { by: 'month', where: ['month=2024-01'] },
        status: 200,
      },
      records: answer.reduce((s, r) => s + r.n, 0),
    });
    expect(countReads[3]).toMatchObject({ detail: { status: 400, query: { by: 'nonsense' } } });
    const trendReads = lines.filter((e) => e.target === '/api/trends');
    expect(trendReads).toHaveLength(1);
    expect(trendReads[0]).toMatchObject({
      detail: { query: { definition: 'thames-valley-vru' }, status: 200 },
      records: trendsTotal,
    });
    // A question asked in a body is recorded by its route and status, never the body.
    const whatifReads = lines.filter((e) => e.target === '/api/whatif');
    expect(whatifReads).toHaveLength(1);
    expect(whatifReads[0]!.detail).toMatchObject({ query: {}, status: whatif.statusCode });
    expect(JSON.stringify(lines)).not.toContain('secret-proposal-text');
    // No absolute path of the server in what is recorded.
    expect(JSON.stringify(lines)).not.toContain(dir);
  });

  it('svd audit verify passes afterwards, beside the server', async () => {
    const r = await svd(['audit', 'verify', '--db', served]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('chain intact');
    const reads = await svd(['audit', '--db', served, '--action', 'read', '--json']);
    expect(reads.code, reads.stderr).toBe(0);
    expect((JSON.parse(reads.stdout) as Entry[]).length).toBeGreaterThanOrEqual(5);
  });
});

describe('svd audit verify', () => {
  it('verify passes, then names an edited entry and a removed one (exit 4)', async () => {
    const ok = await svd(['audit', 'verify', '--db', db]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^\d+ entries, chain intact/);
    const n = Number(/^(\d+) entries/.exec(ok.stdout)![1]);
    expect(n).toBe((await audit()).length);

    await tamper(`UPDATE audit_log SET detail = '{"rowsStored":1}' WHERE seq = 2`);
    const edited = await svd(['audit', 'verify', '--db', db, '--json']);
    expect(edited.code).toBe(4);
    expect(edited.stderr).toContain('error[AUDIT_CHAIN_BROKEN]');
    expect(edited.stderr).toContain('entry 2 does not match its hash: it was edited');

    await tamper(`DELETE FROM audit_log WHERE seq = 2`);
    const removed = await svd(['audit', 'verify', '--db', db]);
    expect(removed.code).toBe(4);
    expect(removed.stderr).toContain('entry 2 is missing: a gap between 1 and 3');
  });
});
