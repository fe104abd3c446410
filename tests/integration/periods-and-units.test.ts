/**
 * Figures true for the period they name, on the dashboard's demo-like workspace (three months of
 * the shared police.uk data for Thames Valley with the synthetic partner data, classified): the
 * SNA and the dashboard's "Is it changing?" state the same change, checked against counts by
 * month from SQL; a requested period only partly held is said so in the analyses' warnings and in
 * every SNA figure, with rates annualised over the months held; and the SNA draws months on a
 * time axis with the months not held as a gap.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseHotspots } from '../../src/analyses/hotspots/analyseHotspots.js';
import { analyseTrends } from '../../src/analyses/trends/analyseTrends.js';
import { formatChange, formatCount } from '../../src/analyses/selection/plainWords.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentReporter } from '../../src/core/reporter.js';
import { buildSnaReport } from '../../src/reports/sna/buildSnaReport.js';
import { chartOption } from '../../src/reports/sna/renderChart.js';
import { tableChartSpec } from '../../src/reports/sna/renderSnaHtml.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import type { Workspace } from '../../src/store/openWorkspace.js';
import { svd } from '../helpers/cli.js';
import { buildTestWorkspace } from '../helpers/dashboard.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-periods-');
let db: string;
let pool: WorkspacePool;
let app: FastifyInstance;

const DEF = 'thames-valley-vru';
const CSP = 'safer-oxfordshire';
const context = { cwd: dir, reporter: silentReporter, clock: fixedClock('2025-06-01T12:00:00Z') };

beforeAll(async () => {
  db = await buildTestWorkspace(dir);
  pool = await WorkspacePool.open(db, { writable: false, reporter: silentReporter });
  app = await buildServer({
    pool,
    reporter: silentReporter,
    webRoot: path.join(dir, 'no-web'),
    clock: context.clock,
  });
}, 600_000);

afterAll(async () => {
  await app?.close();
  pool?.close();
});

const withWs = <T>(fn: (ws: Workspace) => Promise<T>): Promise<T> => pool.read(fn);

/** Every number of a sentence, in order ("97", "31", "+28%", "1.28", "0.12" …). */
const numbers = (s: string): string[] => s.match(/[+−-]?\d[\d,.]*%?/g) ?? [];

describe('one change, stated the same way', () => {
  it('the SNA and the dashboard state the same periods, counts, percentage and test', async () => {
    const api = await app.inject({
      method: 'GET',
      url: `/api/trends?area=csp:${CSP}&definition=${DEF}&tier=primary`,
    });
    expect(api.statusCode).toBe(200);
    const dashboard = (
      api.json() as {
        result: {
          change: {
            summary: string;
            earlier: { from: string; to: string; count: number; days: number };
            later: { from: string; to: string; count: number; days: number };
          };
        };
      }
    ).result.change;
    const sna = await withWs((ws) =>
      buildSnaReport(
        ws,
        { area: `csp=${CSP}`, definition: DEF, disclosure: { audience: 'analyst' } },
        context,
      ),
    );
    const statement = sna.disclosed.change!.statement;
    // Independently: the records of the first tier by month, as svd counts counts them.
    const counted = await svd([
      'counts',
      '--by',
      'month',
      '--where',
      `csp_code=${CSP}`,
      '--where',
      'tier=primary',
      '--definition',
      DEF,
      '--db',
      db,
      '--json',
    ]);
    expect(counted.code, counted.stderr).toBe(0);
    const byMonth = new Map(
      (JSON.parse(counted.stdout) as { month: string; n: number }[]).map((r) => [
        String(r.month).slice(0, 7),
        r.n,
      ]),
    );
    const { earlier, later } = dashboard;
    expect(later.count).toBe(byMonth.get(later.from));
    expect(earlier.count).toBe(byMonth.get(earlier.from));
    // The percentage is of the rate per day, worked here by hand from the counts and days.
    const pct = formatChange(later.count / later.days / (earlier.count / earlier.days) - 1);
    for (const s of [dashboard.summary, statement]) {
      expect(s).toContain(`${formatCount(later.count)} `);
      expect(s).toContain(pct);
      expect(s).toContain('exact test for two Poisson counts');
    }
    expect(numbers(statement)).toEqual(numbers(dashboard.summary));
    // And the executive summary says it in the same words.
    expect(sna.disclosed.summary).toContain(statement);
  });
});

describe('a period only partly held', () => {
  it('is flagged in the analyses as "3 of 12 months held", naming the months not held once', async () => {
    const r = await withWs((ws) =>
      analyseTrends(
        ws,
        { from: '2023-04', to: '2024-03', where: [{ dimension: 'csp_code', values: [CSP] }] },
        {},
        { cwd: dir, reporter: silentReporter },
      ),
    );
    const part = r.warnings.find((w) => w.code === 'PART_PERIOD');
    expect(part?.message).toContain('Apr 2023 – Mar 2024: 3 of 12 months held');
    expect(part?.message).toContain('not held: Apr 2023 – Dec 2023');
    expect(r.warnings.map((w) => w.message).join('\n')).not.toMatch(/\d{4}-\d{2}…/);
    // The hotspots analysis, which selects its own way, says so in the same words.
    const h = await withWs((ws) =>
      analyseHotspots(
        ws,
        { from: '2023-04', to: '2024-03', where: [{ dimension: 'csp_code', values: [CSP] }] },
        { area: `csp=${CSP}` },
        { cwd: dir, reporter: silentReporter },
      ),
    );
    expect(h.warnings.find((w) => w.code === 'PART_PERIOD')?.message).toBe(part?.message);
    // A fully held period is not flagged.
    const whole = await withWs((ws) =>
      analyseTrends(
        ws,
        { from: '2024-01', to: '2024-03', where: [{ dimension: 'csp_code', values: [CSP] }] },
        {},
        { cwd: dir, reporter: silentReporter },
      ),
    );
    expect(whole.warnings.map((w) => w.code)).not.toContain('PART_PERIOD');
  });

  it('is said in every SNA figure, rates are per year, and months are drawn on a time axis with a gap', async () => {
    const sna = await withWs((ws) =>
      buildSnaReport(
        ws,
        {
          area: `csp=${CSP}`,
          definition: DEF,
          period: '2023-04..2024-03',
          disclosure: { audience: 'analyst' },
        },
        context,
      ),
    );
    const d = sna.disclosed;
    expect(d.periodHeld).toEqual({ months: 12, held: 3 });
    const captions = [...sna.html.matchAll(/<figcaption>([\s\S]*?)<\/figcaption>/g)].map((m) =>
      m[1]!.replace(/\s+/g, ' '),
    );
    expect(captions.length).toBeGreaterThan(5);
    for (const c of captions) expect(c).toContain('Apr 2023 – Mar 2024: 3 of 12 months held');
    expect(d.summary[0]).toContain('3 of 12 months held');
    expect(sna.html).toContain('Rate per 1,000 residents per year');
    // Annualised: the count over 3 months, times 12/3, per 1,000 residents.
    const volumes = d.tables.volumes;
    d.rates.districts.forEach((r, i) => {
      const cell = volumes.cells[i]![0]!;
      if (r.rate === null || cell.suppressed !== false || r.population === null) return;
      expect(r.rate).toBeCloseTo(
        Number(((cell.value / r.population) * 1000 * 4).toPrecision(3)),
        6,
      );
    });
    // The trend chart: a time axis over the 12 months, the 9 not held as gaps ('-'), not zeros.
    const spec = tableChartSpec(d.tables.trend, 'line', d, { overMonths: true });
    const option = chartOption(spec) as {
      xAxis: { type: string };
      series: { data: [number, number | string][]; connectNulls: boolean }[];
    };
    expect(option.xAxis.type).toBe('time');
    expect(spec.categories).toHaveLength(12);
    const values = option.series[0]!.data.map(([, v]) => v);
    expect(values.slice(0, 9)).toEqual(Array(9).fill('-'));
    expect(values.slice(9).every((v) => typeof v === 'number')).toBe(true);
    expect(option.series[0]!.connectNulls).toBe(false);
    // Months on the axis are placed by date: one month apart is about 30 days apart.
    const times = option.series[0]!.data.map(([t]) => t);
    expect((times[11]! - times[0]!) / 86_400_000).toBeCloseTo(335, -1);
    expect(spec.notShown).toHaveLength(9);
    expect(sna.html).toContain('Months not held are gaps, not zeros: Apr 2023 – Dec 2023.');
  });
});

describe('deprivation rates per year', () => {
  it('are the same on the dashboard and in the SNA: the count over the complete months held, scaled to twelve', async () => {
    const period = { from: '2023-04', to: '2024-03' };
    const api = await app.inject({
      method: 'GET',
      url: `/api/deprivation?area=csp:${CSP}&definition=${DEF}&tier=primary&from=${period.from}&to=${period.to}`,
    });
    expect(api.statusCode, api.body).toBe(200);
    const r = (
      api.json() as {
        result: {
          monthsHeld: number;
          deciles: {
            decile: number;
            count: number;
            population: number | null;
            rate: number | null;
            perYear: { rate: number | null };
          }[];
        };
      }
    ).result;
    // Three of the twelve months are held (Jan–Mar 2024), so a year is four times the period.
    expect(r.monthsHeld).toBe(3);
    const sna = await withWs((ws) =>
      buildSnaReport(
        ws,
        {
          area: `csp=${CSP}`,
          definition: DEF,
          period: `${period.from}..${period.to}`,
          disclosure: { audience: 'analyst' },
        },
        context,
      ),
    );
    const snaDeciles = new Map(sna.disclosed.rates.deciles.map((d) => [Number(d.decile), d]));
    let compared = 0;
    for (const d of r.deciles) {
      if (d.population === null || d.population <= 0) continue;
      // By hand: count ÷ residents × 1,000 × 12/3.
      expect(d.perYear.rate).toBeCloseTo((d.count / d.population) * 1000 * 4, 9);
      expect(d.perYear.rate).toBeCloseTo(d.rate! * 4, 9);
      const s = snaDeciles.get(d.decile);
      if (s?.rate === null || s === undefined) continue;
      expect(s.rate).toBe(Number(d.perYear.rate!.toPrecision(3)));
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });
});
