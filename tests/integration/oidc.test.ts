/**
 * Signing in through an OpenID provider, against a real one on loopback (oidc-provider): the
 * identity of a completed sign-in (confidential and public clients, Entra ID's
 * `preferred_username`); the authorization request (PKCE S256, state, nonce); every refusal —
 * another state, a replayed code, another sign-in's verifier or nonce, a wrong secret, the
 * provider's `access_denied`, a sign-in too old, a token request unanswered or unreachable, an
 * issuer unreachable, silent or not a provider, plain http off loopback, Entra ID's multi-tenant
 * endpoint — with its code, and no code, token, verifier or secret in any message.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { SvdError } from '../../src/core/errors.js';
import { OidcRelyingParty, type OidcSettings, type PendingSignIn } from '../../src/access/oidc.js';
import { completeSignIn, startOidcProvider, type TestProvider } from '../helpers/oidcProvider.js';

const REDIRECT = 'https://svd.example.test/auth/oidc/callback';
const SECRET = 'a-client-secret-that-must-never-be-shown-0123456789';

let provider: TestProvider;

beforeAll(async () => {
  provider = await startOidcProvider({
    accounts: {
      alice: {
        email: 'Alice.Smith@Oxfordshire.example',
        name: 'Alice Smith',
        email_verified: true,
      },
      bob: { email: 'bob@tvp.example', name: 'Bob Jones' },
      entra: {
        email: null,
        name: 'Priya Patel',
        extra: { preferred_username: 'Priya.Patel@nhs.example' },
      },
    },
    clients: [
      { client_id: 'svd-confidential', client_secret: SECRET, redirect_uris: [REDIRECT] },
      { client_id: 'svd-public', redirect_uris: [REDIRECT] },
    ],
  });
});

afterAll(async () => {
  await provider?.close();
});

function settings(extra: Partial<OidcSettings> = {}): OidcSettings {
  return {
    issuer: provider.issuer,
    clientId: 'svd-confidential',
    clientSecret: SECRET,
    redirectUri: REDIRECT,
    ...extra,
  };
}

/** The error thrown, which must be an SvdError. */
async function refusal(promise: Promise<unknown>): Promise<SvdError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SvdError);
    return error as SvdError;
  }
  throw new Error('expected a refusal, got an answer');
}

/** No secret value anywhere a person or a log could see it; no cause that could hold one. */
function expectNothingSecret(error: SvdError, values: (string | null | undefined)[]): void {
  const shown = [
    error.message,
    error.fix ?? '',
    JSON.stringify(error.toJSON()),
    String(error),
  ].join('\n');
  for (const value of values) {
    if (value === null || value === undefined || value === '') continue;
    expect(shown).not.toContain(value);
  }
  expect(error.cause).toBeUndefined();
}

function secretsOf(pending: PendingSignIn, callback?: URL): string[] {
  return [
    SECRET,
    pending.codeVerifier,
    pending.nonce,
    pending.state,
    callback?.searchParams.get('code') ?? '',
  ];
}

function tokenRequests(): number {
  return provider.requests.filter((r) => r.method === 'POST' && r.path === '/token').length;
}

describe('a sign-in through the provider', () => {
  it('gives the identity: issuer, subject, email (lower-cased), verified, name', async () => {
    const rp = await OidcRelyingParty.discover(settings());
    const { url, pending } = rp.start();
    const callback = await completeSignIn(url, 'alice');
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get('code')).toBeTruthy();
    const identity = await rp.finish(callback, pending);
    expect(identity).toEqual({
      issuer: provider.issuer,
      subject: 'alice',
      email: 'alice.smith@oxfordshire.example',
      emailVerified: true,
      emailClaim: 'email',
      name: 'Alice Smith',
    });
    expect(rp.label).toBe("your organisation's sign-in");
  });

  it('works as a public client (no secret: PKCE only)', async () => {
    const publicRp = await OidcRelyingParty.discover(
      settings({
        clientId: 'svd-public',
        clientSecret: undefined,
        label: 'Oxfordshire County Council',
      }),
    );
    expect(publicRp.label).toBe('Oxfordshire County Council');
    const { url, pending } = publicRp.start();
    const identity = await publicRp.finish(await completeSignIn(url, 'bob'), pending);
    expect(identity).toMatchObject({
      subject: 'bob',
      email: 'bob@tvp.example',
      emailVerified: null,
      name: 'Bob Jones',
    });
  });

  it("takes Entra ID's preferred_username as the address when there is no email claim", async () => {
    const rp = await OidcRelyingParty.discover(settings());
    const { url, pending } = rp.start();
    const identity = await rp.finish(await completeSignIn(url, 'entra'), pending);
    expect(identity).toMatchObject({
      subject: 'entra',
      email: 'priya.patel@nhs.example',
      emailClaim: 'preferred_username',
      emailVerified: null,
      name: 'Priya Patel',
    });
  });

  it('asks for the code with PKCE S256, a state and a nonce, new each time', async () => {
    const rp = await OidcRelyingParty.discover(settings());
    const first = rp.start();
    const second = rp.start();
    const url = new URL(first.url);
    const q = url.searchParams;
    expect(url.origin).toBe(provider.issuer);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('svd-confidential');
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('scope')).toBe('openid email profile');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toBe(
      createHash('sha256').update(first.pending.codeVerifier).digest('base64url'),
    );
    expect(q.get('state')).toBe(first.pending.state);
    expect(q.get('nonce')).toBe(first.pending.nonce);
    for (const value of [first.pending.state, first.pending.nonce, first.pending.codeVerifier]) {
      expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(first.url).not.toContain(first.pending.codeVerifier);
    expect(first.url).not.toContain(SECRET);
    expect(second.pending.state).not.toBe(first.pending.state);
    expect(second.pending.nonce).not.toBe(first.pending.nonce);
    expect(second.pending.codeVerifier).not.toBe(first.pending.codeVerifier);
  });
});

describe('refused sign-ins', () => {
  it('refuses an answer with another state, before spending the code', async () => {
    const rp = await OidcRelyingParty.discover(settings());
    const { url, pending } = rp.start();
    const callback = await completeSignIn(url, 'alice');
    const before = tokenRequests();

    const forged = new URL(callback);
    forged.searchParams.set('state', 'another-state-from-another-browser');
    const error = await refusal(rp.finish(forged, pending));
    expect(error.code).toBe('OIDC_STATE_MISMATCH');
    expectNothingSecret(error, secretsOf(pending, callback));

    const stateless = new URL(callback);
    stateless.searchParams.delete('state');
    expect((await refusal(rp.finish(stateless, pending))).code).toBe('OIDC_STATE_MISMATCH');

    expect(tokenRequests()).toBe(before);
    // The code was not spent: the genuine answer still signs in.
    expect((await rp.finish(callback, pending)).subject).toBe('alice');
  });

  it('refuses the same code used twice', async () => {
    const rp = await OidcRelyingParty.discover(settings());
    const { url, pending } = rp.start();
    const callback = await completeSignIn(url, 'alice');
    await rp.finish(callback, pending);
    const error = await refusal(rp.finish(callback, pending));
    expect(error.code).toBe('OIDC_TOKEN_REJECTED');
    expect(error.kind).toBe('input');
    expectNothingSecret(error, secretsOf(pending, callback));
  });

  it("refuses another sign-in's verifier and nonce, and a wrong nonce alone", async () => {
    const rp = await OidcRelyingParty.discover(settings());
    const mine = rp.start();
    const other = rp.start();

    // Another start's pending, with this answer's state: the provider refuses the verifier.
    const callback = await completeSignIn(mine.url, 'alice');
    const swapped: PendingSignIn = { ...other.pending, state: mine.pending.state };
    const error = await refusal(rp.finish(callback, swapped));
    expect(error.code).toBe('OIDC_TOKEN_REJECTED');
    expectNothingSecret(error, [...secretsOf(mine.pending, callback), ...secretsOf(other.pending)]);

    // The right verifier, another nonce: the ID token is refused.
    const again = rp.start();
    const callback2 = await completeSignIn(again.url, 'alice');
    const wrongNonce: PendingSignIn = { ...again.pending, nonce: other.pending.nonce };
    const error2 = await refusal(rp.finish(callback2, wrongNonce));
    expect(error2.code).toBe('OIDC_TOKEN_REJECTED');
    expect(error2.message).toContain('nonce');
    expectNothingSecret(error2, [...secretsOf(again.pending, callback2), other.pending.nonce]);
  });

  it('refuses a wrong client secret without showing either secret', async () => {
    const wrong = 'the-wrong-secret-also-never-shown-9876543210';
    const rp = await OidcRelyingParty.discover(settings({ clientSecret: wrong }));
    const { url, pending } = rp.start();
    const callback = await completeSignIn(url, 'alice');
    const error = await refusal(rp.finish(callback, pending));
    expect(error.code).toBe('OIDC_TOKEN_REJECTED');
    expectNothingSecret(error, [...secretsOf(pending, callback), wrong]);
  });

  it("gives the provider's access_denied as OIDC_PROVIDER_ERROR, escaped", async () => {
    const rp = await OidcRelyingParty.discover(settings());
    const { url, pending } = rp.start();
    const callback = await completeSignIn(url, 'alice', { deny: true });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.has('code')).toBe(false);
    const error = await refusal(rp.finish(callback, pending));
    expect(error.code).toBe('OIDC_PROVIDER_ERROR');
    expect(error.message).toContain('"access_denied"');
    expect(error.message).toContain('End-User aborted interaction');
    expectNothingSecret(error, secretsOf(pending, callback));

    // What a provider says is shown quoted, on one line, without control characters.
    const odd = new URL(REDIRECT);
    odd.searchParams.set('error', 'server_error\n\u001b[31m');
    odd.searchParams.set('error_description', `line one\r\nline two ${pending.codeVerifier}`);
    odd.searchParams.set('state', pending.state);
    const error2 = await refusal(rp.finish(odd, pending));
    expect(error2.code).toBe('OIDC_PROVIDER_ERROR');
    expect([...error2.message].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(error2.message).toContain('line one');
    expectNothingSecret(error2, secretsOf(pending));
  });

  it('refuses a sign-in started more than 10 minutes ago, before spending the code', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => new Date(now) };
    const rp = await OidcRelyingParty.discover(settings(), { clock });

    const late = rp.start();
    const callback = await completeSignIn(late.url, 'alice');
    const before = tokenRequests();
    now += 10 * 60 * 1000 + 1000;
    const error = await refusal(rp.finish(callback, late.pending));
    expect(error.code).toBe('OIDC_SIGN_IN_EXPIRED');
    expect(tokenRequests()).toBe(before);

    // A pending sign-in whose createdAt is old is refused the same way.
    const old = rp.start();
    const callback2 = await completeSignIn(old.url, 'alice');
    const error2 = await refusal(
      rp.finish(callback2, { ...old.pending, createdAt: now - 11 * 60 * 1000 }),
    );
    expect(error2.code).toBe('OIDC_SIGN_IN_EXPIRED');

    // Nine minutes is within the limit.
    const inTime = rp.start();
    const callback3 = await completeSignIn(inTime.url, 'alice');
    now += 9 * 60 * 1000;
    expect((await rp.finish(callback3, inTime.pending)).subject).toBe('alice');
  });
  it('gives up on a token request the provider does not answer', async () => {
    const rp = await OidcRelyingParty.discover(settings(), { timeoutSeconds: 1 });
    const { url, pending } = rp.start();
    const callback = await completeSignIn(url, 'alice');
    provider.stalled.add('/token');
    try {
      const error = await refusal(rp.finish(callback, pending));
      expect(error.code).toBe('OIDC_PROVIDER_UNREACHABLE');
      expect(error.message).toContain('did not answer the token request within 1 s');
      expectNothingSecret(error, secretsOf(pending, callback));
    } finally {
      provider.stalled.delete('/token');
    }
  });

  it('says when the provider cannot be reached for the token request', async () => {
    const gone = await startOidcProvider({
      accounts: { alice: { email: 'alice@example.org', name: 'Alice' } },
      clients: [{ client_id: 'svd', redirect_uris: [REDIRECT] }],
    });
    const rp = await OidcRelyingParty.discover({
      issuer: gone.issuer,
      clientId: 'svd',
      redirectUri: REDIRECT,
    });
    const { url, pending } = rp.start();
    const callback = await completeSignIn(url, 'alice');
    await gone.close();
    const error = await refusal(rp.finish(callback, pending));
    expect(error.code).toBe('OIDC_PROVIDER_UNREACHABLE');
    expect(error.kind).toBe('network');
    expect(error.message).toContain(gone.issuer);
    expectNothingSecret(error, secretsOf(pending, callback));
  });
});

describe('the provider and its settings', () => {
  /** A loopback server for the test's life; its handler decides what it answers. */
  async function loopback(
    handler: http.RequestListener,
  ): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  it('names the issuer when it cannot be reached', async () => {
    const closed = await loopback(() => undefined);
    await closed.close();
    const error = await refusal(OidcRelyingParty.discover(settings({ issuer: closed.url })));
    expect(error.code).toBe('OIDC_DISCOVERY_FAILED');
    expect(error.kind).toBe('network');
    expect(error.message).toContain(closed.url);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.fix).toContain('SVD_OIDC_ISSUER');
    expectNothingSecret(error, [SECRET, process.cwd()]);
  });

  it('says when the issuer is not an OpenID provider', async () => {
    const site = await loopback((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    });
    try {
      const error = await refusal(OidcRelyingParty.discover(settings({ issuer: site.url })));
      expect(error.code).toBe('OIDC_DISCOVERY_FAILED');
      expect(error.message).toContain(site.url);
      expect(error.message).toContain('HTTP 404');
      expectNothingSecret(error, [SECRET, process.cwd()]);
    } finally {
      await site.close();
    }
  });

  it('gives up on an issuer that does not answer', async () => {
    const silent = await loopback(() => undefined); // accepts, never answers
    try {
      const error = await refusal(
        OidcRelyingParty.discover(settings({ issuer: silent.url }), { timeoutSeconds: 1 }),
      );
      expect(error.code).toBe('OIDC_DISCOVERY_FAILED');
      expect(error.message).toContain(silent.url);
      expect(error.message).toContain('did not answer within 1 s');
    } finally {
      await silent.close();
    }
  });

  it('refuses plain http off loopback before any request', async () => {
    // .invalid never resolves: a request would fail as OIDC_DISCOVERY_FAILED instead.
    const error = await refusal(
      OidcRelyingParty.discover(settings({ issuer: 'http://login.svd-test.invalid/tenant/v2.0' })),
    );
    expect(error.code).toBe('OIDC_INSECURE_ISSUER');
    expect(error.location.value).toBe('http://login.svd-test.invalid/tenant/v2.0');
  });

  it("refuses Entra ID's multi-tenant issuer before any request", async () => {
    for (const tenant of ['common', 'organizations']) {
      const error = await refusal(
        OidcRelyingParty.discover(
          settings({ issuer: `https://login.microsoftonline.com/${tenant}/v2.0` }),
        ),
      );
      expect(error.code).toBe('OIDC_SETTING_INVALID');
      expect(error.fix).toContain('<tenant-id>');
    }
  });

  it('refuses scopes without openid', async () => {
    const error = await refusal(OidcRelyingParty.discover(settings({ scopes: 'email profile' })));
    expect(error.code).toBe('OIDC_SETTING_INVALID');
  });
});
