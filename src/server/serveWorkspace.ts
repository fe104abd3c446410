/**
 * Starting the dashboard on a workspace: open the pool, build the server, listen on the address
 * (loopback unless told otherwise), and give back what is needed to print the address and to stop.
 */
import type { FastifyInstance } from 'fastify';
import { SvdError, errorMessage } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import type { Clock } from '../core/clock.js';
import { buildServer, DEFAULT_MAX_UPLOAD_BYTES } from './buildServer.js';
import { WorkspacePool } from './workspacePool.js';
import { warmUp } from './warmUp.js';

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  allowUpload: boolean;
  maxUploadBytes?: number;
  /** Keep answers of reads until the next write (default true). */
  cache?: boolean;
  /** "Today" (default: the system clock). */
  clock?: Clock;
  reporter: Reporter;
  webRoot?: string;
  cwd: string;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  pool: WorkspacePool;
  close(): Promise<void>;
}

export const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

export async function serveWorkspace(options: ServeOptions): Promise<RunningServer> {
  const pool = await WorkspacePool.open(options.db, {
    writable: options.allowUpload,
    reporter: options.reporter,
  });
  try {
    const app = await buildServer({
      pool,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      reporter: options.reporter,
      cwd: options.cwd,
      ...(options.cache === false ? { cache: false } : {}),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
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
    // Answer each page's first questions now, in the background.
    if (options.cache !== false)
      warmUp(app, options.reporter).catch((error: unknown) =>
        options.reporter.warn(`could not prepare the default view: ${String(error)}`),
      );
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    return {
      url: `http://${host}:${port}/`,
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
