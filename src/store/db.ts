/**
 * A thin, typed layer over one DuckDB connection: parameterised queries only, rows returned as
 * plain JSON-ready objects (BIGINT as number, DATE as 'YYYY-MM-DD'), and transactions that roll
 * back on any error.
 */
import {
  DuckDBConnection,
  DuckDBTypeId,
  type DuckDBResultReader,
  type DuckDBValue,
} from '@duckdb/node-api';
import { SvdError } from '../core/errors.js';
import { valueKey } from '../core/valueKey.js';
import { workspaceMemoryLimit } from './memoryLimit.js';

export type SqlParams = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

/**
 * The parameters a statement is given, without any it does not name. DuckDB refuses a statement
 * handed a named parameter it does not use, and statements built from parts (a definition's
 * parameters given to counts that, grouped by source, read no classification) are often handed
 * more than they use; a parameter the statement names and is not given is still refused.
 */
function bound(sql: string, params: SqlParams | undefined): SqlParams | undefined {
  if (params === undefined || Array.isArray(params)) return params;
  return Object.fromEntries(
    Object.entries(params).filter(([name]) => new RegExp(`\\$${name}(?![A-Za-z0-9_])`).test(sql)),
  );
}

const NUMERIC_AS_STRING = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.DECIMAL,
]);

function toPlainRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  const convert = reader.columnTypes().map((type) => NUMERIC_AS_STRING.has(type.typeId));
  return reader.getRowObjectsJson().map((row) => {
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const value = row[name];
      if (convert[i] && typeof value === 'string') {
        const n = Number(value);
        if (!Number.isSafeInteger(n) && Number.isInteger(n)) {
          throw new SvdError({
            kind: 'internal',
            code: 'NUMBER_TOO_LARGE',
            message: `column ${name} holds ${value}, beyond the range of exact numbers`,
          });
        }
        row[name] = n;
      }
    }
    return row as Row;
  });
}

/** Statements read through `all`/`one`/`value` that may write (the rest only read). */
const MAY_WRITE =
  /^\s*(?:UPDATE|CREATE|DROP|ALTER|COPY|CHECKPOINT|ATTACH|DETACH|IMPORT|VACUUM|TRUNCATE|MERGE|SET|PRAGMA|CALL)\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bDELETE\s+FROM\b|\bRETURNING\b/i;

/** Memoised answers kept at most (the oldest go first). */
const MEMO_LIMIT = 2048;

/** The names of scratch tables begin so (`Db.scratchTable`). */
const SCRATCH_PREFIX = 'svd_scratch_';

/** Scratch tables made in this process so far (each gets a name of its own). */
let scratchTables = 0;

/**
 * DuckDB's "Out of Memory Error" as a person can act on: the work needed more than the memory
 * the workspace may hold (`SVD_MEMORY_LIMIT`). Undefined for any other error.
 */
function outOfMemory(error: unknown): SvdError | undefined {
  if (!(error instanceof Error) || !/^Out of Memory Error\b/.test(error.message)) return undefined;
  let limit: string;
  try {
    limit = workspaceMemoryLimit();
  } catch {
    limit = 'the limit set';
  }
  return new SvdError({
    kind: 'workspace',
    code: 'OUT_OF_MEMORY',
    message: `the work needed more memory than the workspace may hold (${limit}); the step that failed stored nothing`,
    fix: 'give it more with SVD_MEMORY_LIMIT, e.g. SVD_MEMORY_LIMIT=4GB, and run it again (README, "Memory")',
  });
}

/**
 * Memoised answers (`Db.memo`) and the count of statements that may have written, which they
 * hold within. Connections to one database may share one: the server's read-only connections
 * then ask each check once, not once each; a write through any of them ends every answer.
 */
export class Memos {
  /** Counts the statements that may have written; memoised answers hold within one value. */
  writes = 0;
  readonly held = new Map<string, { writes: number; value: Promise<unknown> }>();
}

export class Db {
  private inTransaction = false;
  private readonly memos: Memos;
  /** Scratch tables of this connection, each with the count of writes when it was made. */
  private readonly scratch = new Map<string, number>();

  constructor(
    readonly connection: DuckDBConnection,
    memos: Memos = new Memos(),
  ) {
    this.memos = memos;
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    this.refuseStaleScratch(sql);
    this.memos.writes++;
    try {
      await this.connection.run(sql, bound(sql, params));
    } catch (error) {
      throw outOfMemory(error) ?? error;
    } finally {
      this.memos.writes++;
    }
  }

  /**
   * An answer computed from the workspace, kept until the next statement that may write (any
   * `run`, a transaction's end, a writing statement read through `all`). For checks that many
   * analyses repeat on unchanged data (is every record placed, classified) — never for a figure
   * a caller then changes.
   */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const memos = this.memos.held;
    const held = memos.get(key);
    if (held !== undefined && held.writes === this.memos.writes) return held.value as Promise<T>;
    const writes = this.memos.writes;
    const value = compute();
    memos.delete(key);
    memos.set(key, { writes, value });
    // Bounded: a long-lived reader (the server) asks many different questions of one state.
    if (memos.size > MEMO_LIMIT) memos.delete(memos.keys().next().value!);
    value.catch(() => {
      if (memos.get(key)?.value === value) memos.delete(key);
    });
    return value;
  }

  /**
   * The rows of a read, memoised like `memo` under the statement and its parameters: for the
   * questions every analysis of a report asks again of the same selection. Each call gets its own
   * copy of the rows.
   */
  async allMemo<T extends object = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const rows = await this.memo(`rows\u0000${sql}\u0000${valueKey(params)}`, () =>
      this.all<T>(sql, params),
    );
    return rows.map((r) => ({ ...r }));
  }

  async all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    this.refuseStaleScratch(sql);
    if (MAY_WRITE.test(sql)) this.memos.writes++;
    let reader: DuckDBResultReader;
    try {
      reader = await this.connection.runAndReadAll(sql, bound(sql, params));
    } catch (error) {
      throw outOfMemory(error) ?? error;
    }
    return toPlainRows(reader) as T[];
  }

  async one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  /** The first column of the first row of a read, memoised as `allMemo`. */
  async valueMemo<T = unknown>(sql: string, params?: SqlParams): Promise<T | undefined> {
    const [row] = await this.allMemo(sql, params);
    return row === undefined ? undefined : (Object.values(row)[0] as T);
  }

  async value<T = unknown>(sql: string, params?: SqlParams): Promise<T | undefined> {
    const row = await this.one(sql, params);
    if (row === undefined) return undefined;
    return Object.values(row)[0] as T;
  }

  /** Runs fn inside BEGIN … COMMIT; any throw rolls everything back and is re-thrown. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn();
    await this.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await fn();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      try {
        await this.run('ROLLBACK');
      } catch {
        // The transaction may already be aborted by DuckDB; the original error matters.
      }
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  /**
   * Makes a temporary table of this connection from a read, and returns its name. Nothing is
   * written to the workspace, so memoised answers stand. Like them, it describes the workspace
   * until the next statement that may write: a statement naming it after that is refused
   * (`scratchCurrent` says whether it still holds), never answered from data that may have changed.
   */
  async scratchTable(select: string, params?: SqlParams): Promise<string> {
    const name = `${SCRATCH_PREFIX}${++scratchTables}`;
    const writes = this.memos.writes;
    try {
      await this.connection.run(`CREATE TEMP TABLE ${name} AS ${select}`, bound(select, params));
    } catch (error) {
      throw outOfMemory(error) ?? error;
    }
    this.scratch.set(name, writes);
    return name;
  }

  /** Whether a scratch table still describes the workspace (no statement that may write since). */
  scratchCurrent(name: string): boolean {
    return this.scratch.get(name) === this.memos.writes;
  }

  /** Drops a scratch table (all of them when none is named). */
  async dropScratch(name?: string): Promise<void> {
    for (const held of name === undefined ? [...this.scratch.keys()] : [name]) {
      if (!this.scratch.delete(held)) continue;
      await this.connection.run(`DROP TABLE IF EXISTS temp.${held}`);
    }
  }

  /** Refuses a statement naming a scratch table made before the last statement that may write. */
  private refuseStaleScratch(sql: string): void {
    if (this.scratch.size === 0 || !sql.includes(SCRATCH_PREFIX)) return;
    for (const [name, writes] of this.scratch)
      if (writes !== this.memos.writes && new RegExp(`\\b${name}\\b`).test(sql))
        throw new SvdError({
          kind: 'internal',
          code: 'STALE_SCRATCH',
          message: `a statement read ${name}, made before the workspace last changed`,
        });
  }

  /** Progress of the running query as DuckDB estimates it (0–100, or -1 when unknown). */
  progress(): { percentage: number } {
    return { percentage: this.connection.progress.percentage };
  }
}
