/**
 * Managing access from the dashboard (partnership administrators): the organisations, users and
 * agreements, and the changes that cannot wait for the server to be stopped — disabling or
 * enabling a user, changing a role, revoking an agreement. Each is the command line's own use case
 * (`svd access user disable`, `set-role`, `svd access agreement revoke`), recorded in the audit log
 * as the command records it, with the signed-in administrator as the actor. A changed user's
 * sessions end at once; a revocation starts a new generation, so no answer given under the
 * agreement is served again.
 */
import { listAgreements, revokeAgreement, storeAgreement } from '../../access/agreements.js';
import {
  addOrganisation,
  listOrganisations,
  ORGANISATION_TYPES,
} from '../../access/organisations.js';
import {
  addUser,
  findUser,
  listUsers,
  setUserRole,
  setUserStatus,
  ROLES,
} from '../../access/users.js';
import type { FastifyRequest } from 'fastify';
import { audited, type AuditOutcome } from '../../app/audited.js';
import { agreementOutcome, userAddOutcome } from '../../app/auditEntries.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The largest agreement file accepted from the dashboard (the example is 1.3 kB). */
const MAX_AGREEMENT_CHARS = 100_000;
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
        organisationTypes: ORGANISATION_TYPES,
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

  ctx.route(
    {
      method: 'POST',
      url: '/api/admin/organisations',
      access: 'admin',
      summary: 'adds an organisation of the partnership, as `svd access org add`',
      body: {
        ...queryObject(
          {
            id: { type: 'string', minLength: 1, maxLength: 63 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            type: { type: 'string', enum: [...ORGANISATION_TYPES] },
          },
          ['id', 'name', 'type'],
        ),
      },
    },
    async (request) => {
      const body = request.body as { id: string; name: string; type: string };
      return pool.write((ws) =>
        audited(
          ws,
          {
            actor: actorOf(ctx.gate.known(request)),
            action: 'organisation-add',
            attempt: { target: body.id, detail: { type: body.type } },
            clock: ctx.clock,
          },
          () => addOrganisation(ws, body, ctx.clock),
          (o) => ({ target: o.id, detail: { type: o.type, name: o.name } }),
        ),
      );
    },
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/admin/users',
      access: 'admin',
      summary:
        "adds a user who signs in through the partnership's identity provider, as `svd access user add` (local accounts, with a password, are made with the command)",
      body: {
        ...queryObject(
          {
            organisation: { type: 'string', minLength: 1, maxLength: 63 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            email: { type: 'string', minLength: 3, maxLength: 254 },
            role: { type: 'string', enum: [...ROLES] },
          },
          ['organisation', 'name', 'email', 'role'],
        ),
      },
    },
    async (request) => {
      const body = request.body as {
        organisation: string;
        name: string;
        email: string;
        role: string;
      };
      const made = await pool.write((ws) =>
        audited(
          ws,
          {
            actor: actorOf(ctx.gate.known(request)),
            action: 'user-add',
            attempt: { target: body.organisation, detail: { role: body.role } },
            clock: ctx.clock,
          },
          () => addUser(ws, body, ctx.clock),
          userAddOutcome,
        ),
      );
      return made.user;
    },
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/admin/agreements',
      access: 'admin',
      summary:
        'adds (or revises) a data-sharing agreement from its YAML text, as `svd access agreement add FILE`',
      body: {
        ...queryObject({ text: { type: 'string', minLength: 1, maxLength: MAX_AGREEMENT_CHARS } }, [
          'text',
        ]),
      },
    },
    async (request) => {
      const text = (request.body as { text: string }).text;
      const dir = await mkdtemp(path.join(os.tmpdir(), 'svd-agreement-'));
      const file = path.join(dir, 'agreement.yaml');
      try {
        await writeFile(file, text, 'utf8');
        return await pool.write((ws) =>
          audited(
            ws,
            {
              actor: actorOf(ctx.gate.known(request)),
              action: 'agreement-add',
              attempt: { target: null, detail: { file: 'the agreement given' } },
              clock: ctx.clock,
            },
            () => storeAgreement(ws, file, ctx.clock, 'the agreement given'),
            agreementOutcome,
          ),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
}
