import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { resolveDbPath } from '../../store/resolveDbPath.js';
import type { RunningServer } from '../../server/serveWorkspace.js';
import { checkBindAddress, localAccess } from '../../server/localAccess.js';
import { isLoopbackAddress, parseAllowedHost } from '../../server/requestGuard.js';
import { commandContext, type CommandContext, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { commandClock } from '../clock.js';
import {
  readServeAccess,
  type ServeAccess,
  type ServeAccessOptions,
} from '../../server/signInSettings.js';
import type { SignInOptions } from '../../server/buildServer.js';

interface ServeOptions extends CommonOptions, ServeAccessOptions {
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
  signIn = false,
): void {
  if (!signIn) checkBindAddress(host, allowUpload);
  allowedHosts.forEach(parseAllowedHost);
}

/** The sign-in of `svd serve`: local accounts, the identity provider (SVD_OIDC_*), or both. */
async function signInOptions(ctx: CommandContext, access: ServeAccess): Promise<SignInOptions> {
  const methods = access.methods ?? [];
  let oidc: SignInOptions['oidc'] = null;
  let redirect: string | null = null;
  if (methods.includes('oidc')) {
    const { OidcRelyingParty, readOidcSettings } = await import('../../access/oidc.js');
    const settings = readOidcSettings({}, ctx.io.env);
    if (settings === null)
      throw usageError(
        'OIDC_SETTING_MISSING',
        '--sign-in oidc needs the identity provider’s settings, and none is set',
        'set SVD_OIDC_ISSUER, SVD_OIDC_CLIENT_ID, SVD_OIDC_REDIRECT_URI (https://NAME/auth/oidc/callback) and SVD_OIDC_CLIENT_SECRET (or SVD_OIDC_CLIENT_SECRET_FILE); see the README, "Deploying for a partnership"',
      );
    oidc = await OidcRelyingParty.discover(settings, {
      clock: commandClock(undefined, ctx.io.env),
    });
    redirect = settings.redirectUri;
    ctx.reporter.info(`signing in through ${settings.issuer} (${oidc.label})`);
  }
  return {
    local: methods.includes('local'),
    oidc,
    oidcRedirectUri: redirect,
    sessions: access.sessions,
  };
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
    /** Sign-in and HTTPS (absent: local single-user mode). */
    access?: ServeAccess;
  },
): Promise<RunningServer> {
  const allowedHosts = [
    ...(options.allowedHosts ?? []),
    // The name people use, behind a proxy or not.
    ...(options.access?.publicUrl == null ? [] : [options.access.publicUrl.host]),
  ];
  const access = localAccess(allowedHosts);
  const signIn =
    options.access?.methods == null ? undefined : await signInOptions(ctx, options.access);
  if (
    signIn !== undefined &&
    options.access?.publicUrl != null &&
    options.access.tls === undefined &&
    options.access.trustProxy.length === 0
  )
    ctx.reporter.warn(
      'behind a reverse proxy without --trust-proxy, every request comes from the proxy’s address: the limits per address (sign-in attempts, requests without a session) then hold for everyone together; give --trust-proxy with the proxy’s address',
    );
  if (allowedHosts.length > 0 && signIn === undefined)
    ctx.reporter.info(
      `also answering to ${access.allowedHosts.join(', ')} (--allowed-host), for a reverse proxy; forwarded headers (X-Forwarded-Host, X-Forwarded-For…) are not read: trust proxy is off`,
    );
  // The server (Fastify, DuckDB, the dashboard's answers and charts) is imported when it starts,
  // so that the help and the checks of the options do not load it.
  const { serveWorkspace } = await import('../../server/serveWorkspace.js');
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
    ...(signIn === undefined ? {} : { signIn }),
    ...(options.access?.tls === undefined ? {} : { tls: options.access.tls }),
    ...(options.access === undefined || options.access.trustProxy.length === 0
      ? {}
      : { trustProxy: options.access.trustProxy }),
  });
  const mode =
    signIn === undefined
      ? `${access.label.replace(/^Local/, 'local')}, no sign-in`
      : `sign-in required (${options.access!.methods!.join(', ')}; sessions end after ${signIn.sessions.idleMinutes} idle minutes, ${signIn.sessions.absoluteHours} hours at most${signIn.sessions.secureCookie ? '' : '; cookies not marked Secure: plain HTTP on loopback'})`;
  ctx.print(
    `svd dashboard: ${server.url}  (workspace ${options.db}${options.allowUpload ? ', uploads allowed' : ', read-only'}; ${mode}; Ctrl-C to stop)`,
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
      'address to listen on; without --sign-in only loopback (127.0.0.1, ::1 or localhost) is accepted',
      '127.0.0.1',
    )
    .option(
      '--sign-in <methods>',
      'require sign-in: local (accounts with password and authenticator code), oidc (the partnership identity provider, from SVD_OIDC_ISSUER, SVD_OIDC_CLIENT_ID, SVD_OIDC_CLIENT_SECRET, SVD_OIDC_REDIRECT_URI), or local,oidc',
    )
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM, with its chain)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option(
      '--public-url <url>',
      'the address people open, e.g. https://svd.example.org (behind a reverse proxy: makes cookies Secure and names the host)',
    )
    .option(
      '--trust-proxy <addresses>',
      'comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (default: none)',
    )
    .option(
      '--session-idle-minutes <n>',
      'a session ends after this many minutes without a request',
      '30',
    )
    .option(
      '--session-hours <n>',
      'a session ends this many hours after sign-in, whatever is done',
      '8',
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
requests meanwhile are answered 503 with Retry-After. With --sign-in, so is each change made on
the Administration page (disabling a user, a role, revoking an agreement).

Without --sign-in, local single-user mode: it listens on loopback only, so only this computer
reaches it; --host with another address exits with SIGN_IN_REQUIRED. It answers only requests
that name it 127.0.0.1, localhost or [::1] with its port (or a name given with --allowed-host or
--public-url): any other Host (a DNS-rebinding page) is answered 421 HOST_NOT_ALLOWED. A request
other than GET must come from the dashboard's own pages (Origin, else Referer): else 403
ORIGIN_NOT_ALLOWED.

With --sign-in, every request but the sign-in itself needs a session: people sign in as the users
made with svd access (svd access setup makes the first administrator; svd access user add the
others), and see what their role and the data-sharing agreements in force give them
(svd access agreement check). Sessions are cookies (HttpOnly, SameSite=Strict, Secure over
HTTPS); every change carries the session's CSRF token; sign-ins and requests are rate-limited per
address and per user; everything is recorded in the audit log (svd audit). Another address than
loopback needs HTTPS: --tls-cert and --tls-key, or an HTTPS reverse proxy with --public-url
https://NAME and --trust-proxy ITS-ADDRESS. Forwarded headers are read only from the proxies
named with --trust-proxy.
Examples:
  svd serve --db .svd/demo-oxfordshire.duckdb --port 8080
  svd serve --db partnership.duckdb --host 0.0.0.0 --port 8443 --sign-in local,oidc \\
            --tls-cert /etc/svd/cert.pem --tls-key /etc/svd/key.pem`,
    )
    .action(async (options: ServeOptions) => {
      const ctx = commandContext(io, options);
      const access = readServeAccess(options);
      if (
        access.methods !== null &&
        !isLoopbackAddress(options.host) &&
        access.publicUrl === null &&
        (options.allowedHost ?? []).length === 0
      )
        throw usageError(
          'NAME_REQUIRED',
          `--host ${options.host}: give the name people open the dashboard by, so that requests naming any other host are refused`,
          'add --public-url https://svd.example.org (or --allowed-host svd.example.org)',
        );
      checkServeOptions(
        options.host,
        options.allowedHost ?? [],
        options.allowUpload === true,
        access.methods !== null,
      );
      const db = resolveDbPath(options.db, io.env, io.cwd).path;
      await runServer(ctx, {
        db,
        host: options.host,
        port: parsePort(options.port),
        allowedHosts: options.allowedHost ?? [],
        allowUpload: options.allowUpload === true,
        maxUploadBytes: parseMegabytes(options.maxUploadMb),
        cache: options.cache,
        access,
      });
      // Keep running until stopped.
      await new Promise<void>(() => undefined);
    });
}
