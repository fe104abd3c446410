/**
 * The one place every request passes through before it is answered
 * (docs/decisions/0074-sign-in-and-enforcement.md). Each route declares what it needs; the gate
 * works out who is asking (local single-user mode, or the signed-in user of the session cookie),
 * what their role and the agreements in force give them now, refuses what they may not have,
 * and holds a live question to the data they may see (the sources and districts of their grants)
 * before any handler runs.
 */
import type { FastifyRequest } from 'fastify';
import { SvdError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import { utcToLondon } from '../core/londonTime.js';
import type { Organisation } from '../access/organisations.js';
import { findOrganisation } from '../access/organisations.js';
import type { User } from '../access/users.js';
import { findUser } from '../access/users.js';
import {
  INCIDENT_SOURCE_DATASETS,
  readerScope,
  type ReaderScope,
} from '../app/access/readerScope.js';
import type { AuditActor } from '../store/auditLog.js';
import type { WorkspacePool } from './workspacePool.js';
import { csrfMatches, readCookie, type Session, type SessionStore } from './sessions.js';
import { RATE_LIMITS, type RateLimiter } from './rateLimit.js';

/**
 * What a route needs:
 * - `open`: anyone (the session itself, signing in, the API's description, the health check);
 * - `signed-in`: any signed-in user (definitions in words);
 * - `live`: the live dashboard (data at record level); its filters are held to the reader's data;
 * - `records`: single records (explain, sample records, points): records whole, no field withheld;
 * - `health`: the A&E comparison: ISTV data at pseudonymised-record level;
 * - `upload`: adding data (analysts, data-governance leads, administrators);
 * - `assessment`: the disclosed assessment (aggregate access or better);
 * - `audit`: the audit log (auditors, partnership administrators);
 * - `admin`: managing access (partnership administrators).
 */
export type RouteAccess =
  | 'open'
  | 'signed-in'
  | 'live'
  | 'records'
  | 'health'
  | 'upload'
  | 'assessment'
  | 'audit'
  | 'admin';

export interface SignedIn {
  kind: 'user';
  user: User;
  organisation: Organisation;
  session: Session;
  scope: ReaderScope;
}

export type Principal = { kind: 'local' } | SignedIn;

const LOCAL: Principal = { kind: 'local' };

/** Who the dashboard acts as in the audit log in local single-user mode. */
export const LOCAL_ACTOR: AuditActor = { kind: 'server', name: 'local-dashboard' };

export function actorOf(principal: Principal | undefined): AuditActor {
  if (principal === undefined || principal.kind === 'local') return LOCAL_ACTOR;
  return {
    kind: 'user',
    name: principal.user.email,
    organisation: principal.organisation.id,
    userId: principal.user.id,
    role: principal.user.role,
  };
}

export function notPermitted(message: string, fix: string): SvdError {
  return new SvdError({ kind: 'usage', code: 'NOT_PERMITTED', message, fix });
}

export function signInRequired(message = 'sign in to use the dashboard'): SvdError {
  return new SvdError({
    kind: 'usage',
    code: 'SIGN_IN_REQUIRED',
    message,
    fix: 'sign in at the dashboard’s address, then try again',
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const UPLOAD_ROLES = new Set(['partnership-admin', 'data-governance-lead', 'analyst']);

export interface AccessGateOptions {
  pool: WorkspacePool;
  clock: Clock;
  /** Null: local single-user mode (no sign-in; everything, as before). */
  sessions: SessionStore | null;
  limiter: RateLimiter;
}

export class AccessGate {
  private readonly principals = new WeakMap<FastifyRequest, Principal | null>();
  /** Scopes by user, generation and London date: a change of agreements is a write (a new generation). */
  private readonly scopes = new Map<string, ReaderScope>();

  constructor(private readonly options: AccessGateOptions) {}

  get signInRequired(): boolean {
    return this.options.sessions !== null;
  }

  /** Who is asking (null: nobody signed in), worked out once per request. */
  async principal(request: FastifyRequest): Promise<Principal | null> {
    if (this.principals.has(request)) return this.principals.get(request)!;
    const found = await this.resolve(request);
    this.principals.set(request, found);
    return found;
  }

  /** The principal already worked out for this request (undefined: none yet). */
  known(request: FastifyRequest): Principal | undefined {
    return this.principals.get(request) ?? undefined;
  }

  private async resolve(request: FastifyRequest): Promise<Principal | null> {
    const sessions = this.options.sessions;
    if (sessions === null) return LOCAL;
    const now = this.options.clock.now().getTime();
    const id = readCookie(request.headers.cookie, sessions.cookieName);
    const session = sessions.lookup(id, now);
    if (session === undefined) return null;
    const found = await this.forSession(session);
    // Disabled, or their organisation retired, since signing in: the session ends now.
    if (found === null) sessions.drop(id);
    return found;
  }

  /** The signed-in principal of a session: null when its user may no longer sign in. */
  async forSession(session: Session): Promise<SignedIn | null> {
    const found = await this.options.pool.read(async (ws) => {
      const user = await findUser(ws, session.userId);
      if (user === undefined || user.id !== session.userId || user.status !== 'active')
        return undefined;
      const organisation = await findOrganisation(ws, user.organisation);
      if (organisation === undefined || organisation.retired_at !== null) return undefined;
      const now = this.options.clock.now();
      // Agreements start and expire by the London date: a new day, a new scope.
      const day = utcToLondon(now.getTime());
      const key = `${user.id}|${user.role}|${user.organisation}|${this.options.pool.generation}|${day.year}-${day.month}-${day.day}`;
      let scope = this.scopes.get(key);
      if (scope === undefined) {
        scope = await readerScope(ws, { organisation: user.organisation, role: user.role }, now);
        if (this.scopes.size > 1000) this.scopes.clear();
        this.scopes.set(key, scope);
      }
      return { user, organisation, scope };
    });
    return found === undefined ? null : { kind: 'user', session, ...found };
  }

  /**
   * Refuses the request unless the reader may have what the route gives; for live questions,
   * holds the query to the reader's sources and districts. Gives the principal.
   */
  async check(
    request: FastifyRequest,
    access: RouteAccess,
    address: string,
    /** The query parameters the route takes (a live question's filters are held when it takes them). */
    parameters: readonly string[] = [],
  ): Promise<Principal | null> {
    const now = this.options.clock.now().getTime();
    const principal = await this.principal(request);
    if (principal === null) {
      this.options.limiter.take(
        `address:${address}`,
        RATE_LIMITS.requestsPerAddress,
        now,
        'requests from this address',
      );
      if (access === 'open') return null;
      throw signInRequired();
    }
    if (principal.kind === 'local') return principal;
    this.options.limiter.take(
      `user:${principal.user.id}`,
      RATE_LIMITS.requestsPerUser,
      now,
      'requests by this user',
    );
    // Every change made with a session carries its CSRF token (a page elsewhere cannot read it).
    if (
      !SAFE_METHODS.has(request.method) &&
      !csrfMatches(principal.session, request.headers['x-csrf-token'])
    )
      throw new SvdError({
        kind: 'usage',
        code: 'CSRF_TOKEN_MISSING',
        message: 'this request does not carry the session’s CSRF token',
        fix: 'send the csrfToken of /api/session as the X-CSRF-Token header',
      });
    permit(principal, access);
    if (access === 'live' || access === 'records' || access === 'health')
      holdQuery(request, principal.scope, access === 'records' ? 'records' : 'live', parameters);
    return principal;
  }
}

function permit(p: SignedIn, access: RouteAccess): void {
  const { scope, user } = p;
  const role = user.role;
  switch (access) {
    case 'open':
    case 'signed-in':
      return;
    case 'audit':
      if (role === 'auditor' || role === 'partnership-admin') return;
      throw notPermitted(
        `the audit log is for auditors and partnership administrators; you are ${article(role)} ${role}`,
        'ask a partnership administrator if your role should change',
      );
    case 'admin':
      if (role === 'partnership-admin') return;
      throw notPermitted(
        'managing access is for partnership administrators',
        'ask a partnership administrator',
      );
    case 'assessment':
      if (scope.view === 'live' || scope.view === 'assessment') return;
      throw notPermitted(
        scope.view === 'audit'
          ? 'an auditor reads the audit log, not the data'
          : 'no agreement in force gives your organisation this data',
        'ask your data-governance lead about a data-sharing agreement',
      );
    case 'upload':
      if (!UPLOAD_ROLES.has(role))
        throw notPermitted(
          `adding data is for analysts, data-governance leads and administrators; you are ${article(role)} ${role}`,
          'ask an analyst of your organisation to add the file',
        );
      return;
    case 'health':
      if (!scope.healthLive)
        throw notPermitted(
          'the A&E comparison needs A&E (ISTV) data at pseudonymised-record level, which no agreement in force gives you',
          scope.view === 'live' || scope.view === 'assessment'
            ? 'the assessment shows A&E figures under disclosure control where you may see them'
            : 'ask your data-governance lead about a data-sharing agreement',
        );
      // It compares the A&E data with the police records of the selection.
      permitLive(scope, 'live');
      return;
    case 'live':
    case 'records':
      permitLive(scope, access);
      return;
  }
}

function permitLive(scope: ReaderScope, access: 'live' | 'records'): void {
  if (scope.view !== 'live')
    throw notPermitted(
      scope.view === 'assessment'
        ? 'your access is to aggregate figures: the live analyses, which can be filtered to small numbers, are for record-level access'
        : scope.view === 'audit'
          ? 'an auditor reads the audit log, not the data'
          : 'no agreement in force gives your organisation this data',
      scope.view === 'assessment'
        ? 'read the assessment (/api/assessment): every figure in it is under disclosure control'
        : 'ask your data-governance lead about a data-sharing agreement',
    );
  if (access === 'records' && scope.wholeRecordSources.length === 0)
    throw notPermitted(
      'single records are shown whole; your agreements give records with fields withheld or pseudonymised',
      'use the analyses; ask your data-governance lead if you need whole records',
    );
}

function article(role: string): string {
  return /^[aeiou]/.test(role) ? 'an' : 'a';
}

/**
 * Holds a live question to the reader's data: the `source` filter to the sources they have at
 * the level the route needs (set when not given and they lack one), the `area` filter to their
 * districts (set when they have one; refused outside them).
 */
function holdQuery(
  request: FastifyRequest,
  scope: ReaderScope,
  access: 'live' | 'records',
  parameters: readonly string[],
): void {
  const query = request.query as Record<string, unknown> | undefined;
  if (query === undefined || query === null || typeof query !== 'object') return;
  if (parameters.includes('source')) holdSource(query, scope, access);
  if (parameters.includes('area')) holdArea(query, scope);
}

function holdSource(
  query: Record<string, unknown>,
  scope: ReaderScope,
  access: 'live' | 'records',
): void {
  const sources = access === 'records' ? scope.wholeRecordSources : scope.recordSources;
  const all = Object.keys(INCIDENT_SOURCE_DATASETS);
  const given = query['source'];
  if (typeof given === 'string' && given !== '') {
    if (!sources.includes(given))
      throw notPermitted(
        `no agreement in force gives you ${given} ${access === 'records' ? 'records whole' : 'at record level'}`,
        `choose a source you may see: ${sources.join(', ')}`,
      );
  } else if (!all.every((s) => sources.includes(s))) query['source'] = sources[0];
}

function holdArea(query: Record<string, unknown>, scope: ReaderScope): void {
  if (scope.districts !== null) {
    const area = query['area'];
    const allowed = scope.districts.map((d) => `district:${d}`);
    if (typeof area === 'string' && area !== '' && area !== 'all') {
      if (!allowed.includes(area))
        throw notPermitted(
          `your agreements cover ${scope.districts.join(', ')} only`,
          `choose one of: ${allowed.join(', ')}`,
        );
    } else if (allowed.length === 1) query['area'] = allowed[0];
    else
      throw notPermitted(
        `your agreements cover ${scope.districts.join(', ')} only: choose one`,
        `add area=${allowed[0]} (or another of: ${allowed.join(', ')})`,
      );
  }
}

/**
 * Holds `DIM=VALUE` filters (counts, what-if) to the reader's data: each `source=` and
 * `district_code=` given must be theirs; when none is given and they lack some, theirs are added
 * (filters of one dimension are alternatives, of different dimensions all apply).
 */
export function holdWhere(where: readonly string[], scope: ReaderScope | null): string[] {
  if (scope === null) return [...where];
  const held = [...where];
  const hold = (dimension: string, allowed: readonly string[], everything: boolean): void => {
    const given = where.filter((w) => w.split('=', 1)[0]!.trim() === dimension);
    for (const w of given) {
      const value = w.slice(w.indexOf('=') + 1);
      if (!allowed.includes(value))
        throw notPermitted(
          `no agreement in force gives you ${dimension} ${value === '' ? '(none)' : value}`,
          `choose from: ${allowed.join(', ')}`,
        );
    }
    if (given.length === 0 && !everything) held.push(...allowed.map((v) => `${dimension}=${v}`));
  };
  const all = Object.keys(INCIDENT_SOURCE_DATASETS);
  hold(
    'source',
    scope.recordSources,
    all.every((s) => scope.recordSources.includes(s)),
  );
  if (scope.districts !== null) hold('district_code', scope.districts, false);
  return held;
}
