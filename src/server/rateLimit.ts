/**
 * Rate limits, per user and per address (docs/decisions/0074-sign-in-and-enforcement.md): a fixed
 * window of counts per key. Over the limit, the request is refused with 429 and Retry-After
 * (the seconds until the window ends); nothing of it is done.
 */
import { SvdError } from '../core/errors.js';

export interface Limit {
  /** At most this many… */
  count: number;
  /** …in this many seconds. */
  seconds: number;
}

/** The limits used unless told otherwise. */
export const RATE_LIMITS = {
  /** Sign-in attempts from one address. */
  signInPerAddress: { count: 20, seconds: 15 * 60 },
  /** Failed sign-ins of one account, after which it waits (whoever tries). */
  failuresPerAccount: { count: 5, seconds: 15 * 60 },
  /** Requests of one signed-in user. */
  requestsPerUser: { count: 600, seconds: 60 },
  /** Requests from one address without a session. */
  requestsPerAddress: { count: 300, seconds: 60 },
} as const satisfies Record<string, Limit>;

/** A refusal over a limit; the server answers 429 with Retry-After. */
export class RateLimited extends SvdError {
  constructor(
    message: string,
    /** Seconds until the window ends. */
    readonly retryAfter: number,
  ) {
    super({
      kind: 'usage',
      code: 'RATE_LIMITED',
      message,
      fix: `wait ${describeSeconds(retryAfter)} and try again`,
    });
  }
}

interface Window {
  start: number;
  count: number;
}

/** Keys kept at most; the oldest windows go first. */
const MAX_KEYS = 100_000;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  /**
   * Counts one event of `key` at `now` (ms) and refuses it when over the limit. `peek` only
   * checks (a failed sign-in is counted after it failed, but refused before it is tried).
   */
  take(key: string, limit: Limit, now: number, what: string, peek = false): void {
    let w = this.windows.get(key);
    if (w === undefined || now - w.start >= limit.seconds * 1000) {
      w = { start: now, count: 0 };
      this.windows.delete(key);
      this.windows.set(key, w);
      while (this.windows.size > MAX_KEYS) this.windows.delete(this.windows.keys().next().value!);
    }
    if (w.count >= limit.count) {
      const retryAfter = Math.max(1, Math.ceil((w.start + limit.seconds * 1000 - now) / 1000));
      throw new RateLimited(
        `too many ${what}: at most ${limit.count} in ${describeSeconds(limit.seconds)}`,
        retryAfter,
      );
    }
    if (!peek) w.count++;
  }

  /** Forgets a key (e.g. an account's failures after it signs in). */
  reset(key: string): void {
    this.windows.delete(key);
  }
}

function describeSeconds(s: number): string {
  if (s % 60 === 0 && s >= 60) return `${s / 60} minute${s === 60 ? '' : 's'}`;
  return `${s} second${s === 1 ? '' : 's'}`;
}
