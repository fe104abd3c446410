/** What every command shares: the workspace path, JSON output, the reporter. */
import { existsSync, rmSync } from 'node:fs';
import { resolveDbPath } from '../store/resolveDbPath.js';
import { openWorkspace, type Workspace } from '../store/openWorkspace.js';
import type { Reporter } from '../core/reporter.js';
import type { CliIo } from './io.js';
import { createCliReporter } from './progress.js';

export interface CommonOptions {
  db?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface CommandContext {
  io: CliIo;
  json: boolean;
  reporter: Reporter;
  /** Opens the workspace; `scratch` opens a throw-away in-memory one when the file is missing. */
  open(options: { create: boolean; scratchIfMissing?: boolean }): Promise<Workspace>;
  print(text: string): void;
  printJson(value: unknown): void;
}

export function commandContext(io: CliIo, options: CommonOptions): CommandContext {
  const json = options.json === true;
  const reporter = createCliReporter(io, { quiet: options.quiet === true });
  return {
    io,
    json,
    reporter,
    async open({ create, scratchIfMissing }) {
      const where = resolveDbPath(options.db, io.env, io.cwd);
      if (scratchIfMissing === true && !existsSync(where.path)) {
        reporter.info(`no workspace at ${where.path}; checking against an empty one`);
        return openWorkspace(':memory:', { create: true });
      }
      const ws = await openWorkspace(where.path, { create });
      if (ws.created) {
        reporter.info(
          `created workspace ${where.path}${where.source === 'default' ? ' (the default; choose another with --db or SVD_DB)' : ''}`,
        );
      }
      for (const m of ws.migrated) {
        if (!ws.created)
          reporter.info(`workspace upgraded to schema version ${m.version} (${m.name})`);
      }
      return ws;
    },
    print(text) {
      io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    printJson(value) {
      io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}

export async function withCommandWorkspace<T>(
  ctx: CommandContext,
  mode: { create: boolean; scratchIfMissing?: boolean },
  fn: (ws: Workspace) => Promise<T>,
): Promise<T> {
  const ws = await ctx.open(mode);
  try {
    return await fn(ws);
  } catch (error) {
    ws.close();
    // A workspace this command created and then failed to fill is removed with its WAL, so a
    // failed first ingest leaves no empty workspace behind; an existing one is never removed.
    if (ws.created && ws.path !== ':memory:') removeWorkspaceFiles(ws.path);
    throw error;
  } finally {
    ws.close();
  }
}

function removeWorkspaceFiles(path: string): void {
  for (const file of [path, `${path}.wal`]) rmSync(file, { force: true });
}
