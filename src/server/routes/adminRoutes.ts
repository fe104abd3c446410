/**
 * Managing access from the dashboard (partnership administrators): the organisations, users and
 * agreements, and the changes that cannot wait for the server to be stopped — disabling or
 * enabling a user, changing a role, revoking an agreement. Each is the command line's own use case
 * (`svd access user disable`, `set-role`, `svd access agreement revoke`), recorded in the audit log
 * as the command records it, with the signed-in administrator as the actor. A changed user's
 * sessions end at once; a revocation starts a new generation, so no answer given under the
 * agreement is served again.
 */
import { listAgreements, revokeAgreement } from '../../access/agreements.js';
import { listOrganisations } from '../../access/organisations.js';
import { findUser, listUsers, setUserRole, setUserStatus, ROLES } from '../../access/users.js';
import type { FastifyRequest } from 'fastify';
import { audited, type AuditOutcome } from '../../app/audited.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { actorOf } from '../accessGate.js';
import { queryObject, type RouteContext } from '../routeContext.js';

const USER_ID = queryObject({ id: { type: 'string', minLength: 1, maxLength: 100 } }, ['id']);

export function registerAdminRoutes(ctx: RouteContext): void {
  const { pool } = ctx;

  ctx.route(
    {
      method: 'GET',
      url: '/api/admin',
      access: 'admin',
      summary:
        'the organisations, users (never a password or secret) and agreements of the partnership',
    },
    async () =>
      pool.read(async (ws) => ({
        organisations: await listOrganisations(ws),
        users: await listUsers(ws),
        agreements: (await listAgreements(ws)).map((a) => ({
          id: a.id,
          title: a.title,
          revision: a.revision,
          status: a.status,
          revoked_at: a.revoked_at,
          revoked_reason: a.revoked_reason,
          parties: a.terms.parties,
          datasets: a.terms.datasets,
          level: a.terms.level,
          start: a.terms.start,
          review: a.terms.review,
          expiry: a.terms.expiry,
        })),
        roles: ROLES,
      })),
  );

  /** A change to one user, as its command makes it and records it; their sessions end at once. */
  const changeUser = <T extends { user: { id: string } }>(
    request: FastifyRequest,
    action: string,
    detail: Record<string, unknown>,
    change: (ws: Workspace, id: string) => Promise<T>,
    describe: (result: T) => AuditOutcome,
  ): Promise<T> => {
    const id = (request.params as { id: string }).id;
    return pool
      .write(async (ws) => {
        const target = (await findUser(ws, id))?.id ?? null;
        return audited(
          ws,
          {
            actor: actorOf(ctx.gate.known(request)),
            action,
            attempt: { target, detail },
            clock: ctx.clock,
          },
          () => change(ws, id),
          describe,
        );
      })
      .then((result) => {
        ctx.sessions?.dropUser(result.user.id);
        return result;
      });
  };

  ctx.route(
    {
      method: 'POST',
      url: '/api/admin/users/:id/status',
      access: 'admin',
      summary:
        'disables or enables a user (their sessions end at once), as `svd access user disable|enable`',
      params: USER_ID,
      body: {
        ...queryObject({ status: { type: 'string', enum: ['active', 'disabled'] } }, ['status']),
      },
    },
    async (request) => {
      const status = (request.body as { status: 'active' | 'disabled' }).status;
      return changeUser(
        request,
        status === 'disabled' ? 'user-disable' : 'user-enable',
        {},
        (ws, id) => setUserStatus(ws, id, status),
        (r) => ({ target: r.user.id, unchanged: !r.changed, detail: { status } }),
      );
    },
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/admin/users/:id/role',
      access: 'admin',
      summary: "changes a user's role (their sessions end at once), as `svd access user set-role`",
      params: USER_ID,
      body: { ...queryObject({ role: { type: 'string', enum: [...ROLES] } }, ['role']) },
    },
    async (request) => {
      const role = (request.body as { role: string }).role;
      return changeUser(
        request,
        'role-change',
        { role },
        (ws, id) => setUserRole(ws, id, role),
        (r) => ({
          target: r.user.id,
          unchanged: r.previous === r.user.role,
          detail: { from: r.previous, to: r.user.role },
        }),
      );
    },
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/admin/agreements/:id/revoke',
      access: 'admin',
      summary:
        'revokes an agreement: access under it stops at once, as `svd access agreement revoke`',
      params: queryObject({ id: { type: 'string', minLength: 1, maxLength: 100 } }, ['id']),
      body: {
        ...queryObject({ reason: { type: 'string', minLength: 1, maxLength: 500 } }, ['reason']),
      },
    },
    async (request) => {
      const id = (request.params as { id: string }).id;
      const reason = (request.body as { reason: string }).reason;
      return pool.write((ws) =>
        audited(
          ws,
          {
            actor: actorOf(ctx.gate.known(request)),
            action: 'agreement-revoke',
            attempt: { target: id, detail: { reason } },
            clock: ctx.clock,
          },
          () => revokeAgreement(ws, id, reason, ctx.clock),
          (a) => ({ target: a.id, detail: { reason: a.revoked_reason } }),
        ),
      );
    },
  );
}
