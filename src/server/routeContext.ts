/** What route modules get from the server: the pool, registration that records the OpenAPI entry, context. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Reporter } from '../core/reporter.js';
import type { DashboardContext } from '../app/dashboard/dashboardFilters.js';
import type { DashboardAccess } from '../api/dashboard.js';
import type { AuditEntryInput } from '../store/auditLog.js';
import type { ReaderScope } from '../app/access/readerScope.js';
import type { AccessGate } from './accessGate.js';
import type { RateLimiter } from './rateLimit.js';
import type { SessionStore } from './sessions.js';
import type { OidcSignIn } from './signInProvider.js';
import type { JsonObjectSchema, RouteDoc } from './openApi.js';
import type { WorkspacePool } from './workspacePool.js';

export interface RouteContext {
  pool: WorkspacePool;
  cwd: string;
  /** "Today", for overdue actions and the strategy's measures. */
  clock: Clock;
  /** The dashboard functions' context: definitions kept until the workspace changes. */
  dashboard: DashboardContext;
  reporter: Reporter;
  maxUploadBytes: number;
  /** People may add files from the browser (`--allow-upload`). */
  uploadsAllowed: boolean;
  /** How the dashboard may be reached, as `/api/meta` says it. */
  access: DashboardAccess;
  /** Who is asking and what they may have: every route passes through it. */
  gate: AccessGate;
  /** Null in local single-user mode. */
  sessions: SessionStore | null;
  signIn: {
    local: boolean;
    oidc: OidcSignIn | null;
    /** The redirect URI registered with the provider (the callback's address as the browser sees it). */
    oidcRedirectBase: string | null;
  };
  limiter: RateLimiter;
  /** Adds an entry to the audit log (the file beside the workspace the server holds read-only). */
  audit(entry: AuditEntryInput): void;
  /** What the signed-in reader of this request may see; null in local single-user mode (everything). */
  scopeOf(request: FastifyRequest): ReaderScope | null;
  /** Registers a GET whose answer is a pure function of the workspace and the query (cached). */
  get<Q>(
    doc: Omit<RouteDoc, 'method'>,
    handler: (query: Q, request: FastifyRequest) => Promise<unknown>,
  ): void;
  route(
    doc: RouteDoc,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
    /** `auditRead`: a route that answers data from its body (recorded as a read, never the body). */
    options?: { bodyLimit?: number; auditRead?: boolean },
  ): void;
  /** Streams a raw upload body to a temporary file; removes it after fn. */
  withUploadedFile<T>(
    request: FastifyRequest,
    name: string,
    fn: (file: string) => Promise<T>,
  ): Promise<T>;
}

export function queryObject(
  properties: Record<string, Record<string, unknown>>,
  required: string[] = [],
): JsonObjectSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}
