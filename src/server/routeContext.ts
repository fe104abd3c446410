/** What route modules get from the server: the pool, registration that records the OpenAPI entry, context. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Reporter } from '../core/reporter.js';
import type { DashboardContext } from '../app/dashboard/dashboardFilters.js';
import type { DashboardAccess } from '../api/dashboard.js';
import type { AuditActor } from '../store/auditLog.js';
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
  /** How the dashboard may be reached, as `/api/meta` says it. */
  access: DashboardAccess;
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

/** Who the dashboard acts as in the audit log while there is no sign-in (one local user). */
export const DASHBOARD_ACTOR: AuditActor = { kind: 'server', name: 'local-dashboard' };
