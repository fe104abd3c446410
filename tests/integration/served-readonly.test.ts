/**
 * Read commands beside `svd serve`: the server holds the workspace read-only (with or without
 * uploads), so `svd counts` and `svd analyse` run as other processes against the same file; a
 * command that writes is refused with the reason; an upload takes the file read-write only for
 * its own length, and requests meanwhile are answered 503 with Retry-After. Read-only opens
 * check derived data (placement) instead of writing it. The server and the commands are real
 * processes (bin/svd.js; run `npm run build` first).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { ensureDemoWorkspace } from '../../src/app/demo/ensureDemoWorkspace.js';
import { placeIncidents } from '../../src/geo/placeIncidents.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { ingestPoliceUk } from '../../src/sources/police-uk/ingestPoliceUk.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { svd } from '../helpers/cli.js';
import { BAD_ISTV } from '../helpers/dashboard.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { REPO, SHARED_DATA, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-served-');
const db = path.join(dir, 'served.duckdb');
const MONTH = '2024-01';

/** Rows of the published street file: what `svd counts --where source=police-uk` must hold. */
function publishedRows(): number {
  return readFileSync(path.join(TV_STREET(), `${MONTH}-thames-valley-street.csv`), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== '').length;
}

/** One command as a child process. */
function child(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'svd.js'), ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, SVD_DB: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let server: ChildProcess | undefined;

/** `svd serve` started for real on 127.0.0.1, port 0; resolves with its address. */
async function serve(extra: string[] = []): Promise<string> {
  const proc = spawn(
    process.execPath,
    [
      path.join(REPO, 'bin', 'svd.js'),
      'serve',
      '--db',
      db,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      ...extra,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /svd dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      if (url !== undefined) resolve(url);
    });
    proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('exit', (code) => reject(new Error(`svd serve exited (${code}): ${err}`)));
  });
}

async function stopServer(): Promise<void> {
  const proc = server;
  server = undefined;
  if (proc === undefined || proc.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.on('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

beforeAll(async () => {
  await ensureDemoWorkspace(db, {
    sharedData: SHARED_DATA,
    downloadDir: path.join(dir, 'police-uk'),
    reporter: silentReporter,
    months: [MONTH],
  });
}, 120_000);

afterEach(stopServer);

describe('svd serve holds the workspace read-only', () => {
  it('svd counts and svd analyse run beside it as other processes; a writer is refused', async () => {
    const url = await serve();
    const counts = child([
      'counts',
      '--by',
      'month',
      '--where',
      'source=police-uk',
      '--db',
      db,
      '--json',
    ]);
    expect(counts.code, counts.stderr).toBe(0);
    expect(JSON.parse(counts.stdout)).toEqual([{ month: MONTH, n: publishedRows() }]);
    const trends = child([
      'analyse',
      'trends',
      '--area',
      'Oxford',
      '--db',
      db,
      '--json',
      '--quiet',
    ]);
    expect(trends.code, trends.stderr).toBe(0);
    const coverage = child(['coverage', '--db', db, '--json']);
    expect(coverage.code, coverage.stderr).toBe(0);
    // The server still answers.
    const health = await fetch(`${url}api/health`);
    expect(health.status).toBe(200);
    // A command that writes cannot take the file beside the server, and says why.
    const place = child(['geo', 'place', '--db', db]);
    expect(place.code).toBe(4);
    expect(place.stderr).toContain('error[WORKSPACE_LOCKED]');
    expect(place.stderr).toContain(
      'commands that only read (counts, analyse, report…) can run beside svd serve',
    );
  });

  it('with --allow-upload: reads run beside it, and an upload is stored and seen by them', async () => {
    const url = await serve(['--allow-upload']);
    const before = child(['batches', '--db', db, '--json']);
    expect(before.code, before.stderr).toBe(0);
    const batches = (JSON.parse(before.stdout) as unknown[]).length;
    const res = await fetch(`${url}api/uploads?kind=istv&name=bad.csv&maxErrors=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: BAD_ISTV,
    });
    expect(res.status).toBe(200);
    const after = child(['batches', '--db', db, '--json']);
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout) as unknown[]).toHaveLength(batches + 1);
    const counts = child(['counts', '--by', 'source', '--db', db, '--json']);
    expect(counts.code, counts.stderr).toBe(0);
    expect((await fetch(`${url}api/health`)).status).toBe(200);
  });
});

describe('an upload holds the file read-write only for its own length', () => {
  it('requests meanwhile are answered 503 with Retry-After, and answered again after', async () => {
    const pool = await WorkspacePool.open(db, { writable: true, reporter: silentReporter });
    const app = await buildServer({ pool, reporter: silentReporter, cache: false });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/batches' })).statusCode).toBe(200);
      let finish!: () => void;
      let started!: () => void;
      const writeStarted = new Promise<void>((resolve) => (started = resolve));
      const writing = pool.write(async (ws) => {
        expect(ws.readOnly).not.toBe(true);
        started();
        await new Promise<void>((resolve) => (finish = resolve));
      });
      await writeStarted;
      const busy = await app.inject({ method: 'GET', url: '/api/batches' });
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBe('2');
      expect((busy.json() as { error: { code: string } }).error.code).toBe('WORKSPACE_BUSY');
      finish();
      await writing;
      expect((await app.inject({ method: 'GET', url: '/api/batches' })).statusCode).toBe(200);
    } finally {
      await app.close();
      pool.close();
    }
  });
});

describe('read-only opens check derived data instead of writing it', () => {
  it('an unplaced record is an error naming svd geo place; the command line refreshes it when the file is free', async () => {
    const rw = await openWorkspace(db, { create: false });
    try {
      await ingestPoliceUk(rw, [path.join(TV_STREET(), '2024-02-thames-valley-street.csv')], {
        reporter: silentReporter,
      });
    } finally {
      rw.close();
    }
    const fingerprint = await storeFingerprint(db);
    const ro = await openWorkspace(db, { create: false, readOnly: true });
    try {
      await expect(placeIncidents(ro, { reporter: silentReporter })).rejects.toMatchObject({
        code: 'DERIVED_DATA_STALE',
        fix: expect.stringContaining('svd geo place') as unknown,
      });
    } finally {
      ro.close();
    }
    expect(await storeFingerprint(db)).toEqual(fingerprint);
    // Nobody holds the file: the read command places the records (announced) and answers.
    const r = await svd(['counts', '--by', 'district', '--where', 'district=Oxford', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('out of date: refreshing them');
  });
});
