/**
 * `svd serve`: the dashboard's HTTP server (Fastify). A thin adapter: each endpoint validates its
 * input against a JSON Schema, calls one core function — the same the command line calls — on a
 * workspace connection from the pool, and answers JSON; errors are the command line's errors
 * with an HTTP status. The built web app is served from the package (dist/web).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { SvdError } from '../core/errors.js';
import { appendAuditFile, auditFilePath } from '../store/auditLog.js';
import { packageFile } from '../core/packageFiles.js';
import { silentReporter, type Reporter } from '../core/reporter.js';
import { SOFTWARE_VERSION } from '../core/version.js';
import { errorResponse } from './httpErrors.js';
import { localAccess } from './localAccess.js';
import { parseAllowedHost, requestGuard } from './requestGuard.js';
import { openApiDocument, type RouteDoc } from './openApi.js';
import { type RouteContext } from './routeContext.js';
import { AccessGate, actorOf } from './accessGate.js';
import { withholdLocationText, withholdsLocationText } from '../app/access/withheldFields.js';
import { RateLimiter, RateLimited } from './rateLimit.js';
import { SessionStore, type SessionSettings } from './sessions.js';
import { registerSessionRoutes } from './routes/sessionRoutes.js';
import type { OidcSignIn } from './signInProvider.js';
import { registerAuditRoutes } from './routes/auditRoutes.js';
import { registerAssessmentRoutes } from './routes/assessmentRoutes.js';
import { registerAdminRoutes } from './routes/adminRoutes.js';
import { ResponseCache } from './responseCache.js';
import { GenerationData } from './generationData.js';
import { StaticFiles } from './staticFiles.js';
import { BUSY_RETRY_SECONDS, type WorkspacePool } from './workspacePool.js';
import { registerDataRoutes } from './routes/dataRoutes.js';
import { registerDefinitionRoutes } from './routes/definitionRoutes.js';
import { registerAnalysisRoutes } from './routes/analysisRoutes.js';
import { registerStrategyRoutes } from './routes/strategyRoutes.js';
import { systemClock, type Clock } from '../core/clock.js';

export interface ServerOptions {
  pool: WorkspacePool;
  /** The folder of the built web app (default: dist/web of the package). */
  webRoot?: string;
  /** Largest upload accepted, in bytes (default 200 MB). */
  maxUploadBytes?: number;
  /** Working folder for resolving nothing but shipped names (definitions are never files here). */
  cwd?: string;
  reporter?: Reporter;
  /** Keep answers of reads until the next write (default true). */
  cache?: boolean;
  /**
   * Count the dashboard's answers from the incidents aggregated once per workspace generation
   * (default true; false: from the records, as the command line does).
   */
  aggregates?: boolean;
  /** Build the aggregate at once, in the background (a server just started), not on first use. */
  prepareAggregates?: boolean;
  /** "Today" (default: the system clock). */
  clock?: Clock;
  /** The address it listens on (default 127.0.0.1): decides the names it answers to. */
  host?: string;
  /** Further names it answers to (`--allowed-host`), e.g. a reverse proxy's. */
  allowedHosts?: readonly string[];
  /**
   * The port the Host check expects while the server is not listening (requests made with
   * `inject`; default 80, the port `inject` names). Once listening, the port it listens on.
   */
  port?: number;
  /**
   * Sign-in (docs/decisions/0074-sign-in-and-enforcement.md); absent: local single-user mode,
   * everything to whoever reaches the (loopback) port.
   */
  signIn?: SignInOptions;
  /** Uploads from the browser (default: when the pool is writable). */
  uploads?: boolean;
  /** Addresses of reverse proxies whose X-Forwarded-For is believed (default: none). */
  trustProxy?: readonly string[];
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
}

export interface SignInOptions {
  /** Local accounts (email, password, TOTP) may sign in. */
  local: boolean;
  /** The partnership's identity provider, when set up. */
  oidc: OidcSignIn | null;
  /** The redirect URI registered with the provider. */
  oidcRedirectUri: string | null;
  sessions: SessionSettings;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const JSON_BODY_LIMIT = 1024 * 1024;

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    ...(options.tls === undefined
      ? {}
      : { https: { cert: options.tls.cert, key: options.tls.key } }),
    // Forwarded headers are believed only from the proxies named (never by default).
    trustProxy:
      options.trustProxy === undefined || options.trustProxy.length === 0
        ? false
        : [...options.trustProxy],
    bodyLimit: JSON_BODY_LIMIT,
    // Query strings: repeated keys become arrays; nothing else is coerced beyond the schemas.
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  const routes: RouteDoc[] = [];
  // Every route Fastify registers, to hold the OpenAPI document to all of them (a test does).
  const registered: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') registered.push(`${m} ${r.url}`);
  });
  app.decorate('registeredRoutes', registered);
  const cache = new ResponseCache(options.cache === false ? 0 : 500);
  const staticFiles = new StaticFiles(options.webRoot ?? packageFile('dist', 'web'));
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const reporter = options.reporter ?? silentReporter;
  const allowedHosts = options.allowedHosts ?? [];
  const clock = options.clock ?? systemClock;
  // The dashboard's data answers, one audit entry each (docs/decisions/0071-audit-log.md): the
  // server holds the workspace read-only, so they go in the log beside it, never in the file.
  const auditedRoutes = new Set<string>();
  const recordsBehindAnswer = new WeakMap<FastifyRequest, number | null>();
  const auditFile = auditFilePath(options.pool.path);

  // First of all hooks, so that it covers the API, the static files and the errors alike: a
  // request naming another host (DNS rebinding) or posting from another origin is answered
  // with the error alone.
  const guardRequest = requestGuard({
    bind: options.host ?? '127.0.0.1',
    allowedHosts,
    port: () => listeningPort(app) ?? options.port ?? 80,
    tls: options.tls !== undefined,
  });
  app.addHook('onRequest', async (request) => guardRequest(request));

  const sessions = options.signIn === undefined ? null : new SessionStore(options.signIn.sessions);
  const limiter = new RateLimiter();
  const gate = new AccessGate({ pool: options.pool, clock, sessions, limiter });
  const audit = (entry: Parameters<typeof appendAuditFile>[1]): void => {
    appendAuditFile(auditFile, entry, clock.now());
  };

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorResponse(error);
    if (status === 503) reply.header('Retry-After', String(BUSY_RETRY_SECONDS));
    if (error instanceof RateLimited) reply.header('Retry-After', String(error.retryAfter));
    if (status === 401 || status === 403 || status === 429) {
      const code = body.error.code;
      const principal = gate.known(request);
      // Refusals of a signed-in reader are recorded (what they tried); a missing session is not.
      if (principal !== undefined && code !== 'SIGN_IN_FAILED')
        audit({
          actor: actorOf(principal),
          action: 'read-refused',
          target: request.routeOptions.url ?? null,
          detail: { route: request.routeOptions.url ?? null, method: request.method, code },
        });
    } else if (status >= 500) reporter.warn(`internal fault answering a request: ${String(error)}`);
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    // With sign-in, a refusal of a signed-in reader is recorded by the error handler (as
    // read-refused), and a request without a session is not recorded: nothing was read.
    const refusal = gate.signInRequired && [401, 403, 429].includes(reply.statusCode);
    if (route !== undefined && auditedRoutes.has(route) && !refusal)
      // Before the answer leaves: an answer that cannot be recorded is not given (500).
      appendAuditFile(
        auditFile,
        {
          actor: actorOf(gate.known(request)),
          action: 'read',
          target: route,
          detail: {
            route,
            // The parameters of the question, never a body.
            query: request.query ?? {},
            ...(Object.keys((request.params ?? {}) as object).length === 0
              ? {}
              : { params: request.params }),
            status: reply.statusCode,
          },
          records: recordsBehindAnswer.get(request) ?? null,
        },
        clock.now(),
      );
    reply.header('X-Content-Type-Options', 'nosniff');
    // The dashboard's own pages send their address with their requests (the Origin check's
    // fallback when a browser sends no Origin); other sites are never told it.
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    return payload;
  });

  // Uploads arrive as the file's bytes (application/octet-stream), streamed to disk by the route.
  app.addContentTypeParser('application/octet-stream', (_request, _payload, done) => done(null));

  const cwd = options.cwd ?? process.cwd();
  const derived = new GenerationData({
    pool: options.pool,
    cwd,
    reporter,
    ...(options.aggregates === undefined ? {} : { aggregates: options.aggregates }),
  });
  app.addHook('onClose', () => derived.close());
  if (options.prepareAggregates === true) derived.prepare();
  const ctx: RouteContext = {
    pool: options.pool,
    cwd,
    clock,
    dashboard: derived.context(),
    reporter,
    maxUploadBytes,
    uploadsAllowed: options.uploads ?? options.pool.writable,
    access:
      options.signIn === undefined
        ? localAccess(allowedHosts)
        : {
            mode: 'sign-in',
            label: 'Partnership sign-in: each reader sees what their role and agreements give',
            allowedHosts: allowedHosts.map((h) => parseAllowedHost(h).name),
          },
    gate,
    sessions,
    signIn: {
      local: options.signIn?.local ?? false,
      oidc: options.signIn?.oidc ?? null,
      oidcRedirectBase: options.signIn?.oidcRedirectUri ?? null,
    },
    limiter,
    audit,
    scopeOf(request) {
      const p = gate.known(request);
      return p === undefined || p.kind === 'local' ? null : p.scope;
    },
    get(doc, handler) {
      routes.push({ ...doc, method: 'GET' });
      auditedRoutes.add(doc.url);
      const parameters = Object.keys(doc.querystring?.properties ?? {});
      app.get(
        doc.url,
        {
          schema: schemaOf(doc),
          // Before anything else of the request is looked at: no session, no answer.
          onRequest: async (request) => {
            await gate.check(request, doc.access, request.ip, parameters);
          },
        },
        async (request, reply) => {
          const principal = gate.known(request);
          // Readers with different grants are answered apart (their questions are held differently).
          const scope = principal?.kind === 'user' ? principal.scope.key : 'all';
          const key = `${options.pool.generation}|${scope}|${cacheKey(request)}`;
          const body = await cache.get(key, async () => {
            const answer = await handler(request.query as never, request);
            // A field the reader's agreements withhold is kept out of their answers too.
            return principal?.kind === 'user' &&
              withholdsLocationText(principal.scope.fieldsWithheld)
              ? withholdLocationText(answer)
              : answer;
          });
          recordsBehindAnswer.set(request, recordsBehind(body));
          void reply.header('Cache-Control', 'no-cache');
          return body;
        },
      );
    },
    route(doc, handler, routeOptions) {
      routes.push(doc);
      if (routeOptions?.auditRead === true) auditedRoutes.add(doc.url);
      app.route({
        method: doc.method as 'GET' | 'POST' | 'PUT' | 'DELETE',
        url: doc.url,
        schema: schemaOf(doc),
        ...(routeOptions?.bodyLimit === undefined ? {} : { bodyLimit: routeOptions.bodyLimit }),
        // Before the body is read: an upload without a session is refused before it arrives.
        onRequest: async (request) => {
          await gate.check(
            request,
            doc.access,
            request.ip,
            Object.keys(doc.querystring?.properties ?? {}),
          );
        },
        handler,
      });
    },
    async withUploadedFile(request, name, fn) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'svd-upload-'));
      // Only the base name, with anything unusual replaced: the name is shown, never trusted.
      const safe =
        path
          .basename(name)
          .replace(/[^A-Za-z0-9._-]/g, '_')
          .slice(0, 120) || 'upload';
      const file = path.join(dir, safe);
      try {
        let bytes = 0;
        const limit = new Transform({
          transform(chunk: Buffer, _enc, callback) {
            bytes += chunk.length;
            if (bytes > maxUploadBytes)
              callback(Object.assign(new Error('too large'), { statusCode: 413 }));
            else callback(null, chunk);
          },
        });
        await pipeline(request.raw, limit, createWriteStream(file));
        return await fn(file);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };

  ctx.route(
    {
      method: 'GET',
      url: '/api/health',
      summary: 'whether the server and its workspace answer (with no session: the status alone)',
      access: 'open',
    },
    async (request) => {
      const principal = gate.known(request);
      if (principal === undefined || principal === null) return { status: 'ok' };
      const incidents = await options.pool.read(
        async (ws) => (await ws.db.value<number>('SELECT count(*) FROM incidents')) ?? 0,
      );
      return {
        status: 'ok',
        software: SOFTWARE_VERSION,
        workspace: path.basename(options.pool.path),
        writable: options.uploads ?? options.pool.writable,
        incidents,
      };
    },
  );
  ctx.route(
    {
      method: 'GET',
      url: '/api/openapi.json',
      summary: 'this document: every route and its parameters',
      access: 'open',
    },
    async () => openApiDocument(routes),
  );
  registerSessionRoutes(ctx);
  registerAuditRoutes(ctx);
  registerAssessmentRoutes(ctx);
  registerAdminRoutes(ctx);
  registerDataRoutes(ctx);
  registerDefinitionRoutes(ctx);
  registerAnalysisRoutes(ctx);
  registerStrategyRoutes(ctx);

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0]!;
    if (request.method === 'GET' && !url.startsWith('/api/')) {
      if (!staticFiles.available) {
        void reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send(
            'The web app is not built. Run `npm run build` in the svd folder, then start svd serve again.\n',
          );
        return;
      }
      const found = staticFiles.lookup(url);
      if (found !== undefined) {
        void reply
          .header(
            'Cache-Control',
            found.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          )
          .type(found.type)
          .send(found.body);
        return;
      }
    }
    const { body } = errorResponse(
      new SvdError({
        kind: 'usage',
        code: 'NOT_FOUND',
        message: `no such ${url.startsWith('/api/') ? 'endpoint' : 'page'}: ${request.method} ${url}`,
        fix: 'see /api/openapi.json for the endpoints',
      }),
    );
    void reply.status(404).type('application/json; charset=utf-8').send(body);
  });
  return app;
}

/**
 * The number of records behind an answer where its shape says it: rows counted (`n`), or a
 * `records` or `total` figure; otherwise null (not known).
 */
function recordsBehind(answer: unknown): number | null {
  if (Array.isArray(answer)) {
    const counted = answer as { n?: unknown }[];
    return counted.every((r) => typeof r === 'object' && r !== null && typeof r.n === 'number')
      ? counted.reduce((sum, r) => sum + (r.n as number), 0)
      : null;
  }
  if (typeof answer !== 'object' || answer === null) return null;
  const o = answer as Record<string, unknown>;
  for (const key of ['records', 'total'])
    if (typeof o[key] === 'number' && Number.isFinite(o[key])) return o[key];
  const result = o['result'];
  return typeof result === 'object' && result !== null && !Array.isArray(result)
    ? recordsBehind(result)
    : null;
}

/** The port the server listens on, or undefined before it listens. */
function listeningPort(app: FastifyInstance): number | undefined {
  const address = app.server.listening ? app.server.address() : null;
  return typeof address === 'object' && address !== null ? address.port : undefined;
}

/** The path and its parameters in a fixed order, so the same question is the same key. */
function cacheKey(request: FastifyRequest): string {
  const sorted = (o: unknown): string =>
    JSON.stringify(
      Object.entries((o ?? {}) as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
    );
  return `${request.routeOptions.url ?? request.url}|${sorted(request.params)}|${sorted(request.query)}`;
}

function schemaOf(doc: Omit<RouteDoc, 'method'>): Record<string, unknown> {
  return {
    ...(doc.querystring === undefined ? {} : { querystring: doc.querystring }),
    ...(doc.params === undefined ? {} : { params: doc.params }),
    ...(doc.body === undefined || doc.bodyType !== undefined ? {} : { body: doc.body }),
  };
}
