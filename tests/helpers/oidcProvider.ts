/**
 * A real OpenID provider on loopback for tests: oidc-provider (a certified implementation) with
 * its in-memory adapter, PKCE required, and its development login and consent pages (any
 * password; the login is the account's key). `completeSignIn` drives those pages with `fetch`,
 * keeping the provider's cookies by hand and following redirects one by one, and returns the
 * provider's redirect back to the client (the callback URL with `code` and `state`) without
 * calling the client.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  /** Null: the provider gives no `email` claim (Entra ID without the optional claim). */
  email: string | null;
  name: string;
  email_verified?: boolean;
  /** Further claims given with the profile scope (e.g. Entra ID's `preferred_username`). */
  extra?: Record<string, string>;
}

export interface TestClient {
  client_id: string;
  /** A confidential client (client_secret_basic or _post); without it, a public client. */
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export interface TestProviderOptions {
  accounts: Record<string, TestAccount>;
  clients: TestClient[];
}

export interface TestProvider {
  /** `http://127.0.0.1:PORT`. */
  issuer: string;
  /** Requests the provider received, in order (method and path, no query). */
  requests: { method: string; path: string }[];
  /** Paths (e.g. `/token`) whose requests are accepted and never answered, to test timeouts. */
  stalled: Set<string>;
  close(): Promise<void>;
}

/**
 * oidc-provider announces its development defaults on the console when it starts; the tests know
 * them, so those lines (and only those) are dropped.
 */
let consoleFiltered = false;
function silenceProviderNotices(): void {
  if (consoleFiltered) return;
  consoleFiltered = true;
  for (const level of ['warn', 'info'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider ')) return;
      original(...args);
    };
  }
}

export async function startOidcProvider(options: TestProviderOptions): Promise<TestProvider> {
  silenceProviderNotices();
  const requests: TestProvider['requests'] = [];
  const stalled = new Set<string>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: 'test-key',
    alg: 'RS256',
    use: 'sig',
  };

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.client_id,
      ...(c.client_secret === undefined ? {} : { client_secret: c.client_secret }),
      redirect_uris: c.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method:
        c.token_endpoint_auth_method ??
        (c.client_secret === undefined ? 'none' : 'client_secret_basic'),
    })),
    async findAccount(_ctx: unknown, id: string) {
      const account = options.accounts[id];
      if (account === undefined) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            ...(account.email === null ? {} : { email: account.email }),
            ...(account.email_verified === undefined
              ? {}
              : { email_verified: account.email_verified }),
            name: account.name,
            ...account.extra,
          };
        },
      };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'upn'],
    },
    // The claims of the scopes go in the ID token, as Entra ID puts them there.
    conformIdTokenClaims: false,
    pkce: { methods: ['S256'], required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [jwk] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
  });
  const handle = provider.callback();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    requests.push({ method: req.method ?? '', path });
    if (stalled.has(path)) return;
    handle(req, res);
  });

  return {
    issuer,
    requests,
    stalled,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

export interface CompleteSignInOptions {
  /** Sign in, then press the page's Cancel: the provider answers `error=access_denied`. */
  deny?: boolean;
  /** The password typed (the development pages accept any). */
  password?: string;
}

function decodeHtml(text: string): string {
  return text
    .replace(/&#x2F;/gi, '/')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Goes through the provider's own pages as a browser would — the login form, then the consent
 * form — and returns the URL the provider redirects the browser to on the client's side (the
 * callback with `code` and `state`, or with `error`). The client is not called.
 */
export async function completeSignIn(
  authorizationUrl: string,
  login: string,
  options: CompleteSignInOptions = {},
): Promise<URL> {
  const providerOrigin = new URL(authorizationUrl).origin;
  const cookies = new Map<string, string>();
  let next: { url: URL; method: 'GET' | 'POST'; body?: URLSearchParams } = {
    url: new URL(authorizationUrl),
    method: 'GET',
  };
  const seen: string[] = [];
  for (let step = 0; step < 25; step += 1) {
    seen.push(`${next.method} ${next.url.pathname}`);
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      headers: {
        ...(cookie === '' ? {} : { cookie }),
        ...(next.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(next.body === undefined ? {} : { body: next.body.toString() }),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair === undefined || at < 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = /max-age=0\b/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line);
      if (value === '' || expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.arrayBuffer();
      const location = response.headers.get('location');
      if (location === null) throw new Error(`redirect without Location after ${seen.join(' → ')}`);
      const target = new URL(location, next.url);
      if (target.origin !== providerOrigin) return target;
      next = { url: target, method: 'GET' };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) {
      throw new Error(
        `the provider answered ${response.status} after ${seen.join(' → ')}: ${html.slice(0, 500)}`,
      );
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (action === undefined || prompt === undefined) {
      throw new Error(
        `no form on the provider's page after ${seen.join(' → ')}: ${html.slice(0, 500)}`,
      );
    }
    if (options.deny === true && prompt === 'consent') {
      const abort = /<a href="([^"]+)">\[ Cancel \]<\/a>/.exec(html)?.[1];
      if (abort === undefined) throw new Error('no Cancel link on the consent page');
      next = { url: new URL(decodeHtml(abort), next.url), method: 'GET' };
      continue;
    }
    const body = new URLSearchParams({ prompt });
    if (prompt === 'login') {
      body.set('login', login);
      body.set('password', options.password ?? 'any password');
    }
    next = { url: new URL(decodeHtml(action), next.url), method: 'POST', body };
  }
  throw new Error(`the sign-in did not come back to the client: ${seen.join(' → ')}`);
}
