/**
 * How `svd serve` is reached and who may sign in, checked before anything is opened
 * (docs/decisions/0074-sign-in-and-enforcement.md):
 *
 * - no `--sign-in`: local single-user mode, loopback only (0069);
 * - `--sign-in local` (accounts with password and TOTP), `oidc` (the partnership's identity
 *   provider, from SVD_OIDC_* settings), or both;
 * - cookies are Secure whenever people reach it over HTTPS: TLS here (`--tls-cert`, `--tls-key`)
 *   or `--public-url https://…` behind a reverse proxy;
 * - an address other than loopback needs sign-in and HTTPS (a session cookie must never travel
 *   in clear over a network).
 */
import { readFileSync } from 'node:fs';
import { SvdError, errorMessage, quoteValue, usageError } from '../core/errors.js';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from './sessions.js';
import { isLoopbackAddress } from './requestGuard.js';
import { checkBindAddress } from './localAccess.js';

export const SIGN_IN_METHODS = ['local', 'oidc'] as const;
export type SignInMethodName = (typeof SIGN_IN_METHODS)[number];

export interface ServeAccessOptions {
  host: string;
  /** `--sign-in`: comma-separated methods; undefined: local single-user mode. */
  signIn?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** `--public-url`: the address people use, e.g. https://svd.example.org. */
  publicUrl?: string;
  /** `--trust-proxy`: addresses of the reverse proxies whose forwarded headers are believed. */
  trustProxy?: string;
  sessionIdleMinutes?: string;
  sessionHours?: string;
  /** `--allow-upload` (named in the refusal of another address without sign-in). */
  allowUpload?: boolean;
}

export interface ServeAccess {
  methods: SignInMethodName[] | null;
  tls: { cert: Buffer; key: Buffer } | undefined;
  publicUrl: URL | null;
  trustProxy: string[];
  sessions: SessionSettings;
}

export function parseSignInMethods(text: string): SignInMethodName[] {
  const methods = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const m of methods)
    if (!(SIGN_IN_METHODS as readonly string[]).includes(m))
      throw usageError(
        'BAD_SIGN_IN',
        `--sign-in ${quoteValue(m)} is not a way of signing in`,
        `give local, oidc or local,oidc`,
      );
  if (methods.length === 0)
    throw usageError('BAD_SIGN_IN', '--sign-in names no method', 'give local, oidc or local,oidc');
  return [...new Set(methods)] as SignInMethodName[];
}

function wholeNumber(
  name: string,
  text: string | undefined,
  fallback: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max)
    throw usageError(
      'BAD_SESSION_TIME',
      `${name} ${quoteValue(text)} is not a whole number from 1 to ${max}`,
      `e.g. ${name} ${fallback}`,
    );
  return n;
}

function readPem(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new SvdError({
      kind: 'usage',
      code: 'TLS_FILE_UNREADABLE',
      message: `cannot read ${option} ${quoteValue(file)}: ${errorMessage(error)}`,
      location: { file, field: option },
      fix: `give the PEM file of the ${option === '--tls-cert' ? 'certificate (with its chain)' : 'private key'}`,
    });
  }
}

/** The access settings of `svd serve`, or a refusal naming the option and the fix. */
export function readServeAccess(options: ServeAccessOptions): ServeAccess {
  const methods = options.signIn === undefined ? null : parseSignInMethods(options.signIn);
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined))
    throw usageError(
      'TLS_INCOMPLETE',
      `${options.tlsCert === undefined ? '--tls-key' : '--tls-cert'} was given without ${options.tlsCert === undefined ? '--tls-cert' : '--tls-key'}`,
      'give both the certificate and its key',
    );
  const tls =
    options.tlsCert === undefined || options.tlsKey === undefined
      ? undefined
      : { cert: readPem('--tls-cert', options.tlsCert), key: readPem('--tls-key', options.tlsKey) };
  let publicUrl: URL | null = null;
  if (options.publicUrl !== undefined) {
    try {
      publicUrl = new URL(options.publicUrl);
    } catch {
      publicUrl = null;
    }
    if (publicUrl === null || !['http:', 'https:'].includes(publicUrl.protocol))
      throw usageError(
        'BAD_PUBLIC_URL',
        `--public-url ${quoteValue(options.publicUrl)} is not an http(s) address`,
        'give the address people open, e.g. https://svd.example.org',
      );
  }
  const trustProxy =
    options.trustProxy === undefined
      ? []
      : options.trustProxy
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  const secure = tls !== undefined || publicUrl?.protocol === 'https:';
  const sessions: SessionSettings = {
    idleMinutes: wholeNumber(
      '--session-idle-minutes',
      options.sessionIdleMinutes,
      DEFAULT_SESSION_SETTINGS.idleMinutes,
      24 * 60,
    ),
    absoluteHours: wholeNumber(
      '--session-hours',
      options.sessionHours,
      DEFAULT_SESSION_SETTINGS.absoluteHours,
      7 * 24,
    ),
    secureCookie: secure,
  };
  if (sessions.idleMinutes > sessions.absoluteHours * 60)
    throw usageError(
      'BAD_SESSION_TIME',
      `--session-idle-minutes ${sessions.idleMinutes} is longer than --session-hours ${sessions.absoluteHours}`,
      'give an idle time within the session’s length',
    );
  // Without sign-in: this computer only (the one refusal of local single-user mode).
  if (methods === null) checkBindAddress(options.host, options.allowUpload === true);
  if (!isLoopbackAddress(options.host)) {
    if (!secure)
      throw usageError(
        'HTTPS_REQUIRED',
        `--host ${options.host} with sign-in needs HTTPS: session cookies and passwords must not cross a network in clear`,
        'give --tls-cert FILE --tls-key FILE, or put an HTTPS reverse proxy in front and give --public-url https://NAME (and --trust-proxy ITS-ADDRESS)',
      );
  }
  return { methods, tls, publicUrl, trustProxy, sessions };
}
