/**
 * Starting the dashboard on a workspace: refuse an address other than loopback (there is no
 * sign-in), open the pool, build the server, listen, and give back what is needed to print the
 * address and to stop.
 */
import type { FastifyInstance } from 'fastify';
import { SvdError, errorMessage } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import type { Clock } from '../core/clock.js';
import { buildServer, DEFAULT_MAX_UPLOAD_BYTES, type SignInOptions } from './buildServer.js';
import { WorkspacePool } from './workspacePool.js';
import { warmUp } from './warmUp.js';
import { checkBindAddress } from './localAccess.js';
import { parseAllowedHost } from './requestGuard.js';

export interface ServeOptions {
  db: string;
  /** A loopback address (127.0.0.1, ::1, localhost): any other is refused, SIGN_IN_REQUIRED. */
  host: string;
  port: number;
  /** Further names it answers to, e.g. a reverse proxy's (`--allowed-host`). */
  allowedHosts?: readonly string[];
  allowUpload: boolean;
  maxUploadBytes?: number;
  /** Keep answers of reads until the next write (default true). */
  cache?: boolean;
  /** "Today" (default: the system clock). */
  clock?: Clock;
  reporter: Reporter;
  webRoot?: string;
  cwd: string;
  /** Sign-in (absent: local single-user mode, loopback only). */
  signIn?: SignInOptions;
  tls?: { cert: Buffer; key: Buffer };
  trustProxy?: readonly string[];
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  pool: WorkspacePool;
  close(): Promise<void>;
}

export async function serveWorkspace(options: ServeOptions): Promise<RunningServer> {
  // Before anything is opened: a refused address leaves nothing behind.
  if (options.signIn === undefined) checkBindAddress(options.host, options.allowUpload);
  const allowedHosts = options.allowedHosts ?? [];
  allowedHosts.forEach(parseAllowedHost);
  const pool = await WorkspacePool.open(options.db, {
    // With sign-in, administrators change users and agreements from the dashboard (a write).
    writable: options.allowUpload || options.signIn !== undefined,
    reporter: options.reporter,
  });
  try {
    if (options.signIn !== undefined) {
      const users = await pool.read(
        async (ws) =>
          (await ws.db.value<number>(`SELECT count(*) FROM users WHERE status = 'active'`)) ?? 0,
      );
      if (users === 0)
        throw new SvdError({
          kind: 'usage',
          code: 'NO_USERS',
          message:
            'sign-in is asked for, but the workspace has no active user: nobody could sign in',
          fix: 'make the first administrator once with: svd access setup --org ID --org-name NAME --org-type TYPE --name NAME --email ADDRESS (the password from SVD_ADMIN_PASSWORD)',
        });
    }
    const app = await buildServer({
      pool,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      uploads: options.allowUpload,
      reporter: options.reporter,
      cwd: options.cwd,
      host: options.host,
      allowedHosts,
      port: options.port,
      prepareAggregates: true,
      ...(options.cache === false ? { cache: false } : {}),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
      ...(options.signIn === undefined ? {} : { signIn: options.signIn }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    });
    try {
      await app.listen({ host: options.host, port: options.port });
    } catch (error) {
      throw new SvdError({
        kind: 'usage',
        code: 'CANNOT_LISTEN',
        message: `cannot listen on ${options.host}:${options.port} (${errorMessage(error)})`,
        fix: 'choose another --port (or stop what is using this one)',
        cause: error,
      });
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `${options.tls === undefined ? 'http' : 'https'}://${host}:${port}/`;
    // Answer each page's first questions now, in the background, by the server's own name.
    if (options.cache !== false)
      warmUp(app, options.reporter, new URL(url).host).catch((error: unknown) =>
        options.reporter.warn(`could not prepare the default view: ${String(error)}`),
      );
    return {
      url,
      app,
      pool,
      async close() {
        await app.close();
        pool.close();
      },
    };
  } catch (error) {
    pool.close();
    throw error;
  }
}
