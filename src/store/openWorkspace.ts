/**
 * Opening a workspace: one DuckDB file per partnership. The schema is versioned; an older file is
 * migrated on open (each step in its own transaction), a newer one is refused, and a DuckDB file
 * that is not an svd workspace is never touched.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describeContent } from '../core/describeContent.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { SvdError, errorMessage } from '../core/errors.js';
import { SOFTWARE_VERSION } from '../core/version.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { Db } from './db.js';
import { workspaceMemoryLimit } from './memoryLimit.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export interface Workspace {
  readonly path: string;
  readonly db: Db;
  readonly schemaVersion: number;
  /** Migrations applied while opening, oldest first (empty when the file was current). */
  readonly migrated: readonly { version: number; name: string }[];
  readonly created: boolean;
  /**
   * Set by a server that places every record itself when it opens the workspace and after each
   * write: reads then never try to place (and so never write), which a read-only file refuses.
   */
  readonly placementMaintained?: boolean;
  /**
   * Opened read-only (several processes may read one file at once, e.g. beside `svd serve`):
   * derived data (geography, placement) is then only checked to be current, never written.
   */
  readonly readOnly?: boolean;
  close(): void;
}

export interface OpenOptions {
  /** Create the file when missing (commands that only read set this to false). */
  create?: boolean;
  migrations?: readonly Migration[];
  clock?: Clock;
  /**
   * Open read-only, beside other readers (docs/decisions/0063-read-only-workspace.md). A file on
   * an older schema is first upgraded by a short read-write open; a missing file is refused.
   */
  readOnly?: boolean;
}

const SCHEMA_TABLE = 'svd_schema';

function translateOpenError(path: string, error: unknown, readOnly = false): SvdError {
  const message = errorMessage(error);
  if (/lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new SvdError({
      kind: 'workspace',
      code: 'WORKSPACE_LOCKED',
      message: `the workspace is in use by another process${pid === undefined ? '' : ` (PID ${pid})`}${readOnly ? ' that is writing to it' : ''}`,
      location: { file: path },
      fix: readOnly
        ? 'wait for the other svd command to finish writing, then try again'
        : 'wait for the other svd command to finish; commands that only read (counts, analyse, report…) can run beside svd serve, but this one writes: stop svd serve (or let it finish an upload), then try again',
      cause: error,
    });
  }
  if (/not a valid DuckDB database|database file|Corrupt|checksum/i.test(message)) {
    return new SvdError({
      kind: 'workspace',
      code: 'WORKSPACE_UNREADABLE',
      message: `not a readable workspace: ${message.split('\n')[0]}`,
      location: { file: path },
      fix: 'pass --db with the path of an svd workspace, or a new file name to start one',
      cause: error,
    });
  }
  return new SvdError({
    kind: 'workspace',
    code: 'WORKSPACE_OPEN_FAILED',
    message: `cannot open the workspace: ${message.split('\n')[0]}`,
    location: { file: path },
    fix: 'check that the path is a writable file on a local disk',
    cause: error,
  });
}

/** DuckDB database files carry "DUCK" at byte 8; anything else is refused before DuckDB opens it. */
function refuseNonDuckDbFile(path: string): void {
  const head = Buffer.alloc(64);
  let read: number;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw translateOpenError(path, error);
  }
  if (read === 0) return; // an empty file: DuckDB initialises it
  if (read >= 12 && head.subarray(8, 12).toString('latin1') === 'DUCK') return;
  const guess = describeContent(head.subarray(0, read), basename(path));
  const looks =
    guess.kind === 'text-csv'
      ? 'a CSV file'
      : guess.kind === 'other'
        ? guess.description
        : 'an empty text file';
  throw new SvdError({
    kind: 'workspace',
    code: 'NOT_A_WORKSPACE',
    message: `this is ${looks}, not a workspace; it was left untouched`,
    location: { file: path },
    fix: 'pass --db with the path of an svd workspace (a .duckdb file), or a new file name to start one',
  });
}

async function currentVersion(db: Db, path: string): Promise<number> {
  const tables = await db.all<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`,
  );
  if (tables.length === 0) return 0;
  if (!tables.some((t) => t.table_name === SCHEMA_TABLE)) {
    throw new SvdError({
      kind: 'workspace',
      code: 'NOT_A_WORKSPACE',
      message: `this DuckDB file holds tables (${tables
        .slice(0, 5)
        .map((t) => t.table_name)
        .join(', ')}) but is not an svd workspace; it was left untouched`,
      location: { file: path },
      fix: 'pass --db with a new file name to start a workspace',
    });
  }
  return (await db.value<number>(`SELECT coalesce(max(version), 0) FROM ${SCHEMA_TABLE}`)) ?? 0;
}

/** The error for a path that holds no workspace yet. */
function noWorkspace(path: string): SvdError {
  return new SvdError({
    kind: 'workspace',
    code: 'NO_WORKSPACE',
    message: 'no workspace here yet',
    location: { file: path },
    fix: 'ingest data first (`svd ingest police-uk FILE…`), or pass --db / set SVD_DB to an existing workspace',
  });
}

/** The error for a workspace written by a newer svd (left untouched). */
function tooNew(path: string, version: number, latest: number): SvdError {
  return new SvdError({
    kind: 'workspace',
    code: 'WORKSPACE_TOO_NEW',
    message: `this workspace has schema version ${version}, written by a newer svd; this svd (${SOFTWARE_VERSION}) knows versions up to ${latest}. The file was left untouched`,
    location: { file: path },
    fix: 'upgrade svd (git pull && npm ci), then run the command again',
  });
}

/**
 * A DuckDB instance and connection on the file (read-only or read-write), with the session
 * settings every workspace uses, and a close that may be called more than once.
 */
async function connect(path: string, readOnly: boolean): Promise<{ db: Db; close: () => void }> {
  const memory_limit = workspaceMemoryLimit();
  let instance: DuckDBInstance;
  try {
    instance = readOnly
      ? await DuckDBInstance.create(path, { access_mode: 'READ_ONLY', memory_limit })
      : await DuckDBInstance.create(path, { memory_limit });
  } catch (error) {
    throw translateOpenError(path, error, readOnly);
  }
  const connection = await instance.connect();
  const db = new Db(connection);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    connection.closeSync();
    instance.closeSync();
  };
  try {
    await db.run(`SET TimeZone = 'UTC'`);
    // Track query progress for our own progress bar; DuckDB prints nothing itself.
    await db.run(`SET enable_progress_bar = true`);
    await db.run(`SET enable_progress_bar_print = false`);
  } catch (error) {
    close();
    throw error;
  }
  return { db, close };
}

export async function openWorkspace(path: string, options: OpenOptions = {}): Promise<Workspace> {
  if (options.readOnly === true && path !== ':memory:') return openReadOnly(path, options);
  const migrations = options.migrations ?? MIGRATIONS;
  const clock = options.clock ?? systemClock;
  const existed = path === ':memory:' ? false : existsSync(path);
  if (!existed && options.create === false) throw noWorkspace(path);
  if (existed) refuseNonDuckDbFile(path);
  else if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const { db, close } = await connect(path, false);
  try {
    const latest = migrations.at(-1)?.version ?? 0;
    const version = await currentVersion(db, path);
    if (version > latest) throw tooNew(path, version, latest);
    const migrated: { version: number; name: string }[] = [];
    const applyMigration = async (migration: (typeof migrations)[number]): Promise<void> => {
      if (migration.version === 1) {
        await db.run(`CREATE TABLE ${SCHEMA_TABLE} (
            version INTEGER NOT NULL, name VARCHAR NOT NULL,
            applied_at TIMESTAMP NOT NULL, software_version VARCHAR NOT NULL)`);
      }
      for (const statement of migration.statements) await db.run(statement);
      await db.run(`INSERT INTO ${SCHEMA_TABLE} VALUES ($version, $name, $at, $software)`, {
        version: migration.version,
        name: migration.name,
        at: clock.now().toISOString(),
        software: SOFTWARE_VERSION,
      });
    };
    const pending = migrations.filter((m) => m.version > version);
    // A new workspace is made in one transaction (one commit rather than one per migration);
    // an existing one is upgraded a migration at a time, each kept once committed.
    const batches = version === 0 ? [pending] : pending.map((m) => [m]);
    for (const batch of batches) {
      await db.transaction(async () => {
        for (const migration of batch) await applyMigration(migration);
      });
      migrated.push(...batch.map((m) => ({ version: m.version, name: m.name })));
    }
    return {
      path,
      db,
      schemaVersion: Math.max(version, latest),
      migrated,
      created: !existed,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

async function openReadOnly(path: string, options: OpenOptions): Promise<Workspace> {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.at(-1)?.version ?? 0;
  if (!existsSync(path)) throw noWorkspace(path);
  refuseNonDuckDbFile(path);
  const migrated: { version: number; name: string }[] = [];
  for (let attempt = 0; ; attempt++) {
    const { db, close } = await connect(path, true);
    try {
      const version = await currentVersion(db, path);
      if (version < latest && attempt === 0) {
        // An older schema: upgrade it with a short read-write open, then read.
        close();
        const upgraded = await openWorkspace(path, { ...options, readOnly: false, create: false });
        migrated.push(...upgraded.migrated);
        upgraded.close();
        continue;
      }
      if (version > latest) throw tooNew(path, version, latest);
      if (version !== latest)
        throw new SvdError({
          kind: 'workspace',
          code: 'WORKSPACE_OPEN_FAILED',
          message: `this workspace has schema version ${version} and could not be upgraded to ${latest}`,
          location: { file: path },
          fix: 'run any command that writes (e.g. svd geo place) once no other process holds the workspace',
        });
      return { path, db, schemaVersion: version, migrated, created: false, readOnly: true, close };
    } catch (error) {
      close();
      throw error;
    }
  }
}

/** Open, run fn, always close. */
export async function withWorkspace<T>(
  path: string,
  options: OpenOptions,
  fn: (workspace: Workspace) => Promise<T>,
): Promise<T> {
  const workspace = await openWorkspace(path, options);
  try {
    return await fn(workspace);
  } finally {
    workspace.close();
  }
}
