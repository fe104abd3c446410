/**
 * The sign-in screen: the partnership's identity provider (a plain link: the server redirects)
 * and/or a local account (email, password and the authenticator's six-digit code). The server
 * sets the session cookie (HttpOnly); the app only receives the session's answer.
 */
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { LocalSignIn, SessionAnswer } from '@api';
import { ApiError, signIn } from './api';
import { navigate } from './url';

export type SignInMethods = Extract<SessionAnswer, { signedIn: false }>['methods'];

/** The query parameter the server's OIDC callback sends the browser back with when it failed. */
export const SIGN_IN_ERROR_PARAM = 'sign-in-error';

/** What a failed sign-in through the identity provider means, in words. */
export function signInErrorWords(code: string, provider: string | null): string {
  const through = provider === null ? 'your organisation' : provider;
  switch (code) {
    case 'OIDC_TOKEN_REJECTED':
      return `Signing in through ${through} did not complete: svd could not accept the answer it gave. Try again; if it happens again, tell your partnership administrator.`;
    case 'USER_UNKNOWN':
      return `You signed in through ${through}, but no svd account belongs to you. Ask your partnership administrator to add you.`;
    case 'USER_DISABLED':
      return 'Your svd account is disabled. Ask your partnership administrator.';
    default:
      return `Signing in did not complete (${code}). Try again; if it happens again, tell your partnership administrator.`;
  }
}

export function SignInScreen({
  methods,
  ended,
  onSignedIn,
}: {
  methods: SignInMethods;
  /** The session ended (a request was answered "sign in"): say so. */
  ended: boolean;
  onSignedIn: (session: SessionAnswer) => void;
}) {
  const [providerError] = useState(() =>
    new URLSearchParams(window.location.search).get(SIGN_IN_ERROR_PARAM),
  );
  const emailField = useRef<HTMLInputElement>(null);
  const oidcLink = useRef<HTMLAnchorElement>(null);

  useEffect(() => {
    document.title = 'Sign in — Serious Violence Duty dashboard';
    // The first field, or the identity provider's link when there is no form.
    (emailField.current ?? oidcLink.current)?.focus();
    // The error is shown once, in words; the address is left as it was before.
    const params = new URLSearchParams(window.location.search);
    if (params.has(SIGN_IN_ERROR_PARAM)) {
      params.delete(SIGN_IN_ERROR_PARAM);
      navigate(window.location.pathname, params, true);
    }
  }, []);

  const oidc = methods.oidc;
  return (
    <main id="main" className="sign-in" tabIndex={-1}>
      <p className="sign-in-brand">svd</p>
      <h1>Sign in to the Serious Violence Duty dashboard</h1>
      {ended && (
        <p className="notice" role="alert" data-testid="session-ended">
          Your session has ended; sign in again.
        </p>
      )}
      {providerError !== null && (
        <div className="error" role="alert" data-testid="sign-in-error">
          <p>{signInErrorWords(providerError, oidc?.label ?? null)}</p>
        </div>
      )}
      {oidc !== null && (
        <p>
          <a
            className="button-link"
            href="/auth/oidc/start"
            data-testid="sign-in-oidc"
            ref={oidcLink}
          >
            Sign in with {oidc.label}
          </a>
        </p>
      )}
      {methods.local && (
        <LocalForm onSignedIn={onSignedIn} firstField={emailField} otherMethod={oidc !== null} />
      )}
      {!methods.local && oidc === null && (
        <p className="error" role="alert">
          This server offers no way to sign in. Ask its administrator to configure local accounts or
          the partnership&apos;s identity provider.
        </p>
      )}
    </main>
  );
}

function LocalForm({
  onSignedIn,
  firstField,
  otherMethod,
}: {
  onSignedIn: (session: SessionAnswer) => void;
  firstField: RefObject<HTMLInputElement | null>;
  otherMethod: boolean;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const passwordField = useRef<HTMLInputElement>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setSending(true);
    setError(null);
    const body: LocalSignIn = { email: email.trim(), password, code: code.replace(/\s/g, '') };
    signIn<SessionAnswer>('/api/session', body).then(
      (session) => onSignedIn(session),
      (err: unknown) => {
        setError(
          err instanceof ApiError
            ? err
            : new ApiError(0, {
                kind: 'network',
                code: 'NETWORK',
                message: 'the sign-in did not reach the server',
                fix: 'check the connection and try again',
              }),
        );
        // One message whatever was wrong: the secrets are asked again, the email is kept.
        setPassword('');
        setCode('');
        setSending(false);
        passwordField.current?.focus();
      },
    );
  };

  return (
    <form className="sign-in-form" onSubmit={submit} aria-labelledby="local-h">
      <h2 id="local-h">
        {otherMethod ? 'Or sign in with an svd account' : 'Sign in with your svd account'}
      </h2>
      {error !== null && (
        <div className="error" role="alert" data-testid="sign-in-failed">
          <p>
            <strong>{error.body.message}</strong>
          </p>
          {error.status === 429 && error.retryAfter !== null && (
            <p>
              Try again in {error.retryAfter} second{error.retryAfter === 1 ? '' : 's'}.
            </p>
          )}
          {error.body.fix !== undefined && <p>What to do: {error.body.fix}</p>}
        </div>
      )}
      <label htmlFor="sign-in-email">Email</label>
      <input
        id="sign-in-email"
        ref={firstField}
        type="email"
        name="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <label htmlFor="sign-in-password">Password</label>
      <input
        id="sign-in-password"
        ref={passwordField}
        type="password"
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <label htmlFor="sign-in-code">Six-digit code</label>
      <p className="hint" id="sign-in-code-hint">
        The code your authenticator app shows for svd now.
      </p>
      <input
        id="sign-in-code"
        type="text"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        aria-describedby="sign-in-code-hint"
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <button type="submit" disabled={sending} data-testid="sign-in-submit">
        {sending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
