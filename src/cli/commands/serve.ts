import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { resolveDbPath } from '../../store/resolveDbPath.js';
import { serveWorkspace, type RunningServer } from '../../server/serveWorkspace.js';
import { checkBindAddress, localAccess } from '../../server/localAccess.js';
import { parseAllowedHost } from '../../server/requestGuard.js';
import { commandContext, type CommandContext, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { commandClock } from '../clock.js';

interface ServeOptions extends CommonOptions {
  host: string;
  allowedHost?: string[];
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

/** `--allowed-host`, repeatable. */
export function collectAllowedHost(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Refused before anything is opened: an address other than loopback, a malformed name. */
export function checkServeOptions(
  host: string,
  allowedHosts: string[],
  allowUpload: boolean,
): void {
  checkBindAddress(host, allowUpload);
  allowedHosts.forEach(parseAllowedHost);
}

/** The help of --allowed-host, shared by `serve` and `demo --serve`. */
export const ALLOWED_HOST_HELP =
  'a further name the dashboard answers to, for a reverse proxy in front of it (repeatable; NAME or NAME:PORT)';

/** Starts the server, prints the address, and stops cleanly on Ctrl-C or SIGTERM. */
export async function runServer(
  ctx: CommandContext,
  options: {
    db: string;
    host: string;
    port: number;
    allowedHosts?: string[];
    allowUpload: boolean;
    maxUploadBytes: number;
    cache?: boolean;
  },
): Promise<RunningServer> {
  const allowedHosts = options.allowedHosts ?? [];
  const access = localAccess(allowedHosts);
  if (allowedHosts.length > 0)
    ctx.reporter.info(
      `also answering to ${access.allowedHosts.join(', ')} (--allowed-host), for a reverse proxy; forwarded headers (X-Forwarded-Host, X-Forwarded-For…) are not read: trust proxy is off`,
    );
  const server = await serveWorkspace({
    db: options.db,
    host: options.host,
    port: options.port,
    allowedHosts,
    allowUpload: options.allowUpload,
    maxUploadBytes: options.maxUploadBytes,
    ...(options.cache === false ? { cache: false } : {}),
    clock: commandClock(undefined, ctx.io.env),
    reporter: ctx.reporter,
    cwd: ctx.io.cwd,
  });
  ctx.print(
    `svd dashboard: ${server.url}  (workspace ${options.db}${server.pool.writable ? ', uploads allowed' : ', read-only'}; ${access.label.replace(/^Local/, 'local')}, no sign-in; Ctrl-C to stop)`,
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
      'loopback address to listen on (127.0.0.1, ::1 or localhost); any other is refused, as there is no sign-in yet',
      '127.0.0.1',
    )
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--allowed-host <name>', ALLOWED_HOST_HELP, collectAllowedHost)
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
requests meanwhile are answered 503 with Retry-After.

Local single-user mode (there is no sign-in yet): it listens on loopback only, so only this
computer reaches it; --host with another address exits with SIGN_IN_REQUIRED. It answers only
requests that name it 127.0.0.1, localhost or [::1] with its port (or a name given with
--allowed-host): any other Host (a DNS-rebinding page) is answered 421 HOST_NOT_ALLOWED. A
request other than GET must come from the dashboard's own pages (Origin, else Referer; a
browser's Sec-Fetch-Site: cross-site never passes): else 403 ORIGIN_NOT_ALLOWED. Requests with
none of these headers (curl, scripts) pass. To let others in, put a reverse proxy that signs
people in in front of it and name it, e.g.
  svd serve --allowed-host svd.example.org      (the proxy forwards to http://127.0.0.1:8080)
Forwarded headers (X-Forwarded-Host, X-Forwarded-For…) are not read: trust proxy is off.
Example:
  svd serve --db .svd/demo-oxfordshire.duckdb --port 8080`,
    )
    .action(async (options: ServeOptions) => {
      const ctx = commandContext(io, options);
      checkServeOptions(options.host, options.allowedHost ?? [], options.allowUpload === true);
      const db = resolveDbPath(options.db, io.env, io.cwd).path;
      await runServer(ctx, {
        db,
        host: options.host,
        port: parsePort(options.port),
        allowedHosts: options.allowedHost ?? [],
        allowUpload: options.allowUpload === true,
        maxUploadBytes: parseMegabytes(options.maxUploadMb),
        cache: options.cache,
      });
      // Keep running until stopped.
      await new Promise<void>(() => undefined);
    });
}
