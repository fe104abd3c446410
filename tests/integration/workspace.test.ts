/**
 * The workspace file: created where asked, migrated when older, refused when newer or foreign,
 * and — even when the process is killed with SIGKILL in the middle of an ingest — openable and
 * exactly as it was before.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { resolveDbPath } from '../../src/store/resolveDbPath.js';
import { ALL_FORCES, REPO, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';

const dir = tempDir();

describe('where the workspace is', () => {
  it('is --db, else $SVD_DB, else ./svd.duckdb', () => {
    expect(resolveDbPath('a.duckdb', { SVD_DB: 'b.duckdb' }, '/w')).toEqual({
      path: '/w/a.duckdb',
      source: 'option',
    });
    expect(resolveDbPath(undefined, { SVD_DB: 'b.duckdb' }, '/w')).toEqual({
      path: '/w/b.duckdb',
      source: 'environment',
    });
    expect(resolveDbPath(undefined, {}, '/w')).toEqual({
      path: '/w/svd.duckdb',
      source: 'default',
    });
  });

  it('the default is announced when it is created', async () => {
    const cwd = path.join(dir, 'cwd');
    (await import('node:fs')).mkdirSync(cwd);
    const r = await svd(
      ['ingest', 'police-uk', path.join(TV_STREET(), '2018-10-thames-valley-street.csv')],
      {},
      cwd,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `created workspace ${path.join(cwd, 'svd.duckdb')} (the default; choose another with --db or SVD_DB)`,
    );
    const viaEnv = await svd(['counts', '--by', 'month', '--json'], {
      SVD_DB: path.join(cwd, 'svd.duckdb'),
    });
    expect(JSON.parse(viaEnv.stdout)).toEqual([{ month: '2018-10', n: 16_338 }]);
  });
});

describe('schema versions', () => {
  it('migrates an older workspace on open, step by step', async () => {
    const db = path.join(dir, 'old.duckdb');
    const v1 = await openWorkspace(db);
    expect(v1.schemaVersion).toBe(MIGRATIONS.length);
    v1.close();
    const later = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'test-step',
        statements: ['CREATE TABLE test_added (x INTEGER)'],
      },
    ];
    const upgraded = await openWorkspace(db, { migrations: later });
    expect(upgraded.migrated).toEqual([{ version: MIGRATIONS.length + 1, name: 'test-step' }]);
    expect(await upgraded.db.value('SELECT count(*) FROM test_added')).toBe(0);
    upgraded.close();
    const reopened = await openWorkspace(db, { migrations: later });
    expect(reopened.migrated).toEqual([]);
    reopened.close();
  });

  it('refuses a workspace written by a newer svd, leaving it untouched', async () => {
    const db = path.join(dir, 'newer.duckdb');
    const ws = await openWorkspace(db);
    await ws.db.run(`INSERT INTO svd_schema VALUES (99, 'from-the-future', now(), '9.0.0')`);
    ws.close();
    const before = statSync(db).size;
    const r = await svd(['counts', '--by', 'month', '--db', db]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('this workspace has schema version 99, written by a newer svd');
    expect(r.stderr).toContain('fix: upgrade svd');
    expect(statSync(db).size).toBe(before);
  });

  it('refuses a DuckDB file that is not a workspace and does not touch it', async () => {
    const db = path.join(dir, 'foreign.duckdb');
    const instance = await DuckDBInstance.create(db);
    const c = await instance.connect();
    await c.run('CREATE TABLE customers (id INTEGER)');
    c.closeSync();
    instance.closeSync();
    const r = await svd(['ingest', 'police-uk', TV_STREET(), '--db', db]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      'holds tables (customers) but is not an svd workspace; it was left untouched',
    );
    const check = await DuckDBInstance.create(db);
    const cc = await check.connect();
    const tables = (
      await cc.runAndReadAll(`SELECT table_name FROM information_schema.tables`)
    ).getRows();
    expect(tables).toEqual([['customers']]);
    cc.closeSync();
    check.closeSync();
  });

  it('refuses a file that is not a DuckDB database', async () => {
    const r = await svd([
      'counts',
      '--by',
      'month',
      '--db',
      path.join(TV_STREET(), '2018-10-thames-valley-street.csv'),
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      '2018-10-thames-valley-street.csv: this is a CSV file, not a workspace; it was left untouched',
    );
  });
});

describe('a process killed in the middle of an ingest', () => {
  const bin = path.join(REPO, 'bin', 'svd.js');

  type Moment = 'while checking the files' | 'while writing rows';

  /** Starts an ingest in a child process and kills it with SIGKILL at the given moment. */
  function ingestThenKill(db: string, moment: Moment): Promise<{ killed: boolean; grew: boolean }> {
    const initialSize = statSync(db).size;
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [bin, 'ingest', 'police-uk', ALL_FORCES(), '--db', db, '--quiet'],
        {
          stdio: 'ignore',
        },
      );
      let grew = false;
      const timer = setInterval(() => {
        // DuckDB writes the rows of a large insert into the file before the commit.
        grew = statSync(db).size > initialSize;
        if (moment === 'while writing rows' && grew) child.kill('SIGKILL');
      }, 10);
      if (moment === 'while checking the files') setTimeout(() => child.kill('SIGKILL'), 250);
      child.on('error', reject);
      child.on('exit', (_code, signal) => {
        clearInterval(timer);
        resolve({ killed: signal === 'SIGKILL', grew });
      });
    });
  }

  it.each<Moment>(['while checking the files', 'while writing rows'])(
    'leaves an openable, unchanged store (SIGKILL %s)',
    async (moment) => {
      expect(existsSync(bin)).toBe(true);
      const db = path.join(dir, `killed-${moment.replace(/ /g, '-')}.duckdb`);
      expect((await svd(['ingest', 'police-uk', TV_STREET(), '--db', db, '--quiet'])).code).toBe(0);
      const before = await storeFingerprint(db);
      const { killed, grew } = await ingestThenKill(db, moment);
      expect(killed, 'the ingest finished before it could be killed').toBe(true);
      if (moment === 'while writing rows') expect(grew).toBe(true);
      expect(await storeFingerprint(db)).toEqual(before);
      // And the interrupted ingest can simply be run again.
      const again = await svd(['ingest', 'police-uk', ALL_FORCES(), '--db', db, '--json']);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).rowsStored).toBe(331_750);
    },
  );
});
