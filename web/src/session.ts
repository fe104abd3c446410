/**
 * Who the dashboard is answering, held in one place: the CSRF token every request that is not a
 * GET carries, and the one signal that a request was answered "sign in" (401), which takes the
 * whole app back to the sign-in screen (docs/decisions/0077-web-sign-in.md).
 */
import { useEffect, useState } from 'react';
import type { SessionAnswer } from '@api';

/** A signed-in session of a partnership user (not the local single-user mode). */
export type SignedIn = Extract<SessionAnswer, { mode: 'sign-in'; signedIn: true }>;

let token: string | null = null;
let ended = 0;
const listeners = new Set<() => void>();

/** The token to send as `X-CSRF-Token`, while a partnership user is signed in. */
export function csrfToken(): string | null {
  return token;
}

/** Remembers the session's token (or forgets it: local mode, signed out). */
export function holdSession(session: SessionAnswer | null): void {
  token = session?.mode === 'sign-in' && session.signedIn ? session.csrfToken : null;
}

/** A request was answered 401: the session is over, whatever page asked. */
export function sessionEnded(): void {
  token = null;
  ended += 1;
  listeners.forEach((l) => l());
}

/** How many times the session has ended since the app started (a change means: sign in again). */
export function useSessionEnds(): number {
  const [count, setCount] = useState(ended);
  useEffect(() => {
    const update = (): void => setCount(ended);
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return count;
}
