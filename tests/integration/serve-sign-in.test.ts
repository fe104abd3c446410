/**
 * `svd serve --sign-in` for real (bin/svd.js; run `npm run build` first), as a partnership deploys
 * it (docs/decisions/0074-sign-in-and-enforcement.md):
 * - refused before anything is opened: another address without sign-in, without HTTPS, or without
 *   the name people use; sign-in on a workspace with no user; half a TLS pair;
 * - with TLS on loopback (a certificate made for the test with openssl): it answers HTTPS, a local
 *   account signs in, the session cookie is `__Host-svd_session`, Secure, HttpOnly and
 *   SameSite=Strict, a signed-in request is answered and an anonymous one refused 401.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svd } from '../helpers/cli.js';
import { buildTestWorkspace } from '../helpers/dashboard.js';
import {
  addPartnership,
  codeAt,
  PASSWORD,
  PEOPLE,
  type Partnership,
} from '../helpers/partnership.js';
import { freePort, startServe, type ServeProcess } from '../helpers/serveProcess.js';
import { completeSignIn, startOidcProvider, type TestProvider } from '../helpers/oidcProvider.js';
import { tempDir } from '../helpers/temp.js';
import { systemClock } from '../../src/core/clock.js';

const dir = tempDir('svd-serve-sign-in-');
let bare: string;
let db: string;
let partnership: Partnership;
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');

beforeAll(async () => {
  bare = await buildTestWorkspace(dir);
  db = path.join(dir, 'partnership.duckdb');
  copyFileSync(bare, db);
  partnership = await addPartnership(db, systemClock);
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
}, 600_000);

describe('refused before anything is opened', () => {
  const cases: [string, string[], string][] = [
    ['another address without sign-in', ['--host', '0.0.0.0'], 'SIGN_IN_REQUIRED'],
    [
      'another address with sign-in but no HTTPS',
      ['--host', '0.0.0.0', '--sign-in', 'local'],
      'HTTPS_REQUIRED',
    ],
    [
      'another address with HTTPS but no name',
      ['--host', '0.0.0.0', '--sign-in', 'local', '--tls-cert', cert, '--tls-key', key],
      'NAME_REQUIRED',
    ],
    ['half a TLS pair', ['--sign-in', 'local', '--tls-cert', cert], 'TLS_INCOMPLETE'],
    ['an unknown way of signing in', ['--sign-in', 'password'], 'BAD_SIGN_IN'],
    ['oidc with no settings', ['--sign-in', 'oidc'], 'OIDC_SETTING_MISSING'],
  ];
  it.each(cases)('%s', async (_what, args, code) => {
    const r = await svd(['serve', '--db', db, '--port', '0', ...args], { SVD_DB: '' }, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[${code}]`);
    expect(r.stdout).not.toContain('svd dashboard:');
  });

  it('sign-in on a workspace with no user', async () => {
    const r = await svd(
      ['serve', '--db', bare, '--port', '0', '--sign-in', 'local'],
      { SVD_DB: '' },
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[NO_USERS]');
    expect(r.stderr).toContain('svd access setup');
  });
});

describe('with TLS and local accounts', () => {
  let server: ServeProcess | undefined;
  let port = 0;

  afterAll(async () => server?.stop());

  function request(
    method: string,
    urlPath: string,
    options: { cookie?: string; body?: unknown; csrf?: string } = {},
  ): Promise<{ status: number; body: string; setCookie: string[] }> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path: urlPath,
          method,
          ca: readFileSync(cert),
          headers: {
            ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
            ...(options.csrf === undefined ? {} : { 'x-csrf-token': options.csrf }),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: text,
              setCookie: res.headers['set-cookie'] ?? [],
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers HTTPS; a local account signs in with a Secure __Host- cookie', async () => {
    server = await startServe(
      ['--db', db, '--port', '0', '--sign-in', 'local', '--tls-cert', cert, '--tls-key', key],
      { cwd: dir },
    );
    port = server.port;
    const printed = server.output.stdout;
    expect(printed).toContain('sign-in required (local');
    const anonymous = await request('GET', '/api/overview');
    expect(anonymous.status).toBe(401);
    const signedIn = await request('POST', '/api/session', {
      body: {
        email: PEOPLE.policeAnalyst.email,
        password: PASSWORD,
        code: codeAt(partnership.secrets.policeAnalyst, new Date()),
      },
    });
    expect(signedIn.status, signedIn.body).toBe(200);
    const cookie = signedIn.setCookie[0]!;
    expect(cookie).toMatch(/^__Host-svd_session=[A-Za-z0-9_-]+;/);
    for (const part of ['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure'])
      expect(cookie).toContain(part);
    const session = JSON.parse(signedIn.body) as { csrfToken: string; user: { role: string } };
    expect(session.user.role).toBe('analyst');
    const meta = await request('GET', '/api/meta', { cookie: cookie.split(';')[0]! });
    expect(meta.status).toBe(200);
    const out = await request('POST', '/api/session/sign-out', {
      cookie: cookie.split(';')[0]!,
      csrf: session.csrfToken,
    });
    expect(out.status).toBe(204);
    expect((await request('GET', '/api/meta', { cookie: cookie.split(';')[0]! })).status).toBe(401);
  }, 120_000);
});

describe('with the identity provider, from its settings in the environment', () => {
  let provider: TestProvider | undefined;
  let server: ServeProcess | undefined;

  afterAll(async () => {
    await server?.stop();
    await provider?.close();
  });

  it('sends the browser to the provider with PKCE, and brings it back signed in', async () => {
    const port = await freePort();
    const redirect = `http://127.0.0.1:${port}/auth/oidc/callback`;
    provider = await startOidcProvider({
      accounts: { 'police-analyst': { email: PEOPLE.policeAnalyst.email, name: 'Police analyst' } },
      clients: [
        { client_id: 'svd', client_secret: 'secret-of-the-test-000000', redirect_uris: [redirect] },
      ],
    });
    server = await startServe(['--db', db, '--port', String(port), '--sign-in', 'oidc'], {
      cwd: dir,
      env: {
        SVD_OIDC_ISSUER: provider.issuer,
        SVD_OIDC_CLIENT_ID: 'svd',
        SVD_OIDC_CLIENT_SECRET: 'secret-of-the-test-000000',
        SVD_OIDC_REDIRECT_URI: redirect,
        SVD_OIDC_LABEL: 'Partnership sign-in',
      },
    });
    expect(server.output.stdout).toContain('sign-in required (oidc');
    const base = `http://127.0.0.1:${port}`;
    const session = (await (await fetch(`${base}/api/session`)).json()) as unknown;
    expect(session).toEqual({
      mode: 'sign-in',
      signedIn: false,
      methods: { local: false, oidc: { label: 'Partnership sign-in' } },
    });
    const start = await fetch(`${base}/auth/oidc/start`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const to = new URL(start.headers.get('location')!);
    expect(to.origin).toBe(provider.issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    const pending = start.headers.get('set-cookie')!.split(';')[0]!;
    // The provider's own pages, then back to svd with the code.
    const callback = await completeSignIn(to.toString(), 'police-analyst');
    const back = await fetch(callback, { redirect: 'manual', headers: { cookie: pending } });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/');
    const cookie = back.headers
      .getSetCookie()
      .find((c) => c.startsWith('svd_session='))
      ?.split(';')[0];
    expect(cookie).toMatch(/^svd_session=.+/);
    const signedIn = (await (
      await fetch(`${base}/api/session`, { headers: { cookie: cookie! } })
    ).json()) as { signedIn: boolean; user: { email: string } };
    expect(signedIn).toMatchObject({ signedIn: true, user: { email: PEOPLE.policeAnalyst.email } });
    // The same return again (its sign-in is used up): refused, and nobody is signed in by it.
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: pending } });
    expect(replay.headers.get('location')).toMatch(/^\/\?sign-in-error=/);
    expect(replay.headers.getSetCookie().some((c) => /^svd_session=[^;]/.test(c))).toBe(false);
  }, 120_000);
});
