/**
 * The audit log for auditors and partnership administrators: both logs (the workspace's table and
 * the file beside it), newest first and filtered as `svd audit` filters them, and the check of
 * both hash chains as `svd audit verify` makes it. File paths are never answered.
 */
import { readAudit, verifyAudit } from '../../store/auditLog.js';
import type { AuditAnswer, AuditVerifyAnswer } from '../../api/session.js';
import { queryObject, type RouteContext } from '../routeContext.js';

const MAX_ENTRIES = 1000;

export function registerAuditRoutes(ctx: RouteContext): void {
  const { pool } = ctx;
  ctx.route(
    {
      method: 'GET',
      url: '/api/audit',
      summary:
        'entries of the audit log, newest first, as `svd audit --json` (auditors and administrators)',
      access: 'audit',
      querystring: queryObject({
        action: { type: 'string', maxLength: 60, pattern: '^[a-z-]+$' },
        since: { type: 'string', maxLength: 30 },
        until: { type: 'string', maxLength: 30 },
        limit: { type: 'integer', minimum: 1, maximum: MAX_ENTRIES },
      }),
    },
    async (request): Promise<AuditAnswer> => {
      const q = request.query as {
        action?: string;
        since?: string;
        until?: string;
        limit?: number;
      };
      const entries = await pool.read((ws) =>
        readAudit(ws, {
          ...(q.action === undefined || q.action === '' ? {} : { action: q.action }),
          ...(q.since === undefined || q.since === '' ? {} : { since: q.since }),
          ...(q.until === undefined || q.until === '' ? {} : { until: q.until }),
          limit: q.limit ?? 200,
        }),
      );
      return {
        entries: entries.map((e) => ({
          log: e.log,
          seq: e.seq,
          at: e.at,
          actor: e.actor,
          action: e.action,
          target: e.target,
          detail: e.detail,
          records: e.records,
          hash: e.hash,
        })),
      };
    },
    { auditRead: true },
  );

  ctx.route(
    {
      method: 'GET',
      url: '/api/audit/verify',
      summary:
        'recomputes both hash chains of the audit log, as `svd audit verify` (auditors and administrators)',
      access: 'audit',
    },
    async (): Promise<AuditVerifyAnswer> => {
      const v = await pool.read((ws) => verifyAudit(ws));
      return {
        entries: v.entries,
        intact: v.broken === undefined,
        broken:
          v.broken === undefined
            ? null
            : {
                log: v.broken.log,
                seq: v.broken.seq,
                problem: v.broken.problem,
                message: v.broken.message,
              },
      };
    },
    { auditRead: true },
  );
}
