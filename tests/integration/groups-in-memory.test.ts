/**
 * What the aggregate's groups held in memory answer — the hot spot analysis's points of a
 * selection, and the counts of a selection by several dimensions in turn — is what the SQL gives:
 * on the aggregate, and on the records themselves, for selections of every area level (nested
 * partnerships among them), tier, source and period of the demo workspace. Selections the held
 * values cannot read are left to the SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import type { CountFilter, Dimension } from '../../src/core/dimension.js';
import {
  buildIncidentAggregate,
  type IncidentAggregate,
} from '../../src/app/dashboard/incidentAggregate.js';
import { selectedPoints } from '../../src/analyses/hotspots/analyseHotspots.js';
import type { PointRows } from '../../src/analyses/hotspots/hotspotPoints.js';
import { recordCounting } from '../../src/analyses/counts/incidentCounting.js';
import { countIncidentsEach } from '../../src/analyses/counts/countIncidents.js';
import { definitionParams } from '../../src/analyses/selection/selection.js';
import { resolveSelection, type Selection } from '../../src/analyses/selection/selection.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { buildTestWorkspace, TEST_MONTHS } from '../helpers/dashboard.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-hotspot-points-');
let ws: Workspace;
let aggregate: IncidentAggregate;

beforeAll(async () => {
  const db = await buildTestWorkspace(dir);
  ws = await openWorkspace(db, { create: false });
  aggregate = await buildIncidentAggregate(ws);
}, 600_000);

afterAll(() => {
  aggregate?.close();
  ws?.close();
});

/** The rows with no totals row read as totals of nothing (the analysis reads them so). */
const plain = (rows: PointRows): PointRows => ({
  ...rows,
  totals: rows.totals ?? { selected: 0, unlocated: 0, police_uk: 0, synthetic: 0 },
});

/** Count rows compared in threeWays (so that the comparison is seen to have counted). */
let heldCounts = 0;

/**
 * The points of a selection three ways: held, by SQL on the aggregate, by SQL on the records;
 * with `counts`, its counts by several dimensions compared the same three ways first.
 */
async function threeWays(
  selection: Selection,
  area: { level: string; code: string },
  counts = false,
): Promise<{ held: PointRows | undefined; sql: PointRows; records: PointRows }> {
  const resolved = await resolveSelection(ws, selection, {
    cwd: dir,
    reporter: silentReporter,
    alsoUsing: ['lsoa11'],
  });
  const request = {
    filters: resolved.where,
    dimensions: resolved.dimensions,
    params: resolved.sql.given,
    area,
  };
  if (counts) {
    const names = ['lsoa21', 'month', 'lsoa11_method', 'source', 'district_code'] as const;
    const context = { dimensions: resolved.dimensions, ...definitionParams(resolved) };
    const [held, sql, records] = await aggregate.read(async (c) => [
      await countIncidentsEach(ws, names, resolved.where, { ...context, counting: c }),
      await countIncidentsEach(ws, names, resolved.where, {
        ...context,
        counting: { ...c, heldCounts: undefined },
      }),
      await countIncidentsEach(ws, names, resolved.where, context),
    ]);
    expect(held).toEqual(sql);
    expect(held).toEqual(records);
    // Worked out from the groups held, not left to the SQL.
    const direct = await aggregate.read(async (c) =>
      c.heldCounts?.(
        names.map((name) => resolved.dimensions.find((d) => d.name === name)!),
        {
          filters: resolved.where,
          dimensions: resolved.dimensions,
          params: definitionParams(resolved).params ?? {},
        },
      ),
    );
    expect(direct).toBeDefined();
    heldCounts += held.reduce((sum, r) => sum + r.rows.length, 0);
  }
  return aggregate.read(async (c) => ({
    held: await c.hotspotPoints?.(request),
    sql: await selectedPoints({ ...c, hotspotPoints: undefined }, resolved, area),
    records: await selectedPoints(recordCounting(ws), resolved, area),
  }));
}

describe('the hot spot points held in memory', () => {
  it('are the rows of the SQL, on the aggregate and on the records, for every kind of selection', async () => {
    const areas = await ws.db.all<{ level: string; code: string }>(
      `SELECT level, code FROM (SELECT DISTINCT level, area_code AS code FROM geo_memberships
         WHERE level IN ('district', 'csp', 'force', 'ward', 'msoa', 'imd_decile'))
        ORDER BY level, code`,
    );
    // Each level, and of the districts and partnerships every one (partnerships nest).
    const chosen = areas.filter(
      (a, k) => a.level === 'district' || a.level === 'csp' || a.level === 'force' || k % 97 === 0,
    );
    expect(chosen.filter((a) => a.level === 'csp').length).toBeGreaterThan(1);
    const tiers = [null, 'primary', 'secondary', 'none', 'excluded', 'unclassified'];
    const periods: [string | undefined, string | undefined][] = [
      [undefined, undefined],
      [TEST_MONTHS[1], TEST_MONTHS[2]],
      [TEST_MONTHS[0], TEST_MONTHS[0]],
      ['2023-01', TEST_MONTHS[0]],
    ];
    let compared = 0;
    let located = 0;
    for (const [k, area] of chosen.entries())
      for (const source of [null, 'police-uk', 'force-extract']) {
        const tier = tiers[(k + compared) % tiers.length]!;
        const [from, to] = periods[(k * 3 + compared) % periods.length]!;
        const where: CountFilter[] = [{ dimension: `${area.level}_code`, values: [area.code] }];
        if (source !== null) where.push({ dimension: 'source', values: [source] });
        if (tier !== null) where.push({ dimension: 'tier', values: [tier] });
        const selection: Selection = {
          where,
          definition: 'thames-valley-vru',
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
        };
        const { held, sql, records } = await threeWays(selection, area, true);
        const label = JSON.stringify({ area, source, tier, from, to });
        expect(held, label).toBeDefined();
        expect(plain(held!), label).toEqual(plain(sql));
        expect(plain(held!), label).toEqual(plain(records));
        compared++;
        located += held!.points.n.length;
      }
    expect(compared).toBeGreaterThan(20);
    expect(heldCounts).toBeGreaterThan(1_000);
    expect(located).toBeGreaterThan(1_000);
  }, 600_000);

  it('count a record in the hot spot area by any membership, and one with a point and no LSOA', async () => {
    // No area filter: the hot spot area alone decides (the force, as the dashboard's "all").
    const [force] = await ws.db.all<{ code: string }>(
      `SELECT DISTINCT area_code AS code FROM geo_memberships WHERE level = 'force' LIMIT 1`,
    );
    const { held, sql, records } = await threeWays(
      { where: [{ dimension: 'source', values: ['police-uk'] }] },
      { level: 'force', code: force!.code },
    );
    expect(held!.totals!.selected).toBeGreaterThan(0);
    expect(plain(held!)).toEqual(plain(sql));
    expect(plain(held!)).toEqual(plain(records));
  }, 600_000);

  it('hold no dimension whose values are not text, or that gives some group no row', async () => {
    const dimensions: Dimension[] = [
      // A number: the filters compare text, the counts order text.
      { name: 'records_of_group', description: 'records the group stands for', sql: 'i.n' },
      // An inner join: the groups without an LSOA 2011 have no row.
      {
        name: 'placed_lsoa11',
        description: 'LSOA 2011, of the groups that have one only',
        sql: 'p.lsoa11_code',
        joins: {
          placed: 'JOIN incident_places p ON p.incident_id = i.id AND p.lsoa11_code IS NOT NULL',
        },
      },
      // The same values through the usual left join: held.
      {
        name: 'any_lsoa11',
        description: 'LSOA 2011, NULL when not placed',
        sql: 'p.lsoa11_code',
        joins: { places: 'LEFT JOIN incident_places p ON p.incident_id = i.id' },
      },
    ];
    const without = await ws.db.value<number>(
      `SELECT count(*) FROM incidents i WHERE NOT EXISTS
         (SELECT 1 FROM incident_places p WHERE p.incident_id = i.id AND p.lsoa11_code IS NOT NULL)`,
    );
    expect(without).toBeGreaterThan(0);
    const counts = await aggregate.read(async (c) =>
      Promise.all(
        dimensions.map((d) => c.heldCounts?.([d], { filters: [], dimensions, params: {} })),
      ),
    );
    expect(counts[0]).toBeUndefined();
    expect(counts[1]).toBeUndefined();
    const [byLsoa] = counts[2]!;
    expect(byLsoa!.at(-1)!.value).toBeNull();
    const records = await ws.db.all<{ value: string | null; n: number }>(
      `SELECT p.lsoa11_code AS value, CAST(count(*) AS DOUBLE) AS n
         FROM incidents i LEFT JOIN incident_places p ON p.incident_id = i.id
        GROUP BY 1 ORDER BY 1 NULLS LAST`,
    );
    expect(byLsoa!.map((r) => ({ value: r.value, n: r.n }))).toEqual(records);
  }, 600_000);

  it('leave to the SQL what the held values cannot read, with the same rows', async () => {
    const csps = await ws.db.all<{ code: string }>(
      `SELECT DISTINCT area_code AS code FROM geo_memberships WHERE level = 'csp' ORDER BY 1 LIMIT 2`,
    );
    for (const where of [
      // Two partnerships: a semi-join (a record in both counts once).
      [{ dimension: 'csp_code', values: csps.map((c) => c.code) }],
      // Two filters whose joins may each give a record several rows (nested partnerships, the
      // tiers matched), which the SQL pairs.
      [
        { dimension: 'csp_code', values: [csps[0]!.code] },
        { dimension: 'matched_tier', values: ['primary'] },
      ],
      // A range of another dimension than the month.
      [{ dimension: 'year', values: [], range: { from: '2024', to: '2024' } }],
    ] satisfies CountFilter[][]) {
      const { held, sql, records } = await threeWays(
        { where, definition: 'thames-valley-vru' },
        { level: 'csp', code: csps[0]!.code },
      );
      expect(held, JSON.stringify(where)).toBeUndefined();
      expect(plain(sql)).toEqual(plain(records));
    }
  }, 600_000);
});
