import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { resolveDbPath } from '../../store/resolveDbPath.js';
import { LOOPBACK, serveWorkspace, type RunningServer } from '../../server/serveWorkspace.js';
import { commandContext, type CommandContext, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { commandClock } from '../clock.js';

interface ServeOptions extends CommonOptions {
  host: string;
  port: string;
  allowUpload?: boolean;
  maxUploadMb: string;
  cache: boolean;
}

export function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw usageError(
      'BAD_PORT',
      `--port ${JSON.stringify(text)} is not a port number`,
      'e.g. --port 8080 (0 picks a free one)',
    );
  return n;
}

function parseMegabytes(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw usageError(
      'BAD_SIZE',
      `--max-upload-mb ${JSON.stringify(text)} is not a size`,
      'e.g. --max-upload-mb 200',
    );
  return Math.round(n * 1024 * 1024);
}

/** Starts the server, prints the address, and stops cleanly on Ctrl-C or SIGTERM. */
export async function runServer(
  ctx: CommandContext,
  options: {
    db: string;
    host: string;
    port: number;
    allowUpload: boolean;
    maxUploadBytes: number;
    cache?: boolean;
  },
): Promise<RunningServer> {
  if (!LOOPBACK.includes(options.host))
    ctx.reporter.warn(
      `listening on ${options.host}, not only on this computer: anyone who can reach it sees the workspace${options.allowUpload ? ' and can add files to it' : ''}; there is no sign-in`,
    );
  const server = await serveWorkspace({
    db: options.db,
    host: options.host,
    port: options.port,
    allowUpload: options.allowUpload,
    maxUploadBytes: options.maxUploadBytes,
    ...(options.cache === false ? { cache: false } : {}),
    clock: commandClock(undefined, ctx.io.env),
    reporter: ctx.reporter,
    cwd: ctx.io.cwd,
  });
  ctx.print(
    `svd dashboard: ${server.url}  (workspace ${options.db}${server.pool.writable ? ', uploads allowed' : ', read-only'}; Ctrl-C to stop)`,
  );
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}

export function serveCommand(io: CliIo): Command {
  return new Command('serve')
    .description('serve the dashboard (web app and JSON API) of a workspace')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option(
      '--host <address>',
      'address to listen on (loopback by default: this computer only)',
      '127.0.0.1',
    )
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option(
      '--allow-upload',
      'let people add files from the browser (the workspace is opened read-write only for each upload)',
    )
    .option('--max-upload-mb <n>', 'largest file accepted by an upload, in MB', '200')
    .option('--no-cache', 'answer every request afresh (answers are otherwise kept until a write)')
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `
The API is described at /api/openapi.json; /api/health says whether it answers. The workspace
is held read-only, so commands that only read (svd counts, svd analyse, svd report…) run beside
the server; with --allow-upload it is opened read-write only for the length of an upload, and
requests meanwhile are answered 503 with Retry-After. Example:
  svd serve --db .svd/demo-oxfordshire.duckdb --port 8080`,
    )
    .action(async (options: ServeOptions) => {
      const ctx = commandContext(io, options);
      const db = resolveDbPath(options.db, io.env, io.cwd).path;
      await runServer(ctx, {
        db,
        host: options.host,
        port: parsePort(options.port),
        allowUpload: options.allowUpload === true,
        maxUploadBytes: parseMegabytes(options.maxUploadMb),
        cache: options.cache,
      });
      // Keep running until stopped.
      await new Promise<void>(() => undefined);
    });
}
