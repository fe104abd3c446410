/**
 * Rows appended to a temporary staging table (in memory, never in the workspace file) and then
 * inserted into their real table by column name, so that a later column added to that table by
 * another migration cannot shift them. Runs inside the caller's transaction.
 */
import {
  DuckDBDataChunkWriter,
  JSToDuckDBValueConverter,
  type DuckDBAppender,
} from '@duckdb/node-api';
import type { SqlParams } from '../../store/db.js';
import type { Workspace } from '../../store/openWorkspace.js';

export type StagedValue = string | number | boolean | null;

export class StagedRows {
  private appender: DuckDBAppender | undefined;
  private writer: DuckDBDataChunkWriter<unknown> | undefined;
  rows = 0;

  constructor(
    private readonly ws: Workspace,
    private readonly name: string,
    private readonly columns: readonly (readonly [string, string])[],
  ) {}

  async open(): Promise<void> {
    await this.ws.db.run(
      `CREATE OR REPLACE TEMP TABLE ${this.name} (${this.columns.map(([n, t]) => `${n} ${t}`).join(', ')})`,
    );
    this.appender = await this.ws.db.connection.createAppender(this.name, 'main', 'temp');
    this.writer = DuckDBDataChunkWriter.forAppender(this.appender, {
      converter: JSToDuckDBValueConverter,
    });
  }

  append(values: readonly StagedValue[]): void {
    this.writer!.appendRow(values);
    this.rows++;
  }

  /** Flushes and closes the appender; then `INSERT INTO target (…) SELECT … FROM staging`. */
  async insertInto(
    target: string,
    assignments: Readonly<Record<string, string>>,
    params: SqlParams = {},
  ): Promise<void> {
    this.close();
    const names = Object.keys(assignments);
    await this.ws.db.run(
      `INSERT INTO ${target} (${names.join(', ')}) SELECT ${names.map((n) => assignments[n]).join(', ')} FROM ${this.name}`,
      params,
    );
  }

  close(): void {
    if (this.appender === undefined) return;
    try {
      this.writer!.flush();
      this.appender.flushSync();
    } finally {
      this.appender.closeSync();
      this.appender = undefined;
    }
  }

  async drop(): Promise<void> {
    try {
      this.close();
    } catch {
      // the transaction is being rolled back; the rows go with it
    }
    await this.ws.db.run(`DROP TABLE IF EXISTS ${this.name}`).catch(() => undefined);
  }
}
