/**
 * Signing in and out (docs/decisions/0074-sign-in-and-enforcement.md): `/api/session` says who is
 * signed in and what they are shown; local accounts sign in with email, password and a TOTP code
 * (a code is used once: the same step again is refused); the partnership's identity provider
 * through `/auth/oidc/start` and `/auth/oidc/callback` (authorization code with PKCE). Every
 * sign-in, failed sign-in and sign-out is in the audit log; a failure says the same whatever was
 * wrong, so that nobody learns which accounts exist.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SvdError, errorMessage } from '../../core/errors.js';
import { verifyPassword, hashPassword } from '../../access/passwords.js';
import { base32Decode, verifyTotp } from '../../access/totp.js';
import { findOrganisation } from '../../access/organisations.js';
import { findUser, localCredentials, type User } from '../../access/users.js';
import type { LocalSignIn, SessionAnswer } from '../../api/session.js';
import { actorOf, notPermitted, type Principal } from '../accessGate.js';
import { cookieText, readCookie, type SignInMethod } from '../sessions.js';
import { RATE_LIMITS } from '../rateLimit.js';
import { queryObject, type RouteContext } from '../routeContext.js';
import type { OidcSignIn } from '../signInProvider.js';

const FAILED = 'the email address, password or code is not right';
const OIDC_COOKIE = 'svd_oidc';
const OIDC_PENDING_SECONDS = 600;

function signInFailed(): SvdError {
  return new SvdError({
    kind: 'usage',
    code: 'SIGN_IN_FAILED',
    message: FAILED,
    fix: 'check them and try again; after 5 failures the account waits 15 minutes',
  });
}

export function registerSessionRoutes(ctx: RouteContext): void {
  const { pool, gate } = ctx;
  const sessions = ctx.sessions;
  // The last TOTP step each account used: a code is good once (held here; see the decision note
  // for replicas).
  const lastStep = new Map<string, bigint>();
  const pendingOidc = new Map<string, { pending: unknown; createdAt: number }>();
  // A hash to check against when the account does not exist, so that a wrong email takes as long.
  const dummyHash = hashPassword(randomBytes(16).toString('hex'));

  const answerFor = (principal: Principal | null): SessionAnswer => {
    if (principal?.kind === 'local' || sessions === null)
      return { mode: 'local-single-user', signedIn: true, label: ctx.access.label };
    if (principal === null)
      return {
        mode: 'sign-in',
        signedIn: false,
        methods: {
          local: ctx.signIn.local,
          oidc: ctx.signIn.oidc === null ? null : { label: ctx.signIn.oidc.label },
        },
      };
    const { user, organisation, session, scope } = principal;
    return {
      mode: 'sign-in',
      signedIn: true,
      user: {
        id: user.id,
        name: user.display_name,
        email: user.email,
        role: user.role,
        organisation: { id: organisation.id, name: organisation.name, type: organisation.type },
      },
      csrfToken: session.csrfToken,
      idleExpiresAt: new Date(sessions.idleExpiry(session)).toISOString(),
      expiresAt: new Date(sessions.absoluteExpiry(session)).toISOString(),
      view: scope.view,
      grants: scope.grants,
      canUpload:
        ctx.uploadsAllowed &&
        scope.view === 'live' &&
        ['partnership-admin', 'data-governance-lead', 'analyst'].includes(user.role),
    };
  };

  /** Starts a session for a user who proved who they are; refused if they may not sign in now. */
  const startSession = async (
    user: User,
    method: SignInMethod,
    reply: FastifyReply,
  ): Promise<Principal | null> => {
    if (sessions === null) return null;
    const organisation = await pool.read((ws) => findOrganisation(ws, user.organisation));
    if (user.status !== 'active' || organisation === undefined || organisation.retired_at !== null)
      throw new SvdError({
        kind: 'usage',
        code: 'USER_DISABLED',
        message: 'this account is disabled',
        fix: 'ask a partnership administrator',
      });
    // A new identifier at every sign-in; one the browser brought is dropped (no fixation).
    sessions.drop(readCookie(reply.request.headers.cookie, sessions.cookieName));
    const { id, session } = sessions.create(user.id, method, ctx.clock.now().getTime());
    void reply.header('Set-Cookie', sessions.cookie(id));
    ctx.audit({
      actor: {
        kind: 'user',
        name: user.email,
        organisation: user.organisation,
        userId: user.id,
        role: user.role,
      },
      action: 'sign-in',
      target: method,
      detail: { method },
    });
    return gate.forSession(session);
  };

  const refused = (email: string, method: SignInMethod, reason: string): void =>
    ctx.audit({
      actor: { kind: 'user', name: email.slice(0, 254) },
      action: 'sign-in-refused',
      target: method,
      detail: { method, reason },
    });

  ctx.route(
    {
      method: 'GET',
      url: '/api/session',
      summary: 'who is signed in, what they are shown and their CSRF token; or how to sign in',
      access: 'open',
    },
    async (request) => answerFor(await gate.principal(request)),
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/session',
      summary:
        'a local account signs in with email, password and the code of its authenticator app',
      access: 'open',
      body: {
        ...queryObject(
          {
            email: { type: 'string', minLength: 3, maxLength: 254 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
            code: { type: 'string', maxLength: 12 },
          },
          ['email', 'password', 'code'],
        ),
      },
    },
    async (request, reply): Promise<SessionAnswer> => {
      if (sessions === null || !ctx.signIn.local)
        throw notPermitted(
          sessions === null
            ? 'this dashboard runs in local single-user mode: there is nothing to sign in to'
            : 'local accounts are not used here',
          sessions === null ? 'open the dashboard' : 'sign in with the identity provider',
        );
      const body = request.body as LocalSignIn;
      const email = body.email.trim().toLowerCase();
      const now = ctx.clock.now();
      ctx.limiter.take(
        `sign-in:${request.ip}`,
        RATE_LIMITS.signInPerAddress,
        now.getTime(),
        'sign-in attempts from this address',
      );
      ctx.limiter.take(
        `failures:${email}`,
        RATE_LIMITS.failuresPerAccount,
        now.getTime(),
        'failed sign-ins of this account',
        true,
      );
      const found = await pool.read((ws) => localCredentials(ws, email));
      const passwordOk = await verifyPassword(
        body.password,
        found?.passwordHash ?? (await dummyHash),
      );
      let reason: string | null = null;
      let step: bigint | null = null;
      if (found === undefined) reason = 'no such local account';
      else if (!passwordOk) reason = 'wrong password';
      else if (found.totpSecret === null) reason = 'no authenticator set up';
      else {
        const key = base32Decode(found.totpSecret);
        step =
          key === undefined
            ? null
            : verifyTotp(key, body.code.trim(), Math.floor(now.getTime() / 1000));
        if (step === null) reason = 'wrong code';
        else if ((lastStep.get(found.user.id) ?? -1n) >= step) reason = 'code already used';
      }
      if (reason !== null || found === undefined) {
        ctx.limiter.take(
          `failures:${email}`,
          RATE_LIMITS.failuresPerAccount,
          now.getTime(),
          'failed sign-ins of this account',
        );
        refused(email, 'local', reason ?? 'no such local account');
        throw signInFailed();
      }
      lastStep.set(found.user.id, step!);
      let principal: Principal | null;
      try {
        principal = await startSession(found.user, 'local', reply);
      } catch (error) {
        refused(email, 'local', errorMessage(error));
        throw signInFailed();
      }
      ctx.limiter.reset(`failures:${email}`);
      // The first good code proves the authenticator is set up: recorded once (a write).
      if (!found.user.totp_confirmed && pool.writable)
        await pool
          .write((ws) =>
            ws.db.run(`UPDATE users SET totp_confirmed = true WHERE id = $id`, {
              id: found.user.id,
            }),
          )
          .catch((error: unknown) =>
            ctx.reporter.warn(
              `could not record that ${email} confirmed their authenticator: ${errorMessage(error)}`,
            ),
          );
      return answerFor(principal);
    },
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/session/sign-out',
      summary: 'ends the session',
      access: 'signed-in',
    },
    async (request, reply) => {
      const principal = await gate.principal(request);
      if (sessions !== null) {
        sessions.drop(readCookie(request.headers.cookie, sessions.cookieName));
        void reply.header('Set-Cookie', sessions.clearCookie());
      }
      if (principal?.kind === 'user')
        ctx.audit({
          actor: actorOf(principal),
          action: 'sign-out',
          target: principal.session.method,
        });
      return reply.status(204).send();
    },
  );

  const oidc = ctx.signIn.oidc;
  ctx.route(
    {
      method: 'GET',
      url: '/auth/oidc/start',
      summary: "sends the browser to the partnership's identity provider to sign in",
      access: 'open',
    },
    async (request, reply) => {
      if (oidc === null || sessions === null)
        throw notPermitted(
          'signing in through an identity provider is not set up here',
          'ask the partnership administrator',
        );
      ctx.limiter.take(
        `sign-in:${request.ip}`,
        RATE_LIMITS.signInPerAddress,
        ctx.clock.now().getTime(),
        'sign-in attempts from this address',
      );
      const { url, pending } = oidc.start();
      const id = randomBytes(24).toString('base64url');
      pendingOidc.set(id, { pending, createdAt: ctx.clock.now().getTime() });
      for (const [k, v] of pendingOidc)
        if (ctx.clock.now().getTime() - v.createdAt > OIDC_PENDING_SECONDS * 1000)
          pendingOidc.delete(k);
      // Lax: the provider sends the browser back with a top-level GET from its own site.
      void reply.header(
        'Set-Cookie',
        cookieText(OIDC_COOKIE, id, {
          secure: sessions.settings.secureCookie,
          sameSite: 'Lax',
          maxAgeSeconds: OIDC_PENDING_SECONDS,
          path: '/auth/oidc',
        }),
      );
      return reply.redirect(url, 302);
    },
  );

  ctx.route(
    {
      method: 'GET',
      url: '/auth/oidc/callback',
      summary:
        'where the identity provider sends the browser back; then to the dashboard, signed in',
      access: 'open',
    },
    async (request: FastifyRequest, reply) => {
      if (oidc === null || sessions === null)
        throw notPermitted(
          'signing in through an identity provider is not set up here',
          'ask the partnership administrator',
        );
      const id = readCookie(request.headers.cookie, OIDC_COOKIE);
      const held = id === undefined ? undefined : pendingOidc.get(id);
      if (id !== undefined) pendingOidc.delete(id);
      void reply.header(
        'Set-Cookie',
        cookieText(OIDC_COOKIE, '', {
          secure: sessions.settings.secureCookie,
          sameSite: 'Lax',
          maxAgeSeconds: 0,
          path: '/auth/oidc',
        }),
      );
      const fail = (code: string, who: string, reason: string) => {
        refused(who, 'oidc', reason);
        return reply.redirect(`/?sign-in-error=${encodeURIComponent(code)}`, 302);
      };
      if (held === undefined)
        return fail(
          'OIDC_SIGN_IN_EXPIRED',
          '(unknown)',
          'no sign-in was started from this browser, or it expired',
        );
      let identity: Awaited<ReturnType<OidcSignIn['finish']>>;
      try {
        identity = await oidc.finish(
          new URL(request.url, ctx.signIn.oidcRedirectBase ?? 'http://localhost/'),
          held.pending,
        );
      } catch (error) {
        const code = error instanceof SvdError ? error.code : 'OIDC_TOKEN_REJECTED';
        return fail(code, '(unknown)', errorMessage(error));
      }
      const who = identity.email ?? `${identity.issuer}#${identity.subject}`;
      if (identity.email === null)
        return fail('OIDC_NO_EMAIL', who, 'the identity provider gave no email address');
      if (identity.emailVerified === false)
        return fail(
          'OIDC_EMAIL_NOT_VERIFIED',
          who,
          'the identity provider says the address is not verified',
        );
      const user = await pool.read((ws) => findUser(ws, identity.email!));
      if (user === undefined || user.email !== identity.email.toLowerCase())
        return fail('USER_UNKNOWN', who, 'no user of svd has this email address');
      try {
        await startSession(user, 'oidc', reply);
      } catch (error) {
        return fail(
          error instanceof SvdError ? error.code : 'USER_DISABLED',
          who,
          errorMessage(error),
        );
      }
      return reply.redirect('/', 302);
    },
  );
}
