/**
 * Which requests the dashboard answers. svd has no sign-in, so it serves this computer only, and
 * a web page elsewhere must neither read it nor make it act:
 *
 * - **Host**: every request must name the server by one of its own names. A page on evil.example
 *   whose name is re-pointed to 127.0.0.1 (DNS rebinding) reaches the loopback port, but its
 *   requests say `Host: evil.example:8080`: answered 421 `HOST_NOT_ALLOWED`, never the page or
 *   data.
 * - **Origin**: every request other than GET, HEAD and OPTIONS must come from one of the server's
 *   own origins (`Origin`, else `Referer`); a browser saying `Sec-Fetch-Site: cross-site` never
 *   passes. A request carrying none of the three is not a browser's (the command line, `fetch`
 *   from Node, curl) and passes: a page cannot strip them all. Else 403 `ORIGIN_NOT_ALLOWED`.
 *
 * The names are resolved once; the port is asked for at each request, because `--port 0` is only
 * known once listening. Forwarded headers (X-Forwarded-Host…) are never read: trust proxy is off.
 * See docs/decisions/0069-host-origin-local-mode.md.
 */
import { SvdError, quoteValue } from '../core/errors.js';

/** A name the server answers to, with its port (`any` for names given with --allowed-host). */
export interface AllowedHost {
  /** Lower case; IPv6 addresses in brackets, as a Host header writes them. */
  name: string;
  port: number | 'any';
  /** The schemes of an Origin naming it: http only for the server's own names. */
  schemes: readonly ('http:' | 'https:')[];
}

export interface RequestGuardOptions {
  /** The address the server listens on. */
  bind: string;
  /** Names given with --allowed-host (`NAME` or `NAME:PORT`). */
  allowedHosts: readonly string[];
  /** The port the server answers on, asked at each request. */
  port: () => number;
  /** Served over TLS: its own origins are https. */
  tls?: boolean;
}

export interface GuardedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The names a loopback server answers to. */
export const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether an address given to --host is this computer only. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  return a === 'localhost' || a === '::1' || a === '[::1]' || /^127(\.\d{1,3}){3}$/.test(a);
}

/** An address as a Host header names it: lower case, IPv6 in brackets. */
function hostName(address: string): string {
  const a = address.toLowerCase();
  return a.includes(':') && !a.startsWith('[') ? `[${a}]` : a;
}

const NAME =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/** `name`, `name:port`, `[v6]` or `[v6]:port` as written in a Host header; undefined if not. */
function splitHost(text: string): { name: string; port: number | undefined } | undefined {
  const m = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text.toLowerCase());
  if (m === null) return undefined;
  const name = m[1]!;
  if (!NAME.test(name) && !IPV6.test(name)) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { name, port };
}

/** One --allowed-host value: a name or address, optionally with a port. */
export function parseAllowedHost(text: string): AllowedHost {
  const found = splitHost(text.trim());
  if (found === undefined)
    throw new SvdError({
      kind: 'usage',
      code: 'BAD_ALLOWED_HOST',
      message: `--allowed-host ${quoteValue(text)} is not a host name`,
      location: { field: '--allowed-host', value: text },
      fix: 'give the name the reverse proxy is reached by, without scheme or path, e.g. --allowed-host svd.example.org (or svd.example.org:8443 for that port only)',
    });
  return { name: found.name, port: found.port ?? 'any', schemes: ['http:', 'https:'] };
}

/** The names the server answers to: its own (with its port), then those given. */
export function allowedHosts(
  bind: string,
  given: readonly string[],
): { own: string[]; given: AllowedHost[] } {
  const own = isLoopbackAddress(bind)
    ? [...new Set<string>([...LOOPBACK_NAMES, hostName(bind)])]
    : [hostName(bind)];
  return { own, given: given.map(parseAllowedHost) };
}

/**
 * The guard of every request, as a Fastify `onRequest` hook: throws HOST_NOT_ALLOWED (421) or
 * ORIGIN_NOT_ALLOWED (403).
 */
export function requestGuard(options: RequestGuardOptions): (request: GuardedRequest) => void {
  const names = allowedHosts(options.bind, options.allowedHosts);
  const list = (): AllowedHost[] => [
    ...names.own.map((name) => ({
      name,
      port: options.port(),
      schemes: options.tls === true ? (['https:'] as const) : (['http:'] as const),
    })),
    ...names.given,
  ];
  const matches = (name: string, port: number, scheme: 'http:' | 'https:' | undefined): boolean =>
    list().some(
      (h) =>
        h.name === name &&
        (h.port === 'any' || h.port === port) &&
        (scheme === undefined || h.schemes.includes(scheme)),
    );
  const ownOrigin = (): string =>
    `${options.tls === true ? 'https' : 'http'}://${names.own[0]!}:${options.port()}`;

  return function guardRequest(request: GuardedRequest): void {
    const host = header(request, 'host');
    const parsed = host === undefined ? undefined : splitHost(host);
    if (parsed === undefined || !matches(parsed.name, parsed.port ?? 80, undefined))
      throw new SvdError({
        kind: 'usage',
        code: 'HOST_NOT_ALLOWED',
        message: `this svd dashboard does not answer to the name ${host === undefined ? '(none)' : quoteValue(host)}: it answers only to ${[...names.own.map((n) => `${n}:${options.port()}`), ...names.given.map(describeAllowed)].join(', ')}`,
        location: { field: 'Host', ...(host === undefined ? {} : { value: host }) },
        fix: `open ${ownOrigin()}/ on the computer running svd serve; to reach it through a reverse proxy under another name, start svd serve with --allowed-host NAME (repeatable)`,
      });
    if (SAFE_METHODS.has(request.method)) return;

    const path = request.url.split('?')[0]!;
    const refuse = (why: string, value?: string): SvdError =>
      new SvdError({
        kind: 'usage',
        code: 'ORIGIN_NOT_ALLOWED',
        message: `${request.method} ${path} is refused: ${why}; only the dashboard's own pages may send requests other than GET`,
        location: value === undefined ? { field: 'Origin' } : { field: 'Origin', value },
        fix: `send it from the dashboard itself (${ownOrigin()}/), or without a browser (the command line, curl); a reverse proxy's name must be given with --allowed-host`,
      });
    // Set by the browser and beyond a page's reach: a cross-site request never passes.
    const site = header(request, 'sec-fetch-site');
    if (site === 'cross-site') throw refuse('the browser says it comes from another site');
    const origin = header(request, 'origin');
    const referer = header(request, 'referer');
    const from = origin ?? referer;
    if (from === undefined) {
      // No Origin and no Referer: a browser that says where it comes from only by Sec-Fetch-Site
      // passes when it says "same-origin"; anything else from a browser is refused.
      if (site === undefined || site === 'same-origin') return;
      throw refuse(`the browser gives neither Origin nor Referer (Sec-Fetch-Site: ${site})`);
    }
    const source = originOf(from);
    if (
      source === undefined ||
      !matches(source.name, source.port, source.scheme as 'http:' | 'https:')
    )
      throw refuse(
        `it comes from ${quoteValue(from)}, not from this dashboard`,
        from.slice(0, 200),
      );
  };
}

function describeAllowed(h: AllowedHost): string {
  return h.port === 'any' ? h.name : `${h.name}:${h.port}`;
}

function header(request: GuardedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The scheme, name and port of an Origin or Referer; undefined for `null` or anything not http(s). */
function originOf(text: string): { scheme: string; name: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { scheme: url.protocol, name: url.hostname.toLowerCase(), port };
}
