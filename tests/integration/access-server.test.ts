/**
 * Sign-in and the agreements enforced on the dashboard's answers, in-process on a demo workspace
 * with a partnership of three organisations (docs/decisions/0074-sign-in-and-enforcement.md):
 * - every route but the open ones is refused without a session;
 * - local accounts sign in with password and TOTP; a code is good once; failures are rate-limited
 *   per account; the cookie is HttpOnly and SameSite=Strict;
 * - a change without the session's CSRF token is refused;
 * - each reader's answers equal the same question asked of the whole workspace, held to the data
 *   their grant gives (sources, districts) — and are refused outside it;
 * - sessions end when idle, and at once when the user is disabled or an agreement revoked;
 * - the audit log names who signed in, failed, read and was refused, and is for auditors only.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CoverageAnswer,
  DashboardMap,
  DashboardMeta,
  DashboardOverview,
  ErrorAnswer,
  SessionAnswer,
} from '../../src/api/index.js';
import type { AuditAnswer } from '../../src/api/session.js';
import { revokeAgreement } from '../../src/access/agreements.js';
import { setUserStatus } from '../../src/access/users.js';
import { silentReporter } from '../../src/core/reporter.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { buildTestWorkspace } from '../helpers/dashboard.js';
import {
  addPartnership,
  codeAt,
  OXFORD,
  PASSWORD,
  PEOPLE,
  type Partnership,
  type Person,
} from '../helpers/partnership.js';
import { tempDir } from '../helpers/temp.js';
import { determinedWithheld } from '../helpers/withheldRecovery.js';
import { assessmentData } from '../helpers/assessmentData.js';
import type { DisclosedFigure } from '../../src/disclosure/index.js';
import { storeAgreement } from '../../src/access/agreements.js';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AGREEMENT_FILE } from '../helpers/partnership.js';

const dir = tempDir('svd-access-server-');
const DEF = 'thames-valley-vru';
let now = new Date('2026-12-03T12:00:00Z');
const clock = { now: () => new Date(now) };
const later = (seconds: number): void => {
  now = new Date(now.getTime() + seconds * 1000);
};

let pool: WorkspacePool;
let app: FastifyInstance;
/** The same workspace in local single-user mode: the whole data, for comparison. */
let local: FastifyInstance;
let partnership: Partnership;

interface Signed {
  cookie: string;
  csrf: string;
  answer: Extract<SessionAnswer, { signedIn: true; mode: 'sign-in' }>;
}

async function signIn(who: Person, options: { password?: string } = {}): Promise<Signed> {
  // A code is good once: each sign-in is in a later 30-second step.
  later(31);
  const res = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: {
      email: PEOPLE[who].email,
      password: options.password ?? PASSWORD,
      code: codeAt(partnership.secrets[who], now),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  return {
    cookie: setCookie.split(';')[0]!,
    csrf: (res.json() as Signed['answer']).csrfToken,
    answer: res.json() as Signed['answer'],
  };
}

const get = (server: FastifyInstance, url: string, s?: Signed) =>
  server.inject({
    method: 'GET',
    url,
    ...(s === undefined ? {} : { headers: { cookie: s.cookie } }),
  });

beforeAll(async () => {
  const db = await buildTestWorkspace(dir);
  partnership = await addPartnership(db, clock);
  pool = await WorkspacePool.open(db, { writable: true, reporter: silentReporter });
  app = await buildServer({
    pool,
    reporter: silentReporter,
    clock,
    signIn: {
      local: true,
      oidc: null,
      oidcRedirectUri: null,
      sessions: { idleMinutes: 30, absoluteHours: 8, secureCookie: false },
    },
  });
  local = await buildServer({ pool, reporter: silentReporter, clock });
}, 600_000);

afterAll(async () => {
  await app?.close();
  await local?.close();
  pool?.close();
});

describe('without a session', () => {
  it('every route but the open ones is refused 401 SIGN_IN_REQUIRED', async () => {
    const open = new Set([
      'GET /api/health',
      'GET /api/openapi.json',
      'GET /api/session',
      'POST /api/session',
      'GET /auth/oidc/start',
      'GET /auth/oidc/callback',
    ]);
    const routes = (app as unknown as { registeredRoutes: string[] }).registeredRoutes;
    expect(routes.length).toBeGreaterThan(25);
    for (const route of routes) {
      if (open.has(route)) continue;
      const [method, url] = route.split(' ') as [string, string];
      const res = await app.inject({
        method: method as 'GET',
        url: url.replace(':id', '1').replace(':spec', DEF),
        ...(method === 'GET' ? {} : { payload: {} }),
      });
      expect(res.statusCode, route).toBe(401);
      expect((res.json() as ErrorAnswer).error.code, route).toBe('SIGN_IN_REQUIRED');
    }
  });

  it('the health check says only that it answers; the session says how to sign in', async () => {
    expect((await get(app, '/api/health')).json()).toEqual({ status: 'ok' });
    expect((await get(app, '/api/session')).json()).toEqual({
      mode: 'sign-in',
      signedIn: false,
      methods: { local: true, oidc: null },
    });
  });
});

describe('signing in with a local account', () => {
  it('gives an HttpOnly, SameSite=Strict cookie and the session with its grants', async () => {
    later(31);
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: {
        email: PEOPLE.cityAnalyst.email,
        password: PASSWORD,
        code: codeAt(partnership.secrets.cityAnalyst, now),
      },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^svd_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const answer = res.json() as Signed['answer'];
    expect(answer.user).toMatchObject({
      email: PEOPLE.cityAnalyst.email,
      role: 'analyst',
      organisation: { id: 'oxford-city', type: 'council-district' },
    });
    expect(answer.view).toBe('live');
    expect(answer.grants.find((g) => g.dataset === 'force-extract')).toMatchObject({
      level: 'pseudonymised-record',
      agreement: 'oxford-violence-sharing',
    });
  });

  it('refuses a wrong password, a wrong code and a reused code with one message', async () => {
    const attempt = async (password: string, code: string) =>
      app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: PEOPLE.healthAnalyst.email, password, code },
      });
    later(31);
    const good = codeAt(partnership.secrets.healthAnalyst, now);
    const wrongPassword = await attempt('not the password at all', good);
    const wrongCode = await attempt(PASSWORD, good === '000000' ? '111111' : '000000');
    const ok = await attempt(PASSWORD, good);
    const reused = await attempt(PASSWORD, good);
    expect(ok.statusCode).toBe(200);
    for (const res of [wrongPassword, wrongCode, reused]) {
      expect(res.statusCode).toBe(401);
      expect((res.json() as ErrorAnswer).error.code).toBe('SIGN_IN_FAILED');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect((wrongPassword.json() as ErrorAnswer).error.message).toBe(
      (reused.json() as ErrorAnswer).error.message,
    );
  });

  it('an account is held after 5 failures: 429 with Retry-After, even with the right password', async () => {
    const email = PEOPLE.cityMember.email;
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email, password: 'wrong password number ' + i, code: '123456' },
      });
      expect(res.statusCode).toBe(401);
    }
    later(31);
    const held = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email, password: PASSWORD, code: codeAt(partnership.secrets.cityMember, now) },
    });
    expect(held.statusCode).toBe(429);
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect((held.json() as ErrorAnswer).error.code).toBe('RATE_LIMITED');
    // After the window, the right password and code sign in.
    later(15 * 60);
    await signIn('cityMember');
  });
});

describe('CSRF', () => {
  it('a change with a session but without its token is refused; with it, answered', async () => {
    const s = await signIn('policeAnalyst');
    const payload = { base: DEF, proposal: 'id: x\n' };
    const without = await app.inject({
      method: 'POST',
      url: '/api/whatif',
      headers: { cookie: s.cookie },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect((without.json() as ErrorAnswer).error.code).toBe('CSRF_TOKEN_MISSING');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/whatif',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf.slice(1) + 'x' },
      payload,
    });
    expect(wrong.statusCode).toBe(403);
    const withToken = await app.inject({
      method: 'POST',
      url: '/api/whatif',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload,
    });
    // Past the gate: the proposal itself is judged (here: not a definition).
    expect(withToken.statusCode).not.toBe(403);
    expect((withToken.json() as ErrorAnswer).error.code).not.toBe('CSRF_TOKEN_MISSING');
  });
});

describe('what each reader sees', () => {
  const q = `definition=${DEF}&from=2024-01&to=2024-03`;

  it('the police analyst (controller of the police records) sees what the whole workspace says', async () => {
    const s = await signIn('policeAnalyst');
    expect(s.answer.view).toBe('live');
    const meta = (await get(app, '/api/meta', s)).json() as DashboardMeta;
    expect(meta.access.mode).toBe('sign-in');
    const trends = `/api/trends?${q}&source=force-extract`;
    expect((await get(app, trends, s)).json()).toEqual((await get(local, trends)).json());
    // The overview too, but for the coverage of the A&E data, which is the trust's.
    const overview = `/api/overview?${q}`;
    const mine = (await get(app, overview, s)).json() as DashboardOverview;
    const whole = (await get(local, overview)).json() as DashboardOverview;
    expect(mine).toEqual({
      ...whole,
      coverage: {
        ...whole.coverage,
        sources: whole.coverage.sources.filter((r) => r.source !== 'istv'),
      },
    });
    expect(whole.coverage.sources.map((r) => r.source)).toContain('istv');
  });

  it('the city analyst sees Oxford only, as the whole workspace says for Oxford, and no single record', async () => {
    const s = await signIn('cityAnalyst');
    const oxford = `area=district:${OXFORD}`;
    const mine = await get(app, `/api/overview?${q}&source=force-extract`, s);
    expect(mine.statusCode).toBe(200);
    const whole = await get(local, `/api/overview?${q}&source=force-extract&${oxford}`);
    const { coverage, ...rest } = mine.json() as DashboardOverview;
    const { coverage: _all, ...wholeRest } = whole.json() as DashboardOverview;
    expect(rest).toEqual(wholeRest);
    // The sources' coverage: the sources the city reads, their rows in Oxford only, month by month
    // as the whole workspace counts them there.
    expect(coverage.sources.map((r) => r.source).sort()).toEqual(['force-extract', 'police-uk']);
    const byMonth = (
      await get(local, `/api/counts?by=source,month&where=district_code%3D${OXFORD}`)
    ).json() as { source: string; month: string; n: number }[];
    for (const row of coverage.sources)
      coverage.months.forEach((m, i) => {
        if (row.months[i] !== null)
          expect(row.months[i], `${row.source} ${m}`).toBe(
            byMonth.find((r) => r.source === row.source && r.month === m)?.n ?? 0,
          );
      });
    const grid = (await get(app, '/api/coverage', s)).json() as CoverageAnswer;
    expect(grid.policeUk.cells).toEqual([]);
    expect(grid.sources).toEqual(coverage);
    // The county would mix in other districts: refused, naming the one allowed.
    const county = await get(app, `/api/overview?${q}&area=csp:safer-oxfordshire`, s);
    expect(county.statusCode).toBe(403);
    expect((county.json() as ErrorAnswer).error.fix).toContain(`district:${OXFORD}`);
    // Counts by DIM=VALUE are held to Oxford too.
    const counts = await get(app, '/api/counts?by=source', s);
    const wholeCounts = await get(local, `/api/counts?by=source&where=district_code%3D${OXFORD}`);
    expect(counts.json()).toEqual(wholeCounts.json());
    // The location text, which the agreement withholds, is in none of the city's answers.
    const mapUrl = `/api/map?${q}&source=force-extract&${oxford}`;
    const theirs = (await get(app, mapUrl, s)).json() as DashboardMap;
    const all = (await get(local, mapUrl)).json() as DashboardMap;
    expect(Object.values(all.places).some((p) => p.street !== null)).toBe(true);
    expect(Object.values(theirs.places).every((p) => p.street === null)).toBe(true);
    expect(theirs.rows).toEqual(all.rows);
    const hot = await get(app, `/api/hotspots?${q}&source=force-extract`, s);
    expect(hot.statusCode).toBe(200);
    expect(hot.body).not.toMatch(/"street":"/);
    const hotspots = hot.json() as { result: { repeatLocations: { top: { label: unknown }[] } } };
    expect(hotspots.result.repeatLocations.top.length).toBeGreaterThan(0);
    for (const t of hotspots.result.repeatLocations.top) expect(t.label).toBeNull();
    // Pseudonymised records with fields withheld: single records are not shown.
    const explain = await get(app, `/api/explain/1?definition=${DEF}`, s);
    expect(explain.statusCode).toBe(403);
    expect((explain.json() as ErrorAnswer).error.code).toBe('NOT_PERMITTED');
    expect((await get(app, `/api/records?${q}`, s)).statusCode).toBe(403);
  });

  it('the city member (aggregate only) is refused the live analyses', async () => {
    const s = await signIn('cityMember');
    expect(s.answer.view).toBe('assessment');
    for (const url of [`/api/overview?${q}`, `/api/trends?${q}`, `/api/map?${q}`, '/api/meta']) {
      const res = await get(app, url, s);
      expect(res.statusCode, url).toBe(403);
      expect((res.json() as ErrorAnswer).error.code).toBe('NOT_PERMITTED');
    }
  });

  it('the health analyst (no agreement with the police) sees no police data', async () => {
    const s = await signIn('healthAnalyst');
    expect(s.answer.grants.find((g) => g.dataset === 'force-extract')?.level).toBe('none');
    expect((await get(app, `/api/overview?${q}`, s)).statusCode).toBe(403);
  });

  it('batches are listed for their readers only, and by file name, never a server path', async () => {
    const police = await signIn('policeAnalyst');
    const health = await signIn('healthAnalyst');
    const all = (await get(app, '/api/batches', police)).json() as { file_path: string }[];
    expect(all.length).toBeGreaterThan(0);
    for (const b of all) expect(b.file_path).not.toContain('/');
    expect((await get(app, '/api/batches', health)).statusCode).toBe(403);
  });
});

describe('across organisations (IDOR)', () => {
  it('records whole for Oxford: a record of Oxford is explained, one elsewhere refused; another organisation’s batch messages refused', async () => {
    // The city's second agreement: records whole, Oxford only (the most permissive is taken).
    const file = path.join(dir, 'oxford-records.yaml');
    writeFileSync(
      file,
      readFileSync(AGREEMENT_FILE, 'utf8')
        .replace('id: oxford-violence-sharing', 'id: oxford-records')
        .replace('level: pseudonymised-record', 'level: record')
        .replace(/fields_withheld: .*\n/, 'fields_withheld: []\n'),
    );
    await pool.write((ws) => storeAgreement(ws, file, clock));
    const s = await signIn('cityAnalyst');
    expect(s.answer.grants.find((g) => g.dataset === 'force-extract')).toMatchObject({
      level: 'record',
      agreement: 'oxford-records',
    });
    const rows = (
      await get(local, `/api/counts?by=district_code,source&where=source%3Dforce-extract`)
    ).json() as { district_code: string | null; n: number }[];
    expect(rows.some((r) => r.district_code === OXFORD)).toBe(true);
    // A record of Oxford, and one of another district, by their ids in the whole workspace.
    const ids = await pool.read((ws) =>
      ws.db.all<{ id: number; district: string }>(
        `SELECT i.id, m.area_code AS district FROM incidents i
           JOIN incident_places p ON p.incident_id = i.id
           JOIN geo_memberships m ON m.lsoa_vintage = p.base_vintage AND m.lsoa_code = p.base_code
                AND m.level = 'district' AND m.is_primary
          WHERE i.source = 'force-extract' ORDER BY i.id`,
      ),
    );
    const inside = ids.find((r) => r.district === OXFORD)!;
    const outside = ids.find((r) => r.district !== OXFORD)!;
    expect((await get(app, `/api/explain/${inside.id}?definition=${DEF}`, s)).statusCode).toBe(200);
    const refused = await get(app, `/api/explain/${outside.id}?definition=${DEF}`, s);
    expect(refused.statusCode).toBe(403);
    // The same refusal for a record that does not exist: nothing tells the two apart.
    const missing = await get(app, `/api/explain/99999999?definition=${DEF}`, s);
    expect(missing.statusCode).toBe(403);
    expect((missing.json() as ErrorAnswer).error.message.replace(/\d+/g, 'N')).toBe(
      (refused.json() as ErrorAnswer).error.message.replace(/\d+/g, 'N'),
    );
    // The A&E batch is the trust's: its messages (which quote rows) are refused to the city.
    const istv = await pool.read((ws) =>
      ws.db.value<number>(`SELECT min(batch_id) FROM batches WHERE source_kind LIKE 'istv%'`),
    );
    const messages = await get(app, `/api/batches/${istv}/messages`, s);
    expect(messages.statusCode).toBe(403);
    // The records list is Oxford's only.
    const records = (await get(app, `/api/records?definition=${DEF}&limit=200`, s)).json() as {
      id: number;
    }[];
    const oxfordIds = new Set(ids.filter((r) => r.district === OXFORD).map((r) => r.id));
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(oxfordIds.has(r.id)).toBe(true);
    await pool.write((ws) => revokeAgreement(ws, 'oxford-records', 'test over', clock));
  });
});

describe('a role below analyst: every answer', () => {
  it.each([
    ['cityMember', 1],
    ['auditor', 0],
  ] as const)(
    '%s: refused, holding no count, or the assessment: no count 1–4, none recoverable from the margins',
    async (who, assessments) => {
      const s = await signIn(who);
      const minimum = 5;
      const noCounts = new Set([
        'GET /api/health',
        'GET /api/openapi.json',
        'GET /api/session',
        'GET /api/definitions',
        'GET /api/definitions/:spec',
        'GET /api/boundaries',
        'GET /api/strategy',
        'GET /api/actions',
        'GET /auth/oidc/start',
        'GET /auth/oidc/callback',
      ]);
      const routes = (app as unknown as { registeredRoutes: string[] }).registeredRoutes.filter(
        (r) => r.startsWith('GET '),
      );
      // Each route asked with the parameters it requires (from the API's own description).
      const doc = (await get(app, '/api/openapi.json')).json() as {
        paths: Record<
          string,
          Record<string, { parameters?: { name: string; required?: boolean }[] }>
        >;
      };
      const VALUES: Record<string, string> = { definition: DEF, by: 'month', id: '1', spec: DEF };
      let assessed = 0;
      for (const route of routes) {
        const url = route.slice(4);
        const described = doc.paths[url.replace(/:([A-Za-z]+)/g, '{$1}')]?.['get'];
        const required = (described?.parameters ?? []).filter((p) => p.required === true);
        const filled = url.replace(/:([A-Za-z]+)/g, (_, name: string) => VALUES[name]!);
        const query = required
          .filter((p) => !url.includes(`:${p.name}`))
          .map((p) => `${p.name}=${VALUES[p.name]}`)
          .join('&');
        const res = await get(app, query === '' ? filled : `${filled}?${query}`, s);
        expect([200, 403], `${route}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(
          res.statusCode,
        );
        if (res.statusCode === 403) continue;
        if (route === 'GET /api/definitions') {
          // The definitions, without how many records each classified in the whole workspace.
          const stored = (
            res.json() as { workspace: { in_tiers: unknown; records_classified: unknown }[] }
          ).workspace;
          expect(stored.length).toBeGreaterThan(0);
          for (const d of stored) {
            expect(d.in_tiers).toBeNull();
            expect(d.records_classified).toBeNull();
          }
        }
        if (noCounts.has(route)) continue;
        // The auditor's own reading: the log (who read which route, and how many records).
        if (who === 'auditor' && route.startsWith('GET /api/audit')) continue;
        expect(route, `${route} answered ${res.statusCode}`).toBe('GET /api/assessment');
        expect(res.statusCode).toBe(200);
        const data = assessmentData(res.body);
        // Real tables, with figures shown and withheld: the checks below have something to check.
        const shown = Object.values(data.tables).filter((t) => t !== null);
        expect(shown.length).toBeGreaterThan(3);
        expect(shown.flatMap((t) => t!.cells.flat()).some((v) => v === null)).toBe(true);
        expect(shown.flatMap((t) => t!.cells.flat()).some((v) => v !== null && v >= minimum)).toBe(
          true,
        );
        const fig = (v: number | null): DisclosedFigure =>
          v === null
            ? { value: null, suppressed: 'primary', rounded: false }
            : { value: v, suppressed: false, rounded: false };
        for (const [id, t] of Object.entries(data.tables)) {
          if (t === null) continue;
          const all = [
            ...t.cells.flat(),
            ...(t.rowTotals ?? []),
            ...t.columnTotals,
            t.total ?? null,
          ];
          for (const v of all)
            if (v !== null) expect(v >= minimum || v === 0, `${id}: ${v}`).toBe(true);
          if (t.rowTotals !== undefined && t.total !== undefined)
            expect(
              determinedWithheld({
                cells: t.cells.map((r) => r.map(fig)),
                rowTotals: t.rowTotals.map(fig),
                columnTotals: t.columnTotals.map(fig),
                total: fig(t.total),
              }),
              id,
            ).toEqual([]);
        }
        assessed++;
      }
      expect(assessed).toBe(assessments);
    },
  );
});

describe('administration from the dashboard', () => {
  it('is for partnership administrators; disabling a user ends their sessions at once, and is audited', async () => {
    const analyst = await signIn('policeAnalyst');
    expect((await get(app, '/api/admin', analyst)).statusCode).toBe(403);
    const admin = await signIn('admin');
    const listing = (await get(app, '/api/admin', admin)).json() as {
      users: { id: string; email: string; role: string; totp_confirmed: boolean }[];
      organisations: { id: string }[];
    };
    expect(listing.organisations.map((o) => o.id).sort()).toEqual(['ouh', 'oxford-city', 'tvp']);
    expect(JSON.stringify(listing)).not.toMatch(/scrypt|totp_secret|password_hash/);
    const target = listing.users.find((u) => u.email === PEOPLE.healthAnalyst.email)!;
    const victim = await signIn('healthAnalyst');
    const post = (url: string, payload: object, s: Signed = admin) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        payload,
      });
    // Without the token: refused, nothing changed.
    const noToken = await app.inject({
      method: 'POST',
      url: `/api/admin/users/${target.id}/status`,
      headers: { cookie: admin.cookie },
      payload: { status: 'disabled' },
    });
    expect(noToken.statusCode).toBe(403);
    expect((await get(app, '/api/session', victim)).json()).toMatchObject({ signedIn: true });
    const disabled = await post(`/api/admin/users/${target.id}/status`, { status: 'disabled' });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect((await get(app, '/api/session', victim)).json()).toMatchObject({ signedIn: false });
    // A disabled account cannot sign in again.
    later(31);
    const again = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: {
        email: PEOPLE.healthAnalyst.email,
        password: PASSWORD,
        code: codeAt(partnership.secrets.healthAnalyst, now),
      },
    });
    expect(again.statusCode).toBe(401);
    expect(
      (await post(`/api/admin/users/${target.id}/status`, { status: 'active' })).statusCode,
    ).toBe(200);
    // The last administrator keeps the role.
    const me = listing.users.find((u) => u.email === PEOPLE.admin.email)!;
    // Signing in with a good code confirmed the authenticator.
    expect(me).toMatchObject({ totp_confirmed: true });
    const demote = await post(`/api/admin/users/${me.id}/role`, { role: 'analyst' });
    expect(demote.statusCode).toBe(400);
    expect((demote.json() as ErrorAnswer).error.code).toBe('ACCESS_LAST_ADMIN');
    // Adding an organisation, a user who signs in through the identity provider, and an
    // agreement from its text; a malformed agreement is refused naming its line.
    const org = await post('/api/admin/organisations', {
      id: 'oxon-fire',
      name: 'Oxfordshire Fire and Rescue',
      type: 'fire',
    });
    expect(org.statusCode, org.body).toBe(200);
    const user = await post('/api/admin/users', {
      organisation: 'oxon-fire',
      name: 'Fire Analyst',
      email: 'Analyst@Fire.Example',
      role: 'analyst',
    });
    expect(user.statusCode, user.body).toBe(200);
    expect(user.json()).toMatchObject({ email: 'analyst@fire.example', local: false });
    expect(user.body).not.toMatch(/secret|hash/i);
    const agreement = await post('/api/admin/agreements', {
      text: readFileSync(AGREEMENT_FILE, 'utf8')
        .replace('id: oxford-violence-sharing', 'id: fire-sharing')
        .replace('organisation: oxford-city', 'organisation: oxon-fire'),
    });
    expect(agreement.statusCode, agreement.body).toBe(200);
    expect(agreement.json()).toMatchObject({ outcome: 'added', agreement: { id: 'fire-sharing' } });
    const bad = await post('/api/admin/agreements', { text: 'id: x\nparties: [\n' });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    expect((bad.json() as ErrorAnswer).error.file).toBe('the agreement given');
    expect(bad.body).not.toContain(os.tmpdir());
    expect(
      (await post('/api/admin/organisations', { id: 'x', name: 'X', type: 'police' }, analyst))
        .statusCode,
    ).toBe(403);
    const auditor = await signIn('auditor');
    const log = (await get(app, '/api/audit?limit=1000', auditor)).json() as AuditAnswer;
    const change = log.entries.find((e) => e.action === 'user-disable');
    expect(change?.actor).toMatchObject({ name: PEOPLE.admin.email, role: 'partnership-admin' });
    expect(change?.target).toBe(target.id);
  });
});

describe('rate limits', () => {
  it('a signed-in user is held after 600 requests a minute: 429 with Retry-After', async () => {
    const s = await signIn('auditor');
    // A fresh window: the sign-in itself is not this user's request.
    later(61);
    let last = 0;
    for (let i = 0; i < 601; i++) {
      const res = await get(app, '/api/session', s);
      last = res.statusCode;
      if (last === 429) {
        expect(i).toBe(600);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        break;
      }
    }
    expect(last).toBe(429);
    later(61);
    expect((await get(app, '/api/session', s)).statusCode).toBe(200);
  });
});

describe('sessions end', () => {
  it('after the idle time', async () => {
    const s = await signIn('policeAnalyst');
    expect((await get(app, '/api/meta', s)).statusCode).toBe(200);
    later(31 * 60);
    const res = await get(app, '/api/meta', s);
    expect(res.statusCode).toBe(401);
  });

  it('at once when the user is disabled', async () => {
    const s = await signIn('healthAnalyst');
    expect((await get(app, '/api/session', s)).json()).toMatchObject({ signedIn: true });
    await pool.write((ws) => setUserStatus(ws, PEOPLE.healthAnalyst.email, 'disabled'));
    expect((await get(app, '/api/session', s)).json()).toMatchObject({ signedIn: false });
    await pool.write((ws) => setUserStatus(ws, PEOPLE.healthAnalyst.email, 'active'));
  });

  it('sign-out ends it', async () => {
    const s = await signIn('policeAnalyst');
    const out = await app.inject({
      method: 'POST',
      url: '/api/session/sign-out',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(out.statusCode).toBe(204);
    expect((await get(app, '/api/meta', s)).statusCode).toBe(401);
  });
});

describe('an agreement revoked', () => {
  it('stops access at once, cached answers included', async () => {
    const s = await signIn('cityAnalyst');
    const url = `/api/overview?${q()}&source=force-extract`;
    expect((await get(app, url, s)).statusCode).toBe(200);
    await pool.write((ws) =>
      revokeAgreement(ws, 'oxford-violence-sharing', 'the DPIA is being redone', clock),
    );
    later(1);
    const after = await get(app, url, s);
    expect(after.statusCode).toBe(403);
    expect(
      ((await get(app, '/api/session', s)).json() as Signed['answer']).grants.find(
        (g) => g.dataset === 'force-extract',
      )?.level,
    ).toBe('none');
  });
  function q(): string {
    return `definition=${DEF}&from=2024-01&to=2024-03`;
  }
});

describe('the audit log', () => {
  it('is for auditors and administrators, and names sign-ins, failures, reads and refusals', async () => {
    const analyst = await signIn('policeAnalyst');
    expect((await get(app, '/api/audit', analyst)).statusCode).toBe(403);
    const auditor = await signIn('auditor');
    expect(auditor.answer.view).toBe('audit');
    expect((await get(app, `/api/overview?definition=${DEF}`, auditor)).statusCode).toBe(403);
    const log = (await get(app, '/api/audit?limit=1000', auditor)).json() as AuditAnswer;
    const actions = new Set(log.entries.map((e) => e.action));
    for (const a of ['sign-in', 'sign-in-refused', 'read', 'read-refused', 'sign-out'])
      expect(actions, a).toContain(a);
    const read = log.entries.find(
      (e) => e.action === 'read' && e.actor.name === PEOPLE.cityAnalyst.email,
    );
    expect(read?.actor).toMatchObject({
      kind: 'user',
      organisation: 'oxford-city',
      role: 'analyst',
    });
    // No password or code is ever written.
    expect(JSON.stringify(log)).not.toContain(PASSWORD);
    const verify = (await get(app, '/api/audit/verify', auditor)).json() as { intact: boolean };
    expect(verify.intact).toBe(true);
  });
});

describe('an agreement that expires', () => {
  it('gives nothing from the day after its expiry, with no change to the workspace', async () => {
    // A short agreement (the city's others were revoked above): in force until 31 January 2027.
    const file = path.join(dir, 'oxford-short.yaml');
    writeFileSync(
      file,
      readFileSync(AGREEMENT_FILE, 'utf8')
        .replace('id: oxford-violence-sharing', 'id: oxford-short')
        .replace(/review: .*\n/, 'review: 2027-01-15\n')
        .replace(/expiry: .*\n/, 'expiry: 2027-01-31\n'),
    );
    await pool.write((ws) => storeAgreement(ws, file, clock));
    const q = `definition=${DEF}&from=2024-01&to=2024-03&source=force-extract`;
    const generation = pool.generation;
    now = new Date('2027-01-31T23:50:00Z');
    const lastDay = await signIn('cityAnalyst');
    expect(lastDay.answer.grants.find((g) => g.dataset === 'force-extract')).toMatchObject({
      agreement: 'oxford-short',
      level: 'pseudonymised-record',
    });
    expect((await get(app, `/api/overview?${q}`, lastDay)).statusCode).toBe(200);
    // Midnight in London: the same session, the same workspace, nothing written.
    now = new Date('2027-02-01T00:00:30Z');
    const refused = await get(app, `/api/overview?${q}`, lastDay);
    expect(refused.statusCode).toBe(403);
    expect(pool.generation).toBe(generation);
    const session = (await get(app, '/api/session', lastDay)).json() as Signed['answer'];
    expect(session.grants.find((g) => g.dataset === 'force-extract')?.level).toBe('none');
  });
});
