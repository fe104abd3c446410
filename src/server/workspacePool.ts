/**
 * The server's hold on one workspace: one DuckDB instance and a few connections, each lent to one
 * request at a time (a connection's temporary tables, e.g. whatif's, are its own). The instance is
 * always opened read-only, so `svd counts`, `svd analyse`, `svd report`… run beside the server
 * (DuckDB lets several processes read one file, never one write beside them). The workspace is
 * first brought up to date (schema, placement) by a short read-write open
 * (docs/decisions/0040-dashboard-server.md). With uploads allowed, a write waits until no read
 * is running, closes the read-only instance, opens the file read-write for the length of the
 * write, then reopens it read-only; requests arriving meanwhile are answered 503 with
 * Retry-After rather than queued (docs/decisions/0063-read-only-workspace.md).
 */
import { workspaceMemoryLimit } from '../store/memoryLimit.js';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SvdError, errorMessage } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import { Db, Memos } from '../store/db.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import { openWorkspace, type Workspace } from '../store/openWorkspace.js';
import { refreshDerivedDataWhenAreasHeld } from '../app/deriveData.js';

/** The refusal of a write (an upload) by a dashboard that serves the workspace read-only. */
export function uploadsOff(): SvdError {
  return new SvdError({
    kind: 'usage',
    code: 'READ_ONLY',
    message: 'this dashboard serves the workspace read-only; uploads are turned off',
    fix: 'start it with `svd serve --allow-upload` to let people add files from the browser',
  });
}

/** Seconds a client is told to wait (Retry-After) while an upload holds the workspace. */
export const BUSY_RETRY_SECONDS = 2;

export interface PoolOptions {
  /** Open read-write (uploads allowed); otherwise read-only. */
  writable: boolean;
  connections?: number;
  reporter: Reporter;
}

interface Lease {
  connection: DuckDBConnection;
  ws: Workspace;
}

export class WorkspacePool {
  /** Increases with every write, so that cached answers of earlier generations are not reused. */
  generation = 0;
  private readonly idle: Lease[] = [];
  private readonly waiting: ((lease: Lease) => void)[] = [];
  private readers = 0;
  private writing: Promise<void> | null = null;
  private readersDone: (() => void) | null = null;

  private constructor(
    readonly path: string,
    /** Uploads allowed: a write takes the file read-write for its own length. */
    readonly writable: boolean,
    private instance: DuckDBInstance,
    leases: Lease[],
    private readonly connections: number,
  ) {
    this.idle.push(...leases);
  }

  static async open(path: string, options: PoolOptions): Promise<WorkspacePool> {
    // Bring the file up to date once, read-write: migrations, then the placement of any record
    // not yet placed (reads would otherwise try to write it).
    const prepared = await openWorkspace(path, { create: false });
    try {
      for (const m of prepared.migrated)
        options.reporter.info(`workspace upgraded to schema version ${m.version} (${m.name})`);
      await refreshDerivedDataWhenAreasHeld(prepared, { reporter: options.reporter });
    } finally {
      prepared.close();
    }
    const connections = options.connections ?? 4;
    const { instance, leases } = await WorkspacePool.openReadOnly(path, connections);
    return new WorkspacePool(path, options.writable, instance, leases, connections);
  }

  private static async openReadOnly(
    path: string,
    connections: number,
  ): Promise<{ instance: DuckDBInstance; leases: Lease[] }> {
    const memoryLimit = workspaceMemoryLimit();
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        access_mode: 'READ_ONLY',
        memory_limit: memoryLimit,
      });
    } catch (error) {
      throw new SvdError({
        kind: 'workspace',
        code: 'WORKSPACE_OPEN_FAILED',
        message: `cannot open the workspace: ${errorMessage(error).split('\n')[0]}`,
        location: { file: path },
        fix: 'check that no other svd command is writing to it',
        cause: error,
      });
    }
    const schemaVersion = MIGRATIONS.at(-1)?.version ?? 0;
    const leases: Lease[] = [];
    // One store of memoised checks for every connection: each is asked once per opening.
    const memos = new Memos();
    for (let i = 0; i < connections; i++) {
      const connection = await instance.connect();
      await connection.run(`SET TimeZone = 'UTC'`);
      const ws: Workspace = {
        path,
        db: new Db(connection, memos),
        schemaVersion,
        migrated: [],
        created: false,
        placementMaintained: true,
        readOnly: true,
        close: () => undefined,
      };
      leases.push({ connection, ws });
    }
    return { instance, leases };
  }

  private async acquire(): Promise<Lease> {
    const lease = this.idle.pop();
    if (lease !== undefined) return lease;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(lease: Lease): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(lease);
    else this.idle.push(lease);
  }

  /** True while an upload holds the file read-write. */
  get busy(): boolean {
    return this.writing !== null;
  }

  /** Runs fn with a connection of its own; refused (503, Retry-After) while a write runs. */
  async read<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
    if (this.writing !== null) throw busyError();
    this.readers++;
    const lease = await this.acquire();
    try {
      return await fn(lease.ws);
    } finally {
      this.release(lease);
      this.readers--;
      if (this.readers === 0) this.readersDone?.();
    }
  }

  /**
   * Runs fn alone, on the file opened read-write for its length: waits for running reads, closes
   * the read-only instance, writes, reopens it read-only. Refused unless uploads are allowed.
   */
  async write<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
    if (!this.writable) throw uploadsOff();
    if (this.writing !== null) throw busyError();
    let done!: () => void;
    this.writing = new Promise<void>((resolve) => (done = resolve));
    try {
      if (this.readers > 0)
        await new Promise<void>((resolve) => {
          this.readersDone = resolve;
        });
      this.readersDone = null;
      this.closeInstance();
      try {
        let ws: Workspace;
        try {
          ws = await openWorkspace(this.path, { create: false });
        } catch (error) {
          if (error instanceof SvdError && error.code === 'WORKSPACE_LOCKED')
            throw new SvdError({
              kind: 'workspace',
              code: 'WORKSPACE_BUSY',
              message:
                'another svd command is reading this workspace, so the upload cannot write now; nothing was stored',
              location: { file: this.path },
              fix: `try the upload again in a moment (when that command has finished)`,
              cause: error,
            });
          throw error;
        }
        try {
          // A write places what it added itself (placement is not maintained behind its back).
          return await fn({ ...ws, placementMaintained: false });
        } finally {
          ws.close();
          this.generation++;
        }
      } finally {
        const reopened = await WorkspacePool.openReadOnly(this.path, this.connections);
        this.instance = reopened.instance;
        this.idle.push(...reopened.leases);
      }
    } finally {
      this.writing = null;
      done();
    }
  }

  private closeInstance(): void {
    for (const lease of this.idle) lease.connection.closeSync();
    this.idle.length = 0;
    this.instance.closeSync();
  }

  close(): void {
    this.closeInstance();
  }
}

function busyError(): SvdError {
  return new SvdError({
    kind: 'workspace',
    code: 'WORKSPACE_BUSY',
    message: 'the workspace is being written (an upload); it answers again in a moment',
    fix: `retry after ${BUSY_RETRY_SECONDS} seconds`,
  });
}
