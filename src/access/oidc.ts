/**
 * Signing in through the partnership's OpenID Connect provider (Microsoft Entra ID for councils
 * and the NHS; any certified provider works): svd is the relying party. Every sign-in is the
 * authorization code flow with PKCE (S256), a state and a nonce, all three random and kept on the
 * server until the browser comes back. A secret, when one is set, makes svd a confidential client.
 * Nothing here decides who may sign in: the identity it returns is matched by its email to a user
 * who already exists and is active (docs/decisions/0075-openid-connect.md).
 *
 * No token, code, verifier or secret ever goes in a message: the errors say which check failed
 * and what to do, and carry no cause that could hold them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import { systemClock, type Clock } from '../core/clock.js';
import { SvdError, quoteValue, type ErrorLocation } from '../core/errors.js';
import type { ErrorKind } from '../api/errors.js';

export interface OidcSettings {
  /** `https://login.microsoftonline.com/<tenant-id>/v2.0`, or `http://127.0.0.1:PORT` for tests. */
  issuer: string;
  clientId: string;
  /** A confidential client when set; without it, a public client (PKCE only). */
  clientSecret?: string;
  /** Where the provider sends the browser back: `https://svd.example.org/auth/oidc/callback`. */
  redirectUri: string;
  /** Default {@link DEFAULT_OIDC_SCOPES}; must include `openid`. */
  scopes?: string;
  /** Shown on the sign-in button; default {@link DEFAULT_OIDC_LABEL}. */
  label?: string;
}

/** What the server keeps between `start()` and `finish()`; never sent to the browser. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface OidcIdentity {
  /** The provider's issuer, from the ID token. */
  issuer: string;
  /** The provider's stable identifier of the person (`sub`). */
  subject: string;
  /** The address matched to svd's users (trimmed, lower-case), or null when the provider gave none. */
  email: string | null;
  /** The provider's `email_verified` when it gave one for that address; null when it said nothing. */
  emailVerified: boolean | null;
  /** Which claim the address came from: `email`, or else `preferred_username` or `upn` (Entra ID). */
  emailClaim: 'email' | 'preferred_username' | 'upn' | null;
  name: string | null;
}

export const DEFAULT_OIDC_SCOPES = 'openid email profile';
export const DEFAULT_OIDC_LABEL = "your organisation's sign-in";
/** A sign-in not finished within this long is refused: the person starts again. */
export const OIDC_SIGN_IN_LIFETIME_MS = 10 * 60 * 1000;
/** Discovery and token requests give up after this many seconds. */
export const OIDC_TIMEOUT_SECONDS = 10;

/** The environment variables of the settings. */
export const OIDC_ENV = {
  issuer: 'SVD_OIDC_ISSUER',
  clientId: 'SVD_OIDC_CLIENT_ID',
  clientSecret: 'SVD_OIDC_CLIENT_SECRET',
  clientSecretFile: 'SVD_OIDC_CLIENT_SECRET_FILE',
  redirectUri: 'SVD_OIDC_REDIRECT_URI',
  scopes: 'SVD_OIDC_SCOPES',
  label: 'SVD_OIDC_LABEL',
} as const;

/** The command's options; each wins over its environment variable. There is no secret option. */
export interface OidcOptions {
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecretFile?: string;
  oidcRedirectUri?: string;
  oidcScopes?: string;
  oidcLabel?: string;
}

const OPTION_NAMES = {
  issuer: '--oidc-issuer',
  clientId: '--oidc-client-id',
  clientSecretFile: '--oidc-client-secret-file',
  redirectUri: '--oidc-redirect-uri',
  scopes: '--oidc-scopes',
  label: '--oidc-label',
} as const;

/** Entra ID's multi-tenant issuers: any organisation's accounts could sign in. */
const ENTRA_MULTI_TENANT = /^\/(common|organizations|consumers)(\/|$)/i;

function settingError(
  code: string,
  message: string,
  fix: string,
  location: ErrorLocation = {},
  kind: ErrorKind = 'usage',
): SvdError {
  return new SvdError({ kind, code, message, location, fix });
}

function isLoopback(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return host === '127.0.0.1' || host === '[::1]' || host === 'localhost';
}

/**
 * The issuer as a URL: https, or http on loopback only (tests and development). Refused before
 * any request is made.
 */
export function checkIssuer(issuer: string, field: string = OIDC_ENV.issuer): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw settingError(
      'OIDC_SETTING_INVALID',
      `the issuer ${quoteValue(issuer)} is not a URL`,
      `set ${OIDC_ENV.issuer} to the provider's issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0`,
      { field, value: issuer },
    );
  }
  if (url.protocol === 'http:' && !isLoopback(url)) {
    throw settingError(
      'OIDC_INSECURE_ISSUER',
      `the issuer ${quoteValue(issuer)} is plain http: sign-in would travel unencrypted`,
      `use the provider's https issuer (plain http is accepted only on 127.0.0.1, ::1 or localhost, for testing)`,
      { field, value: issuer },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw settingError(
      'OIDC_SETTING_INVALID',
      `the issuer ${quoteValue(issuer)} is not an https URL`,
      `set ${OIDC_ENV.issuer} to the provider's https issuer`,
      { field, value: issuer },
    );
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw settingError(
      'OIDC_SETTING_INVALID',
      `the issuer ${quoteValue(issuer)} has a query, a fragment or credentials`,
      `set ${OIDC_ENV.issuer} to the issuer exactly as the provider names it (no ?, # or user@)`,
      { field, value: issuer },
    );
  }
  if (
    url.hostname.toLowerCase() === 'login.microsoftonline.com' &&
    ENTRA_MULTI_TENANT.test(url.pathname)
  ) {
    throw settingError(
      'OIDC_SETTING_INVALID',
      `the issuer ${quoteValue(issuer)} is Entra ID's multi-tenant endpoint: accounts of any organisation could sign in`,
      `use your tenant's own issuer: https://login.microsoftonline.com/<tenant-id>/v2.0`,
      { field, value: issuer },
    );
  }
  return url;
}

function checkRedirectUri(redirectUri: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw settingError(
      'OIDC_SETTING_INVALID',
      `the redirect URI ${quoteValue(redirectUri)} is not a URL`,
      `set ${OIDC_ENV.redirectUri} to the address of svd's callback, e.g. https://svd.example.org/auth/oidc/callback, and register it with the provider`,
      { field, value: redirectUri },
    );
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url));
  if (!secure || url.hash !== '') {
    throw settingError(
      'OIDC_SETTING_INVALID',
      `the redirect URI ${quoteValue(redirectUri)} must be an https address without a fragment`,
      `set ${OIDC_ENV.redirectUri} to https://<svd's address>/auth/oidc/callback (plain http only on loopback, for testing)`,
      { field, value: redirectUri },
    );
  }
  return url;
}

function checkScopes(scopes: string, field: string): string {
  const list = scopes.split(/\s+/).filter((s) => s !== '');
  if (!list.includes('openid')) {
    throw settingError(
      'OIDC_SETTING_INVALID',
      `the scopes ${quoteValue(scopes)} do not include "openid"`,
      `give space-separated scopes including openid, e.g. "${DEFAULT_OIDC_SCOPES}"`,
      { field, value: scopes },
    );
  }
  return list.join(' ');
}

/** A value given, trimmed; an empty string counts as not given. */
function given(value: string | undefined): string | undefined {
  const clean = value?.trim();
  return clean === undefined || clean === '' ? undefined : clean;
}

function readSecretFile(file: string, field: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw settingError(
      'OIDC_SETTING_INVALID',
      code === 'ENOENT'
        ? 'the client secret file does not exist'
        : `the client secret file cannot be read${code === undefined ? '' : ` (${code})`}`,
      `write the client secret in ${file}, readable by svd only, or set ${OIDC_ENV.clientSecret}`,
      { file, field },
    );
  }
  const secret = text.trim();
  if (secret === '') {
    throw settingError(
      'OIDC_SETTING_INVALID',
      'the client secret file is empty',
      `write the client secret issued by the provider in ${file}`,
      { file, field },
    );
  }
  return secret;
}

/**
 * The sign-in settings from the command's options and the environment (options win), or null
 * when none is given: sign-in through a provider is then off. The secret comes from
 * SVD_OIDC_CLIENT_SECRET or a file, never from the command line, where other users of the machine
 * could read it.
 */
export function readOidcSettings(
  options: OidcOptions = {},
  env: NodeJS.ProcessEnv = {},
): OidcSettings | null {
  if ((options as Record<string, unknown>)['oidcClientSecret'] !== undefined) {
    throw settingError(
      'OIDC_SECRET_ON_COMMAND_LINE',
      'the client secret was given on the command line, where other users of the machine can read it',
      `set ${OIDC_ENV.clientSecret} in the environment or give ${OPTION_NAMES.clientSecretFile} <file>`,
      { field: '--oidc-client-secret' },
    );
  }
  const pick = (key: keyof typeof OPTION_NAMES, option: string | undefined) => {
    const fromOption = given(option);
    if (fromOption !== undefined) return { value: fromOption, field: OPTION_NAMES[key] };
    const fromEnv = given(env[OIDC_ENV[key]]);
    if (fromEnv !== undefined) return { value: fromEnv, field: OIDC_ENV[key] };
    return undefined;
  };
  const issuer = pick('issuer', options.oidcIssuer);
  const clientId = pick('clientId', options.oidcClientId);
  const redirectUri = pick('redirectUri', options.oidcRedirectUri);
  const secretFile = pick('clientSecretFile', options.oidcClientSecretFile);
  const secret = given(env[OIDC_ENV.clientSecret]);
  const scopes = pick('scopes', options.oidcScopes);
  const label = pick('label', options.oidcLabel);

  const anything = [issuer, clientId, redirectUri, secretFile, scopes, label].some(
    (v) => v !== undefined,
  );
  if (!anything && secret === undefined) return null;

  const missing = (
    [
      [
        'issuer',
        issuer,
        "the provider's issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0",
      ],
      ['clientId', clientId, "svd's application (client) ID at the provider"],
      [
        'redirectUri',
        redirectUri,
        "the address of svd's callback, e.g. https://svd.example.org/auth/oidc/callback",
      ],
    ] as const
  ).filter(([, value]) => value === undefined);
  if (missing.length > 0) {
    const names = missing.map(([key]) => `${OIDC_ENV[key]} (or ${OPTION_NAMES[key]})`);
    throw new SvdError({
      kind: 'usage',
      code: 'OIDC_SETTING_MISSING',
      message: `sign-in through an identity provider needs ${names.join(', ')}`,
      location: { field: OIDC_ENV[missing[0]![0]] },
      problems: missing.map(([key, , what]) => ({
        field: OIDC_ENV[key],
        message: `not set: ${what}`,
      })),
      fix: `set ${missing.map(([key]) => OIDC_ENV[key]).join(', ')}, or unset every SVD_OIDC_ variable to turn sign-in through a provider off`,
    });
  }
  if (secret !== undefined && secretFile !== undefined) {
    throw settingError(
      'OIDC_SETTING_INVALID',
      `the client secret is given twice: in ${OIDC_ENV.clientSecret} and by ${secretFile.field}`,
      `keep one of them`,
      { field: secretFile.field },
    );
  }

  checkIssuer(issuer!.value, issuer!.field);
  checkRedirectUri(redirectUri!.value, redirectUri!.field);
  const settings: OidcSettings = {
    issuer: issuer!.value,
    clientId: clientId!.value,
    redirectUri: redirectUri!.value,
    scopes: scopes === undefined ? DEFAULT_OIDC_SCOPES : checkScopes(scopes.value, scopes.field),
    label: label?.value ?? DEFAULT_OIDC_LABEL,
  };
  const clientSecret =
    secretFile === undefined ? secret : readSecretFile(secretFile.value, secretFile.field);
  if (clientSecret !== undefined) settings.clientSecret = clientSecret;
  return settings;
}

/** 32 random bytes, base64url: state, nonce and PKCE verifier (43 characters). */
function randomValue(): string {
  return randomBytes(32).toString('base64url');
}

function sameValue(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Walk an error and its causes. */
function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function timedOut(error: unknown): boolean {
  for (const e of causes(error)) {
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
  }
  return false;
}

/**
 * How a request failed to get any answer: the system's or the HTTP client's code (ECONNREFUSED,
 * ENOTFOUND, UND_ERR_SOCKET…), "no connection" when fetch failed without one; undefined when
 * there was an answer.
 */
function networkFailure(error: unknown): string | undefined {
  for (const e of causes(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
  }
  if (error instanceof TypeError && error.message === 'fetch failed') return 'no connection';
  return undefined;
}

/** What openid-client said went wrong, without any value that could be secret. */
function clientReason(error: unknown, secrets: readonly string[]): string {
  if (error instanceof client.ResponseBodyError) {
    const description = error.error_description;
    return description === undefined
      ? `the provider answered ${quoteValue(scrub(error.error, secrets))}`
      : `the provider answered ${quoteValue(scrub(error.error, secrets))}: ${quoteValue(scrub(description, secrets), 200)}`;
  }
  if (error instanceof client.ClientError && error.cause instanceof Error) {
    // The library's own words for the check that failed ('unexpected ID Token "nonce" claim
    // value'); the values it compared stay in the cause, which is not kept.
    return quoteValue(scrub(`${error.message}: ${error.cause.message}`, secrets), 200);
  }
  if (error instanceof Error) return quoteValue(scrub(error.message, secrets), 200);
  return 'an unexpected failure';
}

/** Remove every secret value from text that came from outside (the provider, the library). */
function scrub(text: string, secrets: readonly string[]): string {
  let clean = text;
  // Short values are not secrets svd makes (those are 43 characters) and would hide ordinary words.
  for (const secret of secrets)
    if (secret.length >= 8) clean = clean.split(secret).join('[hidden]');
  // Printable characters only: what the provider says is shown to people.
  return clean.replace(/[^\x20-\x7e]/g, '?');
}

function stringClaim(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The address to match: the `email` claim; when the provider gives none (Entra ID without the
 * optional `email` claim), `preferred_username` or else `upn` when it is an address — in a tenant
 * those are on the tenant's verified domains, and the issuer is pinned to one tenant.
 */
function identityEmail(
  claims: Record<string, unknown>,
): Pick<OidcIdentity, 'email' | 'emailVerified' | 'emailClaim'> {
  const email = stringClaim(claims, 'email');
  if (email !== null) {
    const verified = claims['email_verified'];
    return {
      email: email.toLowerCase(),
      emailVerified: typeof verified === 'boolean' ? verified : null,
      emailClaim: 'email',
    };
  }
  for (const name of ['preferred_username', 'upn'] as const) {
    const value = stringClaim(claims, name);
    if (value !== null && EMAIL_SHAPE.test(value)) {
      return { email: value.toLowerCase(), emailVerified: null, emailClaim: name };
    }
  }
  return { email: null, emailVerified: null, emailClaim: null };
}

export interface DiscoverOptions {
  /** Pins time for the expiry of pending sign-ins. */
  clock?: Clock;
  /** Seconds before discovery and token requests give up; default {@link OIDC_TIMEOUT_SECONDS}. */
  timeoutSeconds?: number;
}

export class OidcRelyingParty {
  readonly label: string;
  readonly issuer: string;

  private constructor(
    private readonly config: client.Configuration,
    private readonly settings: OidcSettings,
    private readonly scopes: string,
    private readonly clock: Clock,
    private readonly timeoutSeconds: number,
  ) {
    this.label = settings.label ?? DEFAULT_OIDC_LABEL;
    this.issuer = settings.issuer;
  }

  /**
   * Reads the provider's discovery document (its endpoints and keys). Plain http is refused
   * before any request unless the issuer is on loopback; then, and only then, this configuration
   * allows http.
   */
  static async discover(
    settings: OidcSettings,
    options: DiscoverOptions = {},
  ): Promise<OidcRelyingParty> {
    const issuerUrl = checkIssuer(settings.issuer);
    checkRedirectUri(settings.redirectUri, OIDC_ENV.redirectUri);
    const scopes = checkScopes(settings.scopes ?? DEFAULT_OIDC_SCOPES, OIDC_ENV.scopes);
    if (settings.clientId.trim() === '') {
      throw settingError(
        'OIDC_SETTING_MISSING',
        'the client ID is empty',
        `set ${OIDC_ENV.clientId} to svd's application (client) ID at the provider`,
        { field: OIDC_ENV.clientId },
      );
    }
    const timeoutSeconds = options.timeoutSeconds ?? OIDC_TIMEOUT_SECONDS;
    const secret = settings.clientSecret;
    const execute = issuerUrl.protocol === 'http:' ? [client.allowInsecureRequests] : [];
    let config: client.Configuration;
    try {
      config = await client.discovery(
        issuerUrl,
        settings.clientId,
        secret === undefined ? undefined : { client_secret: secret },
        secret === undefined ? client.None() : secretAuthentication(secret),
        { execute, timeout: timeoutSeconds },
      );
    } catch (error) {
      throw discoveryError(
        settings.issuer,
        error,
        timeoutSeconds,
        secret === undefined ? [] : [secret],
      );
    }
    if (config.serverMetadata().issuer.includes('{tenantid}')) {
      throw settingError(
        'OIDC_SETTING_INVALID',
        `the issuer ${quoteValue(settings.issuer)} is a multi-tenant endpoint: accounts of any organisation could sign in`,
        `use your tenant's own issuer: https://login.microsoftonline.com/<tenant-id>/v2.0`,
        { field: OIDC_ENV.issuer, value: settings.issuer },
      );
    }
    return new OidcRelyingParty(
      config,
      settings,
      scopes,
      options.clock ?? systemClock,
      timeoutSeconds,
    );
  }

  /** A new authorization request: the provider URL to send the browser to, and what to keep (server-side) until it returns. */
  start(): { url: string; pending: PendingSignIn } {
    const pending: PendingSignIn = {
      state: randomValue(),
      nonce: randomValue(),
      codeVerifier: randomValue(),
      createdAt: this.clock.now().getTime(),
    };
    const url = client.buildAuthorizationUrl(this.config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.scopes,
      response_type: 'code',
      code_challenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /**
   * The browser came back to the redirect URI (its full URL): checks the sign-in is recent and
   * its state, exchanges the code (with the PKCE verifier) and checks the ID token (signature,
   * issuer, audience, expiry, nonce); the identity.
   */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<OidcIdentity> {
    const age = this.clock.now().getTime() - pending.createdAt;
    if (!(age <= OIDC_SIGN_IN_LIFETIME_MS)) {
      throw new SvdError({
        kind: 'input',
        code: 'OIDC_SIGN_IN_EXPIRED',
        message: `the sign-in was started more than ${OIDC_SIGN_IN_LIFETIME_MS / 60_000} minutes ago`,
        fix: 'sign in again',
      });
    }
    const params = callbackUrl.searchParams;
    const state = params.get('state');
    // An error without a state is still shown: it grants nothing. A state that is there must match.
    if (
      (state === null && params.get('error') === null) ||
      (state !== null && !sameValue(state, pending.state))
    ) {
      throw new SvdError({
        kind: 'input',
        code: 'OIDC_STATE_MISMATCH',
        message:
          state === null
            ? 'the answer from the identity provider carries no state'
            : 'the answer from the identity provider does not belong to this sign-in (its state differs)',
        fix: 'sign in again from the sign-in page, in the same browser',
      });
    }
    const providerError = params.get('error');
    if (providerError !== null) {
      const secrets = this.secrets(pending, params);
      const description = params.get('error_description');
      throw new SvdError({
        kind: 'input',
        code: 'OIDC_PROVIDER_ERROR',
        message: `the identity provider refused the sign-in: ${quoteValue(scrub(providerError, secrets))}${
          description === null ? '' : ` (${quoteValue(scrub(description, secrets), 200)})`
        }`,
        fix:
          providerError === 'access_denied'
            ? 'sign in again and accept; if the provider does not let you, ask its administrator to assign you to svd'
            : 'sign in again; if it keeps failing, give this message to the administrator of the identity provider',
      });
    }
    // The redirect URI as registered, with the parameters the provider sent (behind a proxy
    // the address the request arrived at may differ from the one the provider knows).
    const current = new URL(this.settings.redirectUri);
    for (const [key, value] of params) current.searchParams.append(key, value);

    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(this.config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      throw this.tokenError(error, pending, params);
    }
    if (claims === undefined || typeof claims['sub'] !== 'string') {
      throw new SvdError({
        kind: 'input',
        code: 'OIDC_TOKEN_REJECTED',
        message: 'the identity provider gave no ID token with a subject',
        fix: `check that the application at the provider is an OpenID Connect application and that the scopes include openid`,
      });
    }
    return {
      issuer: String(claims['iss']),
      subject: claims['sub'],
      ...identityEmail(claims),
      name: stringClaim(claims, 'name'),
    };
  }

  private secrets(pending: PendingSignIn, params: URLSearchParams): string[] {
    const values = [pending.codeVerifier, pending.nonce, pending.state, params.get('code') ?? ''];
    if (this.settings.clientSecret !== undefined) values.push(this.settings.clientSecret);
    return values;
  }

  private tokenError(error: unknown, pending: PendingSignIn, params: URLSearchParams): SvdError {
    const secrets = this.secrets(pending, params);
    if (timedOut(error)) {
      return new SvdError({
        kind: 'network',
        code: 'OIDC_PROVIDER_UNREACHABLE',
        message: `the identity provider at ${this.issuer} did not answer the token request within ${this.timeoutSeconds} s`,
        fix: 'sign in again; if it keeps failing, check the network between svd and the provider',
      });
    }
    const connection = networkFailure(error);
    if (connection !== undefined) {
      return new SvdError({
        kind: 'network',
        code: 'OIDC_PROVIDER_UNREACHABLE',
        message: `the identity provider at ${this.issuer} could not be reached for the token request (${connection})`,
        fix: 'sign in again; if it keeps failing, check the network between svd and the provider',
      });
    }
    return new SvdError({
      kind: 'input',
      code: 'OIDC_TOKEN_REJECTED',
      message: `the sign-in could not be completed: ${clientReason(error, secrets)}`,
      fix: 'sign in again from the sign-in page (a sign-in link works once); if it keeps failing, check the client ID, secret and redirect URI registered at the provider',
    });
  }
}

/**
 * client_secret_basic when the provider offers it (or says nothing: the default of the
 * specification), client_secret_post otherwise; decided from the discovered metadata.
 */
function secretAuthentication(secret: string): client.ClientAuth {
  const basic = client.ClientSecretBasic(secret);
  const post = client.ClientSecretPost(secret);
  return (as, metadata, body, headers) => {
    const supported = as.token_endpoint_auth_methods_supported;
    const useBasic =
      supported === undefined ||
      supported.includes('client_secret_basic') ||
      !supported.includes('client_secret_post');
    (useBasic ? basic : post)(as, metadata, body, headers);
  };
}

function discoveryError(
  issuer: string,
  error: unknown,
  timeoutSeconds: number,
  secrets: readonly string[],
): SvdError {
  const fix = `check ${OIDC_ENV.issuer} (the provider's issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0) and the network between svd and the provider`;
  const location = { field: OIDC_ENV.issuer, value: issuer };
  let reason: string;
  if (timedOut(error)) reason = `it did not answer within ${timeoutSeconds} s`;
  else if (networkFailure(error) !== undefined)
    reason = `it could not be reached (${networkFailure(error)})`;
  else if (error instanceof client.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    const status = (error.cause as { status?: unknown } | undefined)?.status;
    reason = `it did not answer as an OpenID provider${typeof status === 'number' ? ` (HTTP ${status})` : ''}`;
  } else if (
    error instanceof client.ClientError &&
    error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON'
  )
    reason = 'its discovery document names another issuer';
  else reason = `it did not answer as an OpenID provider (${clientReason(error, secrets)})`;
  return new SvdError({
    kind: 'network',
    code: 'OIDC_DISCOVERY_FAILED',
    message: `the identity provider ${issuer} could not be used: ${reason}`,
    location,
    fix,
  });
}
