/**
 * Sessions of signed-in users, held by the server (docs/decisions/0074-sign-in-and-enforcement.md).
 * The browser holds only a random identifier in an HttpOnly, SameSite=Strict cookie (Secure, and
 * named `__Host-…`, whenever the dashboard is reached over HTTPS); the server keeps who it is, its
 * CSRF token and its times. A session ends when idle for `idleMinutes`, after `absoluteHours` in
 * any case, on sign-out, and when its user is disabled (checked on every request).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SessionSettings {
  /** Minutes without a request after which a session ends (default 30). */
  idleMinutes: number;
  /** Hours after sign-in after which a session ends whatever is done (default 8). */
  absoluteHours: number;
  /** The cookie is sent over HTTPS only (TLS here, or an HTTPS reverse proxy in front). */
  secureCookie: boolean;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  idleMinutes: 30,
  absoluteHours: 8,
  secureCookie: false,
};

export type SignInMethod = 'local' | 'oidc';

export interface Session {
  userId: string;
  method: SignInMethod;
  csrfToken: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  lastSeenAt: number;
}

/** At most this many sessions are held; the least recently used goes first beyond it. */
const MAX_SESSIONS = 10_000;

const token = (): string => randomBytes(32).toString('base64url');
/** Sessions are kept by the hash of their identifier: a dump of memory names no usable cookie. */
const keyOf = (id: string): string => createHash('sha256').update(id).digest('base64url');

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(readonly settings: SessionSettings) {}

  get cookieName(): string {
    return this.settings.secureCookie ? '__Host-svd_session' : 'svd_session';
  }

  /** A new session: its identifier (for the cookie) and what the server keeps. */
  create(userId: string, method: SignInMethod, now: number): { id: string; session: Session } {
    const id = token();
    const session: Session = {
      userId,
      method,
      csrfToken: token(),
      createdAt: now,
      lastSeenAt: now,
    };
    this.sessions.set(keyOf(id), session);
    while (this.sessions.size > MAX_SESSIONS)
      this.sessions.delete(this.sessions.keys().next().value!);
    return { id, session };
  }

  /** The live session of this identifier, touched (its idle time starts again); expired ones go. */
  lookup(id: string | undefined, now: number): Session | undefined {
    if (id === undefined || id.length > 100) return undefined;
    const key = keyOf(id);
    const session = this.sessions.get(key);
    if (session === undefined) return undefined;
    if (now >= this.idleExpiry(session) || now >= this.absoluteExpiry(session)) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeenAt = now;
    // Most recently used last, so that the oldest is dropped first beyond the limit.
    this.sessions.delete(key);
    this.sessions.set(key, session);
    return session;
  }

  drop(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(keyOf(id));
  }

  /** Ends every session of a user (disabled, or their role changed). */
  dropUser(userId: string): void {
    for (const [key, s] of this.sessions) if (s.userId === userId) this.sessions.delete(key);
  }

  idleExpiry(session: Session): number {
    return session.lastSeenAt + this.settings.idleMinutes * 60_000;
  }

  absoluteExpiry(session: Session): number {
    return session.createdAt + this.settings.absoluteHours * 3_600_000;
  }

  /** The Set-Cookie value that gives the browser this session. */
  cookie(id: string): string {
    return cookieText(this.cookieName, id, {
      secure: this.settings.secureCookie,
      sameSite: 'Strict',
      maxAgeSeconds: this.settings.absoluteHours * 3600,
    });
  }

  /** The Set-Cookie value that removes it. */
  clearCookie(): string {
    return cookieText(this.cookieName, '', {
      secure: this.settings.secureCookie,
      sameSite: 'Strict',
      maxAgeSeconds: 0,
    });
  }
}

export function cookieText(
  name: string,
  value: string,
  options: { secure: boolean; sameSite: 'Strict' | 'Lax'; maxAgeSeconds: number; path?: string },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path ?? '/'}`,
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    `Max-Age=${options.maxAgeSeconds}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The value of one cookie of a request's Cookie header (the first of that name). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a request's CSRF header is the session's token (compared in constant time). */
export function csrfMatches(session: Session, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header);
  const expected = Buffer.from(session.csrfToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
