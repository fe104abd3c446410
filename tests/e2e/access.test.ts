/**
 * Four people of the three organisations of a partnership sign in to the dashboard in a real
 * browser (Debian's Chromium) through a real OpenID provider (oidc-provider on loopback, its own
 * login and consent pages), against `svd serve` listening on 127.0.0.1 — and each sees exactly what its agreement
 * allows, checked against the same data read directly (the same pool in local single-user mode):
 * - the police analyst (controller of the police records): the overview's figures are the whole
 *   workspace's, and a record can be explained;
 * - the city analyst (pseudonymised records for Oxford, fields withheld): Oxford only, and every
 *   other district, single record and list of records refused 403 NOT_PERMITTED, the page showing
 *   the refusal where the records would be;
 * - the city member (aggregate only): the assessment, with no count under the agreement's minimum;
 *   the live analyses refused;
 * - the health analyst (the trust's own A&E data, no agreement with the police): the police
 *   analyses refused.
 * Signing out brings the sign-in screen back and the old cookie is answered 401. Screenshots go to
 * /tmp/access-shots/ to be looked at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorAnswer, SessionAnswer } from '../../src/api/index.js';
import { OidcRelyingParty } from '../../src/access/oidc.js';
import { SUPPRESSED_MARK } from '../../src/disclosure/index.js';
import { systemClock } from '../../src/core/clock.js';
import { packageFile } from '../../src/core/packageFiles.js';
import { silentReporter } from '../../src/core/reporter.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '../helpers/browser.js';
import { buildTestWorkspace } from '../helpers/dashboard.js';
import { startOidcProvider, type TestProvider } from '../helpers/oidcProvider.js';
import { addPartnership, OXFORD, PEOPLE, type Person } from '../helpers/partnership.js';
import { tempDir } from '../helpers/temp.js';
import type { AssessmentData } from '../helpers/assessmentData.js';
import { freePort } from '../helpers/serveProcess.js';

const SHOTS = '/tmp/access-shots';
const DEF = 'thames-valley-vru';
/** Another district of the partnership, which the Oxford agreement does not cover (Cherwell). */
const CHERWELL = 'E07000177';
const LABEL = 'Thames Valley Partnership';
const CLIENT = { client_id: 'svd-dashboard', client_secret: 'a-secret-for-the-test-only-00000' };
/** The provider's accounts: the login typed on its page is the key. */
const LOGINS: Partial<Record<Person, string>> = {
  policeAnalyst: 'police-analyst',
  cityAnalyst: 'city-analyst',
  cityMember: 'city-member',
  healthAnalyst: 'health-analyst',
};

const run = chromiumAvailable();
const dir = tempDir('svd-e2e-access-');
let provider: TestProvider;
let pool: WorkspacePool;
let app: FastifyInstance;
/** The same pool in local single-user mode: the data read directly. */
let local: FastifyInstance;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  if (!run) return;
  if (!existsSync(packageFile('dist', 'web', 'index.html')))
    throw new Error(
      'the web app is not built (dist/web): run `npm run build` first (npm test does)',
    );
  mkdirSync(SHOTS, { recursive: true });
  const db = await buildTestWorkspace(dir);
  await addPartnership(db, systemClock);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const redirectUri = `${origin}/auth/oidc/callback`;
  const accounts: Record<string, { email: string; name: string; email_verified: boolean }> = {};
  for (const [who, login] of Object.entries(LOGINS) as [Person, string][])
    accounts[login] = { email: PEOPLE[who].email, name: who, email_verified: true };
  provider = await startOidcProvider({
    accounts,
    clients: [{ ...CLIENT, redirect_uris: [redirectUri] }],
  });
  pool = await WorkspacePool.open(db, { writable: true, reporter: silentReporter });
  app = await buildServer({
    pool,
    reporter: silentReporter,
    host: '127.0.0.1',
    port,
    signIn: {
      local: true,
      oidc: await OidcRelyingParty.discover({
        issuer: provider.issuer,
        clientId: CLIENT.client_id,
        clientSecret: CLIENT.client_secret,
        redirectUri,
        label: LABEL,
      }),
      oidcRedirectUri: redirectUri,
      sessions: { idleMinutes: 30, absoluteHours: 8, secureCookie: false },
    },
  });
  await app.listen({ host: '127.0.0.1', port });
  local = await buildServer({ pool, reporter: silentReporter });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await local?.close();
  pool?.close();
  await provider?.close();
});

/** What local single-user mode answers to the same path and query. */
async function direct(pathAndQuery: string): Promise<unknown> {
  const res = await local.inject({ method: 'GET', url: pathAndQuery });
  expect(res.statusCode, pathAndQuery).toBe(200);
  return res.json();
}

interface Visit {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions, with the address of the resource when there is one. */
  errors: { text: string; url: string }[];
  /** Every answer of the dashboard's API to the page, in order. */
  answers: { url: URL; status: number; body: unknown }[];
}

/** A fresh browser context (no cookies) with one page that records errors and API answers. */
async function visit(): Promise<Visit> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  // Nothing outside loopback: the provider's development pages ask for a web font.
  await context.route(
    (u) => u.hostname !== '127.0.0.1',
    (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }),
  );
  const page = await context.newPage();
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const errors: Visit['errors'] = [];
  const answers: Visit['answers'] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    // The provider's own pages (and their missing favicon) are the test provider's, not svd's.
    const at = m.location().url;
    if (new URL(page.url()).origin === provider.issuer) return;
    if (at !== '' && new URL(at).origin === provider.issuer) return;
    errors.push({ text: `${m.type()}: ${m.text()}`, url: at });
  });
  page.on('pageerror', (e) => errors.push({ text: `pageerror: ${e.message}`, url: '' }));
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.origin !== origin || !u.pathname.startsWith('/api/')) return;
    if (!(r.headers()['content-type'] ?? '').includes('application/json')) return;
    void r.json().then(
      (body: unknown) => answers.push({ url: u, status: r.status(), body }),
      () => undefined,
    );
  });
  return { context, page, errors, answers };
}

async function settled(page: Page): Promise<void> {
  await page.waitForSelector('main h1');
  // Polled from here: the pages' Content-Security-Policy forbids the eval a string predicate needs.
  await expect
    .poll(() => page.locator('.loading').count(), { timeout: 60_000, interval: 100 })
    .toBe(0);
}

/**
 * From the dashboard's sign-in screen, through the provider's login and consent pages, back to
 * the dashboard signed in.
 */
async function signInThroughProvider(v: Visit, who: Person, shot?: string): Promise<void> {
  const { page } = v;
  await page.goto(`${origin}/`);
  const button = page.locator('[data-testid=sign-in-oidc]');
  await button.waitFor();
  expect(await page.locator('main h1').innerText()).toBe(
    'Sign in to the Serious Violence Duty dashboard',
  );
  expect(await button.innerText()).toBe(`Sign in with ${LABEL}`);
  if (shot !== undefined) await page.screenshot({ path: path.join(SHOTS, shot), fullPage: true });
  await button.click();
  // The provider's own login page (its development pages: the login is the account's key).
  await page.waitForURL((u) => u.origin === provider.issuer);
  await page.locator('input[name=login]').fill(LOGINS[who]!);
  await page.locator('input[name=password]').fill('any password');
  if (shot !== undefined)
    await page.screenshot({ path: path.join(SHOTS, 'provider-login.png'), fullPage: true });
  await page.locator('button[type=submit]').click();
  // Its consent page: the scopes asked for.
  await page.locator('input[name=prompt][value=consent]').waitFor({ state: 'attached' });
  await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => u.origin === origin && u.pathname === '/');
  await page.locator('[data-testid=signed-in-user]').waitFor();
}

async function headerOf(page: Page): Promise<string> {
  return page.locator('[data-testid=signed-in-user] .user-role').innerText();
}

/** The session as the page's own cookie gets it. */
async function sessionOf(page: Page): Promise<SessionAnswer> {
  return page.evaluate(async () => (await fetch('/api/session')).json() as Promise<SessionAnswer>);
}

/** A GET asked from inside the page, with its cookie. */
async function fetchInPage(
  page: Page,
  address: string,
): Promise<{ status: number; body: unknown; type: string }> {
  return page.evaluate(async (a) => {
    const r = await fetch(a);
    const type = r.headers.get('content-type') ?? '';
    return {
      status: r.status,
      type,
      body: type.includes('json') ? ((await r.json()) as unknown) : await r.text(),
    };
  }, address);
}

/** The page's latest answer (200) from a route that passes the test; waits for it to be read. */
async function lastAnswer(
  v: Visit,
  route: string,
  test: (u: URL) => boolean = () => true,
): Promise<Visit['answers'][number]> {
  const find = () =>
    v.answers.filter((a) => a.url.pathname === route && a.status === 200 && test(a.url)).at(-1);
  await expect.poll(() => find() !== undefined, { timeout: 30_000, interval: 100 }).toBe(true);
  return find()!;
}

const totalOnPage = async (page: Page): Promise<number> =>
  Number((await page.locator('[data-testid=overview-total]').innerText()).replace(/,/g, ''));

describe.runIf(run)('three organisations sign in through the OpenID provider', () => {
  it('the police analyst sees the whole workspace, as read directly, and a record explained', async () => {
    const v = await visit();
    const { page } = v;
    await signInThroughProvider(v, 'policeAnalyst', 'sign-in.png');
    expect(await headerOf(page)).toBe('Thames Valley Police · analyst');
    await settled(page);
    expect(await page.locator('main h1').innerText()).toBe('Overview');
    await page.screenshot({ path: path.join(SHOTS, 'police-analyst.png'), fullPage: true });

    // The figures the page shows are the answer it was given, and that answer is local mode's.
    const overview = await lastAnswer(v, '/api/overview', (u) => u.searchParams.has('tier'));
    expect(overview.url.searchParams.get('definition')).toBe(DEF);
    // The same, but for the coverage of the A&E data, which is the trust's.
    const whole = await direct(`/api/overview${overview.url.search}`);
    expect(withoutCoverage(overview.body)).toEqual(withoutCoverage(whole));
    expect(coverageSources(overview.body)).toEqual(
      coverageSources(whole).filter((s) => s !== 'istv'),
    );
    expect(await totalOnPage(page)).toBe((overview.body as { total: number }).total);
    expect(await totalOnPage(page)).toBeGreaterThan(0);
    const trends = await lastAnswer(v, '/api/trends', (u) => u.searchParams.has('tier'));
    expect(trends.body).toEqual(await direct(`/api/trends${trends.url.search}`));

    // A record of the selection can be explained.
    const records = await fetchInPage(page, `/api/records${overview.url.search}&limit=1`);
    expect(records.status).toBe(200);
    const id = (records.body as { id: number }[])[0]!.id;
    const explain = await fetchInPage(page, `/api/explain/${id}?definition=${DEF}`);
    expect(explain.status).toBe(200);
    expect(explain.body).toEqual(await direct(`/api/explain/${id}?definition=${DEF}`));

    expect(v.errors).toEqual([]);
    await v.context.close();
  });

  it('the city analyst sees Oxford only, as read directly for Oxford, and no single record', async () => {
    const v = await visit();
    const { page } = v;
    await signInThroughProvider(v, 'cityAnalyst');
    expect(await headerOf(page)).toBe('Oxford City Council · analyst');
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, 'city-analyst.png'), fullPage: true });

    // The page asks for Oxford, the one area it is offered, and is answered as local mode
    // answers for Oxford.
    expect(new URL(page.url()).searchParams.get('area')).toBe(`district:${OXFORD}`);
    const options = page.locator('[data-testid=filter-area] option');
    const areas: (string | null)[] = [];
    for (let i = 0; i < (await options.count()); i++)
      areas.push(await options.nth(i).getAttribute('value'));
    // Only the district the agreements cover: not even "All areas held".
    expect(areas).toEqual([`district:${OXFORD}`]);
    const overview = await lastAnswer(
      v,
      '/api/overview',
      (u) => u.searchParams.get('area') === `district:${OXFORD}`,
    );
    const oxford = await direct(`/api/overview${overview.url.search}`);
    // The same answer, but for the sources' coverage, which is held to what the city reads.
    expect(withoutCoverage(overview.body)).toEqual(withoutCoverage(oxford));
    expect(coverageSources(overview.body)).not.toContain('istv');
    expect(await totalOnPage(page)).toBe((oxford as { total: number }).total);
    // Less than the whole partnership (the same question without the area).
    const params = new URLSearchParams(overview.url.search);
    params.delete('area');
    const whole = (await direct(`/api/overview?${params.toString()}`)) as { total: number };
    expect((oxford as { total: number }).total).toBeLessThan(whole.total);

    // A question without an area (as an address typed by hand): the server holds it to Oxford.
    const unheldParams = new URLSearchParams(overview.url.search);
    unheldParams.delete('area');
    const unheld = await fetchInPage(page, `/api/overview?${unheldParams.toString()}`);
    expect(unheld.status).toBe(200);
    expect(unheld.body).toEqual(overview.body);

    // Another district, a single record, a list of records: refused.
    const refused: string[] = [];
    const cherwell = new URLSearchParams(overview.url.search);
    cherwell.set('area', `district:${CHERWELL}`);
    for (const address of [
      `/api/overview?${cherwell.toString()}`,
      `/api/explain/1?definition=${DEF}`,
      `/api/records${overview.url.search}`,
    ]) {
      const res = await fetchInPage(page, address);
      expect(res.status, address).toBe(403);
      expect((res.body as ErrorAnswer).error.code, address).toBe('NOT_PERMITTED');
      refused.push(new URL(address, origin).pathname);
    }

    // The Definitions page lists records to explain: it shows the refusal there instead.
    await page.click('nav a[href^="/definitions"]');
    await page.waitForURL((u) => u.pathname === '/definitions');
    await settled(page);
    const section = page.locator('section[aria-labelledby=explain-h]');
    const alert = section.locator('[role=alert]');
    await alert.waitFor();
    const words = await alert.innerText();
    expect(words).toContain('[NOT_PERMITTED]');
    const recordsRefusal = v.answers.find(
      (a) => a.url.pathname === '/api/records' && a.status === 403,
    );
    expect(recordsRefusal).toBeDefined();
    expect(words).toContain((recordsRefusal!.body as ErrorAnswer).error.message);
    expect(await section.locator('table').count()).toBe(0);
    await page.screenshot({
      path: path.join(SHOTS, 'city-analyst-definitions.png'),
      fullPage: true,
    });
    refused.push('/api/records');

    // The only console errors are the browser's notes of those refusals.
    const expected = (e: Visit['errors'][number]): boolean =>
      /Failed to load resource: the server responded with a status of 403/.test(e.text) &&
      refused.includes(new URL(e.url).pathname);
    expect(v.errors.filter((e) => expected(e)).length).toBeGreaterThanOrEqual(4);
    expect(v.errors.filter((e) => !expected(e))).toEqual([]);
    await v.context.close();
  });

  it('the city member is shown the assessment, with no small count, and refused the live analyses', async () => {
    const v = await visit();
    const { page } = v;
    await signInThroughProvider(v, 'cityMember');
    expect(await headerOf(page)).toBe('Oxford City Council · member');
    expect((await sessionOf(page)) as { view?: string }).toMatchObject({ view: 'assessment' });
    await settled(page);
    expect(await page.locator('main h1').innerText()).toBe('The Strategic Needs Assessment');
    await page.screenshot({ path: path.join(SHOTS, 'city-member.png'), fullPage: true });

    const overview = await fetchInPage(page, `/api/overview?definition=${DEF}`);
    expect(overview.status).toBe(403);
    expect((overview.body as ErrorAnswer).error.code).toBe('NOT_PERMITTED');

    // The link opens the assessment as a page of its own.
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/assessment'),
      page.click('[data-testid=open-assessment]'),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/html');
    await page.waitForURL((u) => u.pathname === '/api/assessment');
    await page.waitForLoadState('load');
    await page.screenshot({ path: path.join(SHOTS, 'assessment.png'), fullPage: true });
    // Every figure as published, from the page's machine-readable copy: no count of 1 to 4.
    const data = JSON.parse(
      (await page.locator('script#sna-data').textContent()) ?? 'null',
    ) as AssessmentData;
    expect(data.area.code).toBe(OXFORD);
    expect(data.policy.minimum).toBe(5);
    const counts: { where: string; n: number }[] = [];
    for (const [id, t] of Object.entries(data.tables)) {
      if (t === null) continue;
      const figures = [
        ...t.cells.flatMap((row, r) => row.map((n, c) => ({ where: `${id}[${r}][${c}]`, n }))),
        ...(t.rowTotals ?? []).map((n, r) => ({ where: `${id} row total ${r}`, n })),
        ...t.columnTotals.map((n, c) => ({ where: `${id} column total ${c}`, n })),
        { where: `${id} total`, n: t.total ?? null },
      ];
      for (const f of figures) if (f.n !== null) counts.push({ where: f.where, n: f.n });
    }
    for (const [i, l] of (data.map ?? []).entries())
      if (l.count !== null) counts.push({ where: `map ${i}`, n: l.count });
    expect(counts.length).toBeGreaterThan(20);
    expect(counts.filter((c) => c.n >= 1 && c.n <= 4)).toEqual([]);
    // The figures of the tables as the page shows them (their row labels aside): none reads 1–4.
    const cells = await page.locator('table.data td.num').allInnerTexts();
    expect(cells.length).toBeGreaterThan(20);
    expect(cells.filter((c) => /^[1-4]$/.test(c.trim()))).toEqual([]);
    // And the page does withhold some (the check above is not of a table without small counts).
    expect(cells.filter((c) => c.trim() === SUPPRESSED_MARK).length).toBeGreaterThan(0);

    const unexpected = v.errors.filter(
      (e) => !(/status of 403/.test(e.text) && new URL(e.url, origin).pathname === '/api/overview'),
    );
    expect(unexpected).toEqual([]);
    await v.context.close();
  });

  it('the health analyst (their own A&E data, no agreement with the police) is refused the police analyses', async () => {
    const v = await visit();
    const { page } = v;
    await signInThroughProvider(v, 'healthAnalyst');
    expect(await headerOf(page)).toBe('Oxford University Hospitals · analyst');
    const session = (await sessionOf(page)) as Extract<
      SessionAnswer,
      { signedIn: true; mode: 'sign-in' }
    >;
    const level = (d: string): string | undefined =>
      session.grants.find((g) => g.dataset === d)?.level;
    expect([level('istv'), level('force-extract'), level('police-uk')]).toEqual([
      'record',
      'none',
      'none',
    ]);
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, 'health-analyst.png'), fullPage: true });
    // What the page says they see is what the session's grants say.
    const rows = await page.locator('[data-testid=grants] tbody tr').allInnerTexts();
    expect(rows.find((r) => r.startsWith('istv'))).toContain('records');
    expect(rows.find((r) => r.startsWith('force-extract'))).toContain('nothing');
    for (const address of [`/api/overview?definition=${DEF}`, '/api/records', '/api/meta']) {
      const res = await fetchInPage(page, address);
      expect(res.status, address).toBe(403);
      expect((res.body as ErrorAnswer).error.code, address).toBe('NOT_PERMITTED');
    }
    expect(
      v.errors.filter((e) => !(/status of 403/.test(e.text) && e.url.startsWith(`${origin}/api/`))),
    ).toEqual([]);
    await v.context.close();
  });

  it('signing out brings the sign-in screen back, and the old cookie is answered 401', async () => {
    const v = await visit();
    const { page, context } = v;
    await signInThroughProvider(v, 'policeAnalyst');
    await settled(page);
    const cookie = (await context.cookies(origin)).find((c) => c.name === 'svd_session');
    expect(cookie).toBeDefined();
    const withOld = async (route: string): Promise<number> =>
      (await fetch(`${origin}${route}`, { headers: { cookie: `svd_session=${cookie!.value}` } }))
        .status;
    expect(await withOld('/api/meta')).toBe(200);
    await page.click('[data-testid=sign-out]');
    await page.locator('[data-testid=sign-in-oidc]').waitFor();
    expect(await page.locator('[data-testid=signed-in-user]').count()).toBe(0);
    // Signed out by choice: not told that the session "has ended".
    expect(await page.locator('[data-testid=session-ended]').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'signed-out.png'), fullPage: true });
    // The data and the one document the dashboard links to (it offers no other download).
    for (const route of ['/api/meta', `/api/overview?definition=${DEF}`, '/api/assessment'])
      expect(await withOld(route), route).toBe(401);
    expect(await sessionOf(page)).toMatchObject({ signedIn: false });
    expect(v.errors).toEqual([]);
    await context.close();
  });
});

/** An overview without its coverage of the sources (held per reader; compared apart). */
function withoutCoverage(overview: unknown): unknown {
  const { coverage: _coverage, ...rest } = overview as { coverage: unknown };
  return rest;
}

function coverageSources(overview: unknown): string[] {
  return (overview as { coverage: { sources: { source: string }[] } }).coverage.sources.map(
    (s) => s.source,
  );
}
