/**
 * The server's hold on one workspace: one DuckDB instance and a few connections, each lent to one
 * request at a time (a connection's temporary tables, e.g. whatif's, are its own). Reads share the
 * connections; a write (an upload) waits until no read is running and holds every new request
 * until it is done. Unless uploads are allowed the instance is opened read-only, so no request
 * can change the file; the workspace is first brought up to date (schema, placement) by a short
 * read-write open (docs/decisions/0040-dashboard-server.md).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SvdError, errorMessage } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import { Db } from '../store/db.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import { openWorkspace, type Workspace } from '../store/openWorkspace.js';
import { placeIncidents } from '../geo/placeIncidents.js';

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
    readonly writable: boolean,
    private readonly instance: DuckDBInstance,
    leases: Lease[],
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
      const hasAreas = await prepared.db.value<number>(
        `SELECT count(*) FROM geo_areas WHERE level IN ('lsoa11', 'lsoa21')`,
      );
      if ((hasAreas ?? 0) > 0) await placeIncidents(prepared, { reporter: options.reporter });
    } finally {
      prepared.close();
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(
        path,
        options.writable ? {} : { access_mode: 'READ_ONLY' },
      );
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
    for (let i = 0; i < (options.connections ?? 4); i++) {
      const connection = await instance.connect();
      await connection.run(`SET TimeZone = 'UTC'`);
      const ws: Workspace = {
        path,
        db: new Db(connection),
        schemaVersion,
        migrated: [],
        created: false,
        placementMaintained: true,
        close: () => undefined,
      };
      leases.push({ connection, ws });
    }
    return new WorkspacePool(path, options.writable, instance, leases);
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

  /** Runs fn with a connection of its own; waits while a write is running. */
  async read<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
    while (this.writing !== null) await this.writing;
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

  /** Runs fn alone: no read runs meanwhile. Refused when the workspace is open read-only. */
  async write<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
    if (!this.writable)
      throw new SvdError({
        kind: 'usage',
        code: 'READ_ONLY',
        message: 'this dashboard serves the workspace read-only; uploads are turned off',
        fix: 'start it with `svd serve --allow-upload` to let people add files from the browser',
      });
    while (this.writing !== null) await this.writing;
    let done!: () => void;
    this.writing = new Promise<void>((resolve) => (done = resolve));
    try {
      if (this.readers > 0)
        await new Promise<void>((resolve) => {
          this.readersDone = resolve;
        });
      this.readersDone = null;
      const lease = await this.acquire();
      try {
        // A write places what it added itself (placement is not maintained behind its back).
        return await fn({ ...lease.ws, placementMaintained: false });
      } finally {
        this.generation++;
        this.release(lease);
      }
    } finally {
      this.writing = null;
      done();
    }
  }

  close(): void {
    for (const lease of this.idle) lease.connection.closeSync();
    this.idle.length = 0;
    this.instance.closeSync();
  }
}
