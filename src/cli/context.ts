/** What every command shares: the workspace path, JSON output, the reporter. */
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import type { AuditActor } from '../store/auditLog.js';
import { resolveDbPath } from '../store/resolveDbPath.js';
import type { Workspace } from '../store/openWorkspace.js';
import { SvdError } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import type { CliIo } from './io.js';
import { createCliReporter } from './progress.js';

export interface CommonOptions {
  db?: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * How a command opens the workspace: `readOnly` for commands that only read, so they run beside
 * `svd serve` and other readers (derived data is then checked, never written).
 */
export interface OpenMode {
  create: boolean;
  scratchIfMissing?: boolean;
  readOnly?: boolean;
}

export interface CommandContext {
  io: CliIo;
  json: boolean;
  reporter: Reporter;
  /** Who runs the command, as the audit log records it: the local user (the command line has no sign-in). */
  actor: AuditActor;
  /** Opens the workspace; `scratch` opens a throw-away in-memory one when the file is missing. */
  open(options: OpenMode): Promise<Workspace>;
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
    actor: localActor(io.env),
    async open({ create, scratchIfMissing, readOnly }) {
      // DuckDB is imported when a workspace is opened, not when the command is defined: help,
      // --version and commands without a workspace start without it.
      const { openWorkspace } = await import('../store/openWorkspace.js');
      const where = resolveDbPath(options.db, io.env, io.cwd);
      if (scratchIfMissing === true && !existsSync(where.path)) {
        reporter.info(`no workspace at ${where.path}; checking against an empty one`);
        return openWorkspace(':memory:', { create: true });
      }
      const ws = await openWorkspace(where.path, {
        create,
        ...(readOnly === true && !create ? { readOnly: true } : {}),
      });
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

/** The local user: the account's name, else $USER, else "unknown" (some containers have none). */
export function localActor(env: NodeJS.ProcessEnv): AuditActor {
  let name: string | undefined;
  try {
    name = os.userInfo().username;
  } catch {
    name = undefined;
  }
  return { kind: 'local', name: name ?? env['USER'] ?? env['USERNAME'] ?? 'unknown' };
}

export async function withCommandWorkspace<T>(
  ctx: CommandContext,
  mode: OpenMode,
  fn: (ws: Workspace) => Promise<T>,
): Promise<T> {
  // Analyses read derived data (areas, placement) and never write them: when they are stale, the
  // command refreshes them through the application layer, read-write and only when nobody else
  // holds the file, then runs again (docs/decisions/0063-read-only-workspace.md, 0066-layers.md).
  for (let attempt = 0; ; attempt++) {
    const ws = await ctx.open(mode);
    try {
      return await fn(ws);
    } catch (error) {
      ws.close();
      const stale =
        attempt === 0 &&
        error instanceof SvdError &&
        error.code === 'DERIVED_DATA_STALE' &&
        ws.path !== ':memory:';
      if (stale && (await refreshDerivedDataAt(ws.path, ctx))) continue;
      // A workspace this command created and then failed to fill is removed with its WAL, so a
      // failed first ingest leaves no empty workspace behind; an existing one is never removed.
      if (ws.created && ws.path !== ':memory:') removeWorkspaceFiles(ws.path);
      throw error;
    } finally {
      ws.close();
    }
  }
}

function removeWorkspaceFiles(path: string): void {
  for (const file of [path, `${path}.wal`]) rmSync(file, { force: true });
}

/** Places the records (rebuilding the areas first if need be); false when the file is held. */
async function refreshDerivedDataAt(path: string, ctx: CommandContext): Promise<boolean> {
  const { openWorkspace } = await import('../store/openWorkspace.js');
  const { refreshDerivedData } = await import('../app/deriveData.js');
  let ws: Workspace;
  try {
    ws = await openWorkspace(path, { create: false });
  } catch (error) {
    if (error instanceof SvdError && error.code === 'WORKSPACE_LOCKED') return false;
    throw error;
  }
  try {
    ctx.reporter.info(
      'the areas or the placement of records were out of date: refreshing them (as svd geo place does)',
    );
    await refreshDerivedData(ws, { reporter: ctx.reporter });
    return true;
  } finally {
    ws.close();
  }
}
