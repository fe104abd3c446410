/**
 * The dashboard answers only its own host and origin, and serves this computer only (local
 * single-user mode; docs/decisions/0069-host-origin-local-mode.md):
 * - a request naming another host (DNS rebinding) is answered 421 HOST_NOT_ALLOWED — the page,
 *   the API and the static files alike — never the page or data;
 * - a request other than GET from another origin is refused 403 ORIGIN_NOT_ALLOWED and does
 *   nothing; requests with no Origin, Referer or Sec-Fetch-Site (the command line, Node) pass;
 * - names given with --allowed-host (a reverse proxy's) are answered too;
 * - every answer carries the security headers;
 * - `svd serve --host 0.0.0.0` exits 2 with SIGN_IN_REQUIRED and listens on nothing.
 * In-process (inject) on a demo workspace, and `svd serve` for real on 127.0.0.1 port 0 (bin/svd.js;
 * run `npm run build` first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardMeta, ErrorAnswer, WhatIfAnswer } from '../../src/api/index.js';
import { silentReporter } from '../../src/core/reporter.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { svd } from '../helpers/cli.js';
import { BAD_ISTV, buildTestWorkspace } from '../helpers/dashboard.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-host-origin-');
/** The port the in-process server is told it answers on. */
const PORT = 8123;
const OWN = `http://127.0.0.1:${PORT}`;
const DEF = 'thames-valley-vru';
const ASSET = '/assets/index-1a2b3c.js';
const ASSET_TEXT = 'console.log("the built app")\n';

let db: string;
let servedDb: string;
let pool: WorkspacePool;
let app: FastifyInstance;
let proxied: FastifyInstance;

beforeAll(async () => {
  db = await buildTestWorkspace(dir);
  // A copy for the real server: another process cannot open the file this one holds.
  servedDb = path.join(dir, 'served.duckdb');
  copyFileSync(db, servedDb);
  // A built web app of two files, served from disk by the server's static files.
  const webRoot = path.join(dir, 'web');
  mkdirSync(path.join(webRoot, 'assets'), { recursive: true });
  writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>the dashboard</title>\n');
  writeFileSync(path.join(webRoot, ASSET), ASSET_TEXT);
  pool = await WorkspacePool.open(db, { writable: true, reporter: silentReporter });
  app = await buildServer({ pool, reporter: silentReporter, cache: false, webRoot, port: PORT });
  proxied = await buildServer({
    pool,
    reporter: silentReporter,
    cache: false,
    webRoot,
    port: PORT,
    allowedHosts: ['svd.example.org', 'Team.Example.org:8443'],
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await proxied?.close();
  pool?.close();
});

function errorOf(body: string): ErrorAnswer['error'] {
  return (JSON.parse(body) as ErrorAnswer).error;
}

describe('the Host header', () => {
  it.each(['/', '/api/meta', ASSET, '/api/nothing'])(
    'a request naming another host is refused for %s, with the error alone',
    async (url) => {
      const res = await app.inject({ method: 'GET', url, headers: { host: 'evil.example:8080' } });
      expect(res.statusCode).toBe(421);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const error = errorOf(res.body);
      expect(error.code).toBe('HOST_NOT_ALLOWED');
      expect(error.field).toBe('Host');
      expect(error.value).toBe('evil.example:8080');
      expect(error.fix).toContain('--allowed-host');
      expect(error.fix).toContain(`${OWN}/`);
      // Never the page, the file or the data.
      expect(res.body).not.toContain('the dashboard');
      expect(res.body).not.toContain('the built app');
      expect(res.body).not.toContain(DEF);
    },
  );

  it.each([`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`])(
    'the server\u2019s own name %s is answered',
    async (host) => {
      for (const url of ['/', '/api/meta', ASSET]) {
        const res = await app.inject({ method: 'GET', url, headers: { host } });
        expect(res.statusCode, url).toBe(200);
      }
      const asset = await app.inject({ method: 'GET', url: ASSET, headers: { host } });
      expect(asset.body).toBe(ASSET_TEXT);
    },
  );

  it.each([
    `127.0.0.1:${PORT + 1}`,
    '127.0.0.1',
    `127.0.0.1.evil.example:${PORT}`,
    `localhost.:${PORT}`,
    'svd.example.org',
    `127.0.0.1:${PORT}@evil.example`,
  ])('another port or a look-alike name (%s) is refused', async (host) => {
    const res = await app.inject({ method: 'GET', url: '/api/meta', headers: { host } });
    expect(res.statusCode).toBe(421);
    expect(errorOf(res.body).code).toBe('HOST_NOT_ALLOWED');
  });

  it('names given with --allowed-host are answered, on any port unless one is given', async () => {
    for (const host of ['svd.example.org', 'svd.example.org:443', 'team.example.org:8443']) {
      const res = await proxied.inject({ method: 'GET', url: '/api/meta', headers: { host } });
      expect(res.statusCode, host).toBe(200);
    }
    for (const host of ['team.example.org', 'other.example.org', 'evil.example:8080']) {
      const res = await proxied.inject({ method: 'GET', url: '/api/meta', headers: { host } });
      expect(res.statusCode, host).toBe(421);
    }
    // The loopback names still answer; forwarded headers do not make a host allowed.
    const local = await proxied.inject({
      method: 'GET',
      url: '/api/meta',
      headers: { host: `localhost:${PORT}` },
    });
    expect(local.statusCode).toBe(200);
    const forwarded = await proxied.inject({
      method: 'GET',
      url: '/api/meta',
      headers: { host: 'evil.example', 'x-forwarded-host': 'svd.example.org' },
    });
    expect(forwarded.statusCode).toBe(421);
  });
});

describe('the Origin of requests other than GET', () => {
  let proposal: string;
  beforeAll(async () => {
    const described = await app.inject({
      method: 'GET',
      url: `/api/definitions/${DEF}`,
      headers: { host: `127.0.0.1:${PORT}` },
    });
    proposal = (described.json() as { sourceText: string }).sourceText;
  });

  const whatif = (headers: Record<string, string>, server = app) =>
    server.inject({
      method: 'POST',
      url: '/api/whatif',
      headers: { host: `127.0.0.1:${PORT}`, ...headers },
      payload: { base: DEF, proposal },
    });

  it('from another origin: refused 403 ORIGIN_NOT_ALLOWED', async () => {
    const res = await whatif({ origin: 'http://evil.example' });
    expect(res.statusCode).toBe(403);
    const error = errorOf(res.body);
    expect(error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(error.message).toContain('POST /api/whatif');
    expect(error.value).toBe('http://evil.example');
    expect(error.fix).toContain('--allowed-host');
    expect(res.body).not.toContain('headline');
  });

  it("from the server's own origin: the normal answer", async () => {
    for (const origin of [OWN, `http://localhost:${PORT}`, `http://[::1]:${PORT}`]) {
      const res = await whatif({ origin });
      expect(res.statusCode, origin).toBe(200);
      const body = res.json() as WhatIfAnswer;
      expect(body.records).toBeGreaterThan(0);
      expect(body.changed).toBe(0);
    }
  });

  it('from a browser saying Sec-Fetch-Site: cross-site, with no Origin: refused', async () => {
    const res = await whatif({ 'sec-fetch-site': 'cross-site' });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res.body).code).toBe('ORIGIN_NOT_ALLOWED');
    // Even with an Origin of its own: the browser's word is final.
    expect((await whatif({ 'sec-fetch-site': 'cross-site', origin: OWN })).statusCode).toBe(403);
  });

  it.each([
    ['Origin null (a sandboxed frame, a file)', { origin: 'null' }],
    ['another port of this computer', { origin: `http://127.0.0.1:${PORT + 1}` }],
    ['https on the server\u2019s own name', { origin: `https://127.0.0.1:${PORT}` }],
    ['a foreign Referer and no Origin', { referer: 'http://evil.example/page.html' }],
    ['no Origin or Referer, Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['no Origin or Referer, Sec-Fetch-Site: none', { 'sec-fetch-site': 'none' }],
  ])('%s: refused', async (_name, headers) => {
    const res = await whatif(headers);
    expect(res.statusCode).toBe(403);
    expect(errorOf(res.body).code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it.each([
    ['a Referer of its own pages and no Origin', { referer: `${OWN}/definitions?tier=all` }],
    ['Sec-Fetch-Site: same-origin and no Origin or Referer', { 'sec-fetch-site': 'same-origin' }],
    ['none of Origin, Referer and Sec-Fetch-Site (the command line, Node)', {}],
  ])('%s: the normal answer', async (_name, headers) => {
    const res = await whatif(headers);
    expect(res.statusCode).toBe(200);
    expect((res.json() as WhatIfAnswer).records).toBeGreaterThan(0);
  });

  it("a reverse proxy's name given with --allowed-host is an origin of its own, http or https", async () => {
    for (const origin of ['https://svd.example.org', 'http://svd.example.org:8080']) {
      const res = await whatif({ host: 'svd.example.org', origin }, proxied);
      expect(res.statusCode, origin).toBe(200);
    }
    const other = await whatif(
      { host: 'svd.example.org', origin: 'https://team.example.org' },
      proxied,
    );
    expect(other.statusCode).toBe(403);
    // The Host is checked first: an allowed Origin does not make a foreign Host allowed.
    const rebound = await whatif({ host: 'evil.example', origin: OWN });
    expect(rebound.statusCode).toBe(421);
  });

  it('an upload from another origin is refused and stores nothing', async () => {
    const batches = async (): Promise<number> =>
      (
        (
          await app.inject({
            method: 'GET',
            url: '/api/batches',
            headers: { host: `127.0.0.1:${PORT}` },
          })
        ).json() as unknown[]
      ).length;
    const before = await batches();
    const generation = pool.generation;
    const res = await app.inject({
      method: 'POST',
      url: '/api/uploads?kind=istv&name=bad.csv&maxErrors=1',
      headers: {
        host: `127.0.0.1:${PORT}`,
        origin: 'http://evil.example',
        'content-type': 'application/octet-stream',
      },
      payload: BAD_ISTV,
    });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res.body).code).toBe('ORIGIN_NOT_ALLOWED');
    expect(pool.generation).toBe(generation);
    expect(await batches()).toBe(before);
  });
});

describe('local single-user mode and the security headers', () => {
  it('/api/meta says the mode and how the web app labels it', async () => {
    const meta = (
      await app.inject({ method: 'GET', url: '/api/meta', headers: { host: `localhost:${PORT}` } })
    ).json() as DashboardMeta;
    expect(meta.access).toEqual({
      mode: 'local-single-user',
      label: 'Local single-user mode: this computer only',
      allowedHosts: [],
    });
    const behind = (
      await proxied.inject({
        method: 'GET',
        url: '/api/meta',
        headers: { host: 'svd.example.org' },
      })
    ).json() as DashboardMeta;
    expect(behind.access.mode).toBe('local-single-user');
    expect(behind.access.allowedHosts).toEqual(['svd.example.org', 'team.example.org']);
    expect(behind.access.label).toContain('svd.example.org');
  });

  it.each(['/', '/api/meta'])(
    '%s carries the security headers, and so does a refusal',
    async (url) => {
      for (const host of [`127.0.0.1:${PORT}`, 'evil.example']) {
        const res = await app.inject({ method: 'GET', url, headers: { host } });
        expect(res.statusCode).toBe(host === 'evil.example' ? 421 : 200);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('same-origin');
        expect(res.headers['x-frame-options']).toBe('DENY');
        const csp = String(res.headers['content-security-policy']);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      }
    },
  );
});

/** A port nothing listens on (found by listening and closing). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether anything accepts a connection on the port (loopback). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('binding an address other than loopback is refused while there is no sign-in', () => {
  it.each(['0.0.0.0', '::', '192.0.2.10'])(
    'svd serve --host %s exits 2 with SIGN_IN_REQUIRED and listens on nothing',
    async (host) => {
      const port = await freePort();
      const r = await svd(
        ['serve', '--db', db, '--host', host, '--port', String(port), '--allow-upload'],
        { SVD_DB: '' },
        dir,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error[SIGN_IN_REQUIRED]');
      expect(r.stderr).toContain('--allowed-host');
      expect(r.stderr).toContain('reverse proxy');
      expect(r.stdout).not.toContain('svd dashboard:');
      expect(await listening(port)).toBe(false);
    },
    30_000,
  );

  it('svd demo --serve --host 0.0.0.0 is refused before the demo workspace is built', async () => {
    const demoDb = path.join(dir, 'demo-refused.duckdb');
    const r = await svd(
      ['demo', '--serve', '--host', '0.0.0.0', '--port', '0', '--db', demoDb, '--quiet'],
      {},
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[SIGN_IN_REQUIRED]');
    expect(existsSync(demoDb)).toBe(false);
  });

  it('a malformed --allowed-host is a usage error naming the option', async () => {
    const r = await svd(
      ['serve', '--db', db, '--port', '0', '--allowed-host', 'https://svd.example.org/'],
      { SVD_DB: '' },
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[BAD_ALLOWED_HOST]');
    expect(r.stderr).toContain('--allowed-host svd.example.org');
  });
});

describe('svd serve for real on 127.0.0.1, port 0', () => {
  let server: ChildProcess | undefined;
  let started = '';
  let announced = '';

  afterAll(async () => {
    const proc = server;
    if (proc === undefined || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.on('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  });

  /** Starts it (bin/svd.js) and resolves with its port once it prints its address. */
  function serve(): Promise<number> {
    const proc = spawn(
      process.execPath,
      [
        path.join(REPO, 'bin', 'svd.js'),
        'serve',
        '--db',
        servedDb,
        '--port',
        '0',
        '--no-cache',
        '--allowed-host',
        'svd.example.org',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SVD_DB: '' } },
    );
    server = proc;
    return new Promise((resolve, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => {
        started += chunk.toString();
        const port = /svd dashboard: http:\/\/127\.0\.0\.1:(\d+)\//.exec(started)?.[1];
        if (port !== undefined) resolve(Number(port));
      });
      proc.stderr!.on('data', (chunk: Buffer) => (announced += chunk.toString()));
      proc.on('exit', (code) => reject(new Error(`svd serve exited (${code}): ${announced}`)));
    });
  }

  /** A raw HTTP request with the Host header given. */
  function request(
    port: number,
    urlPath: string,
    host: string,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: urlPath, method: 'GET', headers: { host } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('refuses a foreign Host, answers its own and the one given, and says its mode', async () => {
    const port = await serve();
    expect(started).toContain('local single-user mode: this computer, and through svd.example.org');
    expect(announced).toContain('also answering to svd.example.org');
    expect(announced).toContain('trust proxy is off');
    const foreign = await request(port, '/api/health', `evil.example:${port}`);
    expect(foreign.status).toBe(421);
    expect(errorOf(foreign.body).code).toBe('HOST_NOT_ALLOWED');
    expect(foreign.body).not.toContain('"status":"ok"');
    const page = await request(port, '/', `evil.example:${port}`);
    expect(page.status).toBe(421);
    const own = await request(port, '/api/health', `127.0.0.1:${port}`);
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ status: 'ok', writable: false });
    expect((await request(port, '/api/health', `localhost:${port}`)).status).toBe(200);
    expect((await request(port, '/api/health', 'svd.example.org')).status).toBe(200);
    expect((await request(port, '/api/health', 'other.example.org')).status).toBe(421);
  }, 120_000);
});
