/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), against `svd serve`
 * on loopback with a small demo workspace: every page loads without console errors, a filter
 * changes the numbers, the address round-trips, a map tooltip shows, keyboard users can skip to
 * the content, and an upload shows its validation report. Screenshots of every page are written
 * to test-output/screenshots/ to be looked at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { fixedClock } from '../../src/core/clock.js';
import { packageFile } from '../../src/core/packageFiles.js';
import { serveWorkspace, type RunningServer } from '../../src/server/serveWorkspace.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { BAD_ISTV, buildTestWorkspace } from '../helpers/dashboard.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const SCREENSHOTS = path.join(REPO, 'test-output', 'screenshots');
const run = chromiumAvailable();
const dir = tempDir('svd-e2e-');
let server: RunningServer;
let browser: BrowserContext;

beforeAll(async () => {
  if (!run) return;
  if (!existsSync(packageFile('dist', 'web', 'index.html')))
    throw new Error(
      'the web app is not built (dist/web): run `npm run build` first (npm test does)',
    );
  mkdirSync(SCREENSHOTS, { recursive: true });
  const db = await buildTestWorkspace(dir);
  server = await serveWorkspace({
    clock: fixedClock('2025-06-01T12:00:00Z'),
    db,
    host: '127.0.0.1',
    port: 0,
    allowUpload: true,
    reporter: silentReporter,
    cwd: dir,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page that records console errors and uncaught exceptions. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  // Charts drawn at once (the dashboard honours reduced motion), so screenshots show them whole.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors };
}

async function settled(page: Page): Promise<void> {
  await page.waitForSelector('main h1');
  // Polled from here: the pages' Content-Security-Policy forbids the eval a string predicate needs.
  await expect
    .poll(() => page.locator('.loading').count(), { timeout: 60_000, interval: 100 })
    .toBe(0);
}

const url = (p: string): string => new URL(p, server.url).href;

describe.runIf(run)('the dashboard in Chromium', () => {
  it.each([
    ['overview', '/'],
    ['map', '/map'],
    ['map-hotspots', '/map?measure=gistar&area=district:E07000178'],
    ['map-classes', '/map?measure=classes&area=district:E07000178'],
    ['map-kde', '/map?measure=kde'],
    ['trends', '/trends'],
    ['when', '/when'],
    ['who', '/who'],
    ['health', '/health'],
    ['deprivation', '/deprivation'],
    ['causes', '/causes'],
    ['definitions', '/definitions'],
    ['data', '/data'],
    ['strategy', '/strategy'],
    ['measures', '/measures'],
    ['reviews', '/reviews'],
  ])('%s loads without console errors', async (name, address) => {
    const { page, errors } = await openPage();
    await page.goto(url(address));
    await settled(page);
    // The defaults of the workspace are written into the address at once.
    expect(page.url()).toMatch(/definition=thames-valley-vru/);
    expect(page.url()).toMatch(/tier=primary/);
    await page.waitForTimeout(0);
    expect(await page.locator('[data-testid=synthetic-banner]').count()).toBe(1);
    // Every page says, in its header, that it serves this computer only.
    expect(await page.locator('header [data-testid=access-mode]').innerText()).toBe(
      'Local single-user mode: this computer only',
    );
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a filter changes the numbers, and the address round-trips', async () => {
    const { page, errors } = await openPage();
    await page.goto(url('/'));
    await settled(page);
    const total = async (): Promise<number> =>
      Number((await page.locator('[data-testid=overview-total]').innerText()).replace(/,/g, ''));
    const counting = (): Promise<string> => page.locator('[data-testid=counting]').innerText();
    // Serious violence by default: the primary tier of the definition, named on the page and
    // written into the address like the other filters.
    await page.waitForURL(/tier=primary/);
    expect(await counting()).toContain('Serious violence (primary tier of thames-valley-vru v2)');
    const primary = await total();
    expect(primary).toBe(
      Number((await page.locator('[data-testid=tier-primary]').innerText()).replace(/,/g, '')),
    );
    // "All records" is a choice, and counts more.
    await page.selectOption('[data-testid=filter-tier]', 'all');
    await page.waitForURL(/tier=all/);
    await settled(page);
    expect(await total()).toBeGreaterThan(primary);
    expect(await counting()).toContain('All records');
    await page.selectOption('[data-testid=filter-tier]', 'primary');
    await page.waitForURL(/tier=primary/);
    await settled(page);
    const after = await total();
    expect(after).toBe(primary);
    // The police beside health page compares every assault with injury, whatever the tier.
    const healthCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/health-vs-police')) healthCalls.push(r.url());
    });
    await page.click('nav a[href^="/health"]');
    await page.waitForURL(/\/health\?.*tier=primary/);
    await settled(page);
    expect(await counting()).toContain('whatever their tier');
    expect(healthCalls.length).toBeGreaterThan(0);
    for (const u of healthCalls) expect(new URL(u).searchParams.has('tier')).toBe(false);
    await page.click('nav a[href^="/?"]');
    await page.waitForURL((u) => u.pathname === '/');
    await settled(page);
    await page.selectOption('[data-testid=filter-area]', 'district:E07000178');
    await page.waitForURL(/area=district%3AE07000178/);
    await settled(page);
    const oxford = await total();
    expect(oxford).toBeLessThan(after);

    // The same address in a new page shows the same filters and the same number.
    const shared = page.url();
    const second = await openPage();
    await second.page.goto(shared);
    await settled(second.page);
    expect(second.page.url()).toBe(shared);
    expect(await second.page.locator('[data-testid=filter-tier]').inputValue()).toBe('primary');
    expect(await second.page.locator('[data-testid=filter-area]').inputValue()).toBe(
      'district:E07000178',
    );
    expect(
      Number(
        (await second.page.locator('[data-testid=overview-total]').innerText()).replace(/,/g, ''),
      ),
    ).toBe(oxford);
    // Back goes to the previous filters.
    await page.goBack();
    await page.waitForURL((u) => !u.href.includes('E07000178'));
    await settled(page);
    expect(await total()).toBe(after);
    expect([...errors, ...second.errors]).toEqual([]);
    await page.close();
    await second.page.close();
  });

  it('the map shows a tooltip with the LSOA, its count and rate', async () => {
    const { page, errors } = await openPage();
    await page.goto(url('/map?area=district:E07000178'));
    await settled(page);
    const map = page.locator('[data-testid=lsoa-map]');
    const box = (await map.boundingBox())!;
    // Move across the middle of the map until a region answers.
    let shown = false;
    for (let i = 0; i < 30 && !shown; i++) {
      await page.mouse.move(
        box.x + box.width * (0.35 + (i % 6) * 0.06),
        box.y + box.height * (0.3 + Math.floor(i / 6) * 0.1),
      );
      await page.waitForTimeout(150);
      const tip = page.locator('.svd-tooltip');
      shown =
        (await tip.count()) > 0 &&
        (await tip.first().isVisible()) &&
        /Incidents:/.test(await tip.first().innerText());
    }
    expect(shown).toBe(true);
    const text = await page.locator('.svd-tooltip').first().innerText();
    expect(text).toMatch(/Oxford \d{3}[A-Z] \(E01\d{6}\)/);
    expect(text).toMatch(/per 1,000|no population/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'map-tooltip.png') });
    // The tooltip names the LSOA's ward and district.
    expect(text).toMatch(/, Oxford\n/);
    // The legend states the unit and the period; the top LSOAs are named.
    expect(await page.locator('[data-testid=map-legend-title]').innerText()).toMatch(
      /Shaded by incidents per LSOA, [A-Z][a-z]{2} \d{4} – [A-Z][a-z]{2} \d{4}; district outlines and names/,
    );
    const top = page.locator('[data-testid=map-top-table] tbody tr');
    expect(await top.count()).toBe(10);
    const first = await top.first().innerText();
    expect(first).toMatch(/Oxford \d{3}[A-Z] \(E01\d{6}\)/);
    expect(first).toMatch(/On or near /);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'map-named.png'), fullPage: true });
    // The table behind the map holds every LSOA of Oxford.
    await page.locator('summary', { hasText: "Table of this chart's data" }).click();
    expect(await page.locator('[data-testid=map-table] tbody tr').count()).toBe(83);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the hotspot layer shows the Gi* cells of the API, with a tooltip for a cell', async () => {
    const { page, errors } = await openPage();
    await page.goto(url('/map?measure=gistar&area=district:E07000178'));
    await settled(page);
    const filters = new URL(page.url()).searchParams;
    filters.delete('measure'); // the page's own choice, not a filter
    const api = (await (await fetch(url(`/api/hotspots?${filters.toString()}`))).json()) as {
      result: { summary: { hotspots: number }; cells: { hotspot: string | null }[] };
    };
    const hot = api.result.summary.hotspots;
    expect(hot).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=hotspot-summary]').innerText()).toContain(
      `Gi* finds ${hot.toLocaleString('en-GB')} hot spot cell`,
    );
    const map = page.locator('[data-testid=hotspot-map]');
    const box = (await map.boundingBox())!;
    let shown = false;
    for (let i = 0; i < 36 && !shown; i++) {
      await page.mouse.move(
        box.x + box.width * (0.3 + (i % 6) * 0.07),
        box.y + box.height * (0.3 + Math.floor(i / 6) * 0.08),
      );
      await page.waitForTimeout(120);
      const tip = page.locator('.svd-tooltip');
      shown =
        (await tip.count()) > 0 &&
        (await tip.first().isVisible()) &&
        /Gi\* z/.test(await tip.first().innerText());
    }
    expect(shown).toBe(true);
    expect(await page.locator('.svd-tooltip').first().innerText()).toMatch(
      /Cell [\d,]+ .*\n.*Incidents: [\d,]+/,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'map-hotspot-tooltip.png') });
    await page.locator('summary', { hasText: "Table of this chart's data" }).click();
    expect(await page.locator('[data-testid=hotspot-table] tbody tr').count()).toBe(
      api.result.cells.filter((c) => c.hotspot !== null).length,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the actions table filters by overdue, kept in the address', async () => {
    const { page, errors } = await openPage();
    await page.goto(url('/strategy'));
    await settled(page);
    const rows = async (): Promise<number> =>
      page.locator('[data-testid=actions] tbody tr').count();
    const all = await rows();
    await page.check('[data-testid=actions-overdue]');
    await page.waitForURL(/overdue=true/);
    await settled(page);
    const overdue = await rows();
    expect(overdue).toBeGreaterThan(0);
    expect(overdue).toBeLessThan(all);
    expect(await page.locator('[data-testid=actions] tbody tr', { hasText: 'days' }).count()).toBe(
      overdue,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keyboard: the first Tab reaches the skip link, which moves focus to the content', async () => {
    const { page } = await openPage();
    await page.goto(url('/'));
    await settled(page);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to the content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    await page.close();
  });

  it('an upload shows its progress and validation report', async () => {
    const { page, errors } = await openPage();
    await page.goto(url('/data'));
    await settled(page);
    const batchesBefore = await page.locator('[data-testid=batches] tbody tr').count();
    await page.selectOption('[data-testid=upload-kind]', 'istv');
    await page.setInputFiles('[data-testid=upload-file]', {
      name: 'ae-april.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(BAD_ISTV),
    });
    await page.click('[data-testid=upload-submit]');
    const refused = page.locator('[data-testid=upload-error]');
    await refused.waitFor({ timeout: 60_000 });
    const refusal = await refused.innerText();
    expect(refusal).toMatch(/nothing was stored/);
    expect(refusal).toMatch(/line 3, field "Arrival Date"/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'upload-refused.png'), fullPage: true });

    await page.fill('input[inputmode=numeric]', '1');
    await page.click('[data-testid=upload-submit]');
    const result = page.locator('[data-testid=upload-result]');
    await result.waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=upload-progress]').count()).toBe(1);
    const report = await result.locator('[data-testid=validation-report]').innerText();
    expect(report).toMatch(/error/);
    expect(report).toMatch(/31\/02\/2024/);
    expect(await result.innerText()).toMatch(/2 stored, 1 left out/);
    await expect
      .poll(() => page.locator('[data-testid=batches] tbody tr').count(), { timeout: 30_000 })
      .toBe(batchesBefore + 1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'upload-stored.png'), fullPage: true });
    // The refused attempt answered 422, which the browser logs as a failed resource.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await page.close();
  });
});
