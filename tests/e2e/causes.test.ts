/**
 * The "Causes and risk factors" page in a real browser (Debian's Chromium through playwright-core),
 * against `svd serve` on loopback with the small demo workspace and its indicators: the
 * association table holds a row per indicator of `/api/causes` asked with the page's own filters,
 * the map paints the areas in the legend's colours, the quadrant toggle changes the legend, and
 * the comparators show the API's values. Screenshots are written to test-output/screenshots/ to
 * be looked at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AreaFeatureCollection,
  CausesAnswer,
  Quadrant,
  RiskArea,
} from '../../src/api/index.js';
import { silentReporter } from '../../src/core/reporter.js';
import { fixedClock } from '../../src/core/clock.js';
import { packageFile } from '../../src/core/packageFiles.js';
import { serveWorkspace, type RunningServer } from '../../src/server/serveWorkspace.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { buildTestWorkspace } from '../helpers/dashboard.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const SCREENSHOTS = path.join(REPO, 'test-output', 'screenshots');
const OXFORD = 'district:E07000178';
/** The quadrants' colours and words as the page draws them (web/src/pages/CausesPage.tsx). */
const QUADRANT_COLOURS: Record<Quadrant, string> = {
  'high-risk-high-violence': '#D55E00',
  'high-risk-low-violence': '#E69F00',
  'low-risk-high-violence': '#0072B2',
  'low-risk-low-violence': '#56B4E9',
};
const run = chromiumAvailable();
const dir = tempDir('svd-e2e-causes-');
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
    allowUpload: false,
    reporter: silentReporter,
    cwd: dir,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const url = (p: string): string => new URL(p, server.url).href;

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  // Charts drawn at once (the dashboard honours reduced motion), so that pixels and screenshots
  // show them whole.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const errors: string[] = [];
  page.on('console', (m) => {
    // Reading the map's pixels back is what the test does, not the page.
    if (/willReadFrequently/.test(m.text())) return;
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors };
}

async function settled(page: Page): Promise<void> {
  await page.waitForSelector('main h1');
  await expect
    .poll(() => page.locator('.loading').count(), { timeout: 60_000, interval: 100 })
    .toBe(0);
}

/** The page's filters, as it asks the API (its own choice of map layer left out). */
function filtersOf(page: Page): URLSearchParams {
  const filters = new URL(page.url()).searchParams;
  filters.delete('layer');
  return filters;
}

async function getJson<T>(address: string): Promise<T> {
  const response = await fetch(url(address));
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** How many of the map's canvas pixels are exactly each colour (#rrggbb). */
function pixelsOf(map: Locator, colours: readonly string[]): Promise<number[]> {
  return map.evaluate((el, wanted) => {
    const canvas = el.querySelector('canvas')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = wanted.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const counts = wanted.map(() => 0);
    for (let i = 0; i < data.length; i += 4)
      rgb.forEach((c, k) => {
        if (data[i] === c[0] && data[i + 1] === c[1] && data[i + 2] === c[2]) counts[k]!++;
      });
    return counts;
  }, colours);
}

/**
 * What an en-GB number with three significant figures (as the page writes values) may differ
 * from the value it shows: half a unit of its last decimal.
 */
function shownTolerance(v: number): number {
  if (v === 0) return 0;
  const decimals = Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v)))));
  return 0.5 * 10 ** -decimals + 1e-9;
}

describe.runIf(run)('the causes and risk factors page in Chromium', () => {
  it('shows the API’s association rows, the risk map and its quadrants, and the comparators', async () => {
    const { page, errors } = await openPage();
    await page.goto(url(`/causes?area=${OXFORD}`));
    await settled(page);
    expect(await page.locator('main h1').innerText()).toBe('Causes and risk factors');
    const filters = filtersOf(page);
    expect(filters.get('area')).toBe(OXFORD);
    const api = await getJson<CausesAnswer>(`/api/causes?${filters.toString()}`);
    const r = api.result;

    // The summary and the cautions are shown as the API words them.
    const summary = await page.locator('[data-testid=analysis-summary]').innerText();
    for (const s of r.summary) expect(summary).toContain(s);
    expect(r.cautions.length).toBeGreaterThan(0);
    const cautions = await page.locator('[data-testid=causes-cautions]').innerText();
    for (const c of r.cautions) expect(cautions).toContain(c);

    // A row per indicator of the association, in the API's order, circular ones marked.
    expect(r.association.rows.length).toBeGreaterThan(0);
    const rows = page.locator('[data-testid=causes-association] tbody tr');
    expect(await rows.count()).toBe(r.association.rows.length);
    for (const [i, row] of r.association.rows.entries()) {
      const text = await rows.nth(i).innerText();
      expect(text).toContain(row.name);
      expect(text).toContain(row.period);
      expect(await rows.nth(i).locator('.mark', { hasText: 'built from crime' }).count()).toBe(
        row.circular ? 1 : 0,
      );
    }

    // The map paints the areas of the index in the legend's colours, and says what it is.
    const index = r.riskIndex;
    expect(index).not.toBeNull();
    const map = page.locator('[data-testid=causes-map]');
    await map.scrollIntoViewIfNeeded();
    expect(await map.getAttribute('aria-label')).toContain(
      `Map of ${index!.areas.length.toLocaleString('en-GB')} LSOAs shaded by the neighbourhood risk index`,
    );
    // The swatches' colours, as the browser holds them (rgb(r, g, b)).
    const indexColours = (
      await page
        .locator('[data-testid=causes-map-legend] li', { hasText: /^Index / })
        .locator('.swatch')
        .evaluateAll((swatches) => swatches.map((s) => s.getAttribute('style') ?? ''))
    ).map((style: string) => {
      const rgb = style.match(/rgb\((\d+), (\d+), (\d+)\)/);
      expect(rgb).not.toBeNull();
      return `#${rgb!
        .slice(1, 4)
        .map((n: string) => Number(n).toString(16).padStart(2, '0'))
        .join('')}`;
    });
    // Every class of the index is painted.
    expect(indexColours.length).toBeGreaterThan(1);
    const painted = await pixelsOf(map, indexColours);
    expect(painted.every((n) => n > 0)).toBe(true);
    const indexLegend = await page.locator('[data-testid=causes-map-legend]').innerText();
    expect(indexLegend).toMatch(/^Index /);
    expect(await page.locator('[data-testid=causes-map-note]').innerText()).toContain(
      'takes the highest score among them',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'causes.png'), fullPage: true });

    // The toggle to the quadrants changes the legend to words, and the colours painted are
    // those of the quadrants of the areas drawn (a 2011 LSOA of several 2021 LSOAs: the highest
    // score).
    await page.click('[data-testid=causes-layer-quadrants]');
    await page.waitForURL(/layer=quadrants/);
    await settled(page);
    const legend = page.locator('[data-testid=causes-map-legend]');
    await expect.poll(() => legend.innerText(), { timeout: 30_000 }).not.toBe(indexLegend);
    const quadrantLegend = await legend.innerText();
    for (const words of [
      'High risk, high violence',
      'High risk, low violence — prevention',
      'Low risk, high violence',
      'Low on both',
    ])
      expect(quadrantLegend).toContain(words);
    // Areas without an index, grey, are in the legend when there are any.
    expect(quadrantLegend.includes('no index (a component is missing)')).toBe(
      index!.areas.some((a) => a.score === null),
    );
    const shapes = await getJson<AreaFeatureCollection>(
      `/api/boundaries?${new URLSearchParams({ area: OXFORD }).toString()}`,
    );
    const drawn = new Map<string, RiskArea>();
    for (const a of index!.areas)
      for (const code of a.lsoa11) {
        const held = drawn.get(code);
        if (held === undefined || (a.score ?? -Infinity) > (held.score ?? -Infinity))
          drawn.set(code, a);
      }
    const onMap = new Set(shapes.features.map((f) => f.properties.code));
    const expected = new Set(
      [...drawn]
        .filter(([code, a]) => onMap.has(code) && a.quadrant !== null)
        .map(([, a]) => a.quadrant!),
    );
    expect(expected.size).toBeGreaterThan(0);
    const quadrants = Object.keys(QUADRANT_COLOURS) as Quadrant[];
    await expect
      .poll(
        async () => {
          const n = await pixelsOf(
            map,
            quadrants.map((q) => QUADRANT_COLOURS[q]),
          );
          return quadrants.filter((_, i) => n[i]! > 0);
        },
        { timeout: 30_000 },
      )
      .toEqual(quadrants.filter((q) => expected.has(q)));

    // A tooltip names the LSOA 2021 under the pointer, its index or its lack of one, and its
    // quadrant.
    const box = (await map.boundingBox())!;
    let tip = '';
    for (let i = 0; i < 36 && tip === ''; i++) {
      await page.mouse.move(
        box.x + box.width * (0.3 + (i % 6) * 0.08),
        box.y + box.height * (0.25 + Math.floor(i / 6) * 0.1),
      );
      await page.waitForTimeout(150);
      const shown = page.locator('.svd-tooltip', { hasText: 'LSOA 2021' });
      if ((await shown.count()) > 0 && (await shown.first().isVisible()))
        tip = await shown.first().innerText();
    }
    expect(tip).toMatch(/\(E01\d{6}, LSOA 2021\)/);
    expect(tip).toMatch(/Risk index: -?[\d.]+, rank [\d,]+ of [\d,]+|no index/);
    expect(tip).toMatch(/Quadrant: /);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'causes-quadrants.png') });

    // The comparators: the area named, and its value in each row as the API gives it.
    const c = r.comparators;
    expect(c.area).not.toBeNull();
    expect(await page.locator('[data-testid=causes-comparator-area]').innerText()).toContain(
      c.area!.name ?? c.area!.code,
    );
    const values = page.locator('[data-testid=comparator-area-value]');
    expect(await values.count()).toBe(c.rows.length);
    for (const [i, row] of c.rows.entries()) {
      const text = await values.nth(i).innerText();
      if (row.area.value === null) expect(text).toBe('—');
      else
        expect(Math.abs(Number(text.replace(/,/g, '')) - row.area.value)).toBeLessThanOrEqual(
          shownTolerance(row.area.value),
        );
    }
    await page.locator('[data-testid=causes-comparators]').scrollIntoViewIfNeeded();
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'causes-comparators.png'),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});
