/**
 * The area invariant (issue 13), as a metamorphic test on real data: for an area A, every figure of
 * every analysis and of the SNA computed on a workspace holding the whole force's data (WHOLE)
 * equals the figure computed on a workspace holding only A's data (ONLY_A: the same inputs
 * filtered to A; tests/helpers/areaWorkspaces.ts says how). Both workspaces take the same
 * selection naming A, so that nothing but what else the workspace holds can differ.
 *
 * Inputs: Thames Valley police.uk 2019-01 (LSOA 2011) and 2024-01…03 (LSOA 2021), the 16
 * districts' LSOA 2011 boundaries, LAD 2019 boundaries, the Oxfordshire partnership
 * configuration, both population files (Census 2021 by LSOA 2021; IoD2019 mid-2015 by LSOA 2011),
 * IMD 2019 domains, IoD 2025 and LAIT indicators, and a SYNTHETIC force extract and A&E file generated from the police.uk rows.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Selection } from '../../src/analyses/selection/selection.js';
import { analyseDeprivation } from '../../src/analyses/deprivation/analyseDeprivation.js';
import { analyseCauses } from '../../src/analyses/causes/analyseCauses.js';
import { silentReporter } from '../../src/core/reporter.js';
import { fixedClock } from '../../src/core/clock.js';
import type { SnaData } from '../../src/reports/sna/snaTypes.js';
import { discloseSna } from '../../src/reports/sna/discloseSna.js';
import { snaDataJson } from '../../src/reports/sna/renderSnaHtml.js';
import { AUDIENCES } from '../../src/disclosure/disclosurePolicy.js';
import { countIncidents } from '../../src/analyses/counts/countIncidents.js';
import { OXFORDSHIRE_CONFIG, readPartnershipConfig } from '../../src/geo/partnershipConfig.js';
import { analyseHealthVsPolice } from '../../src/analyses/health/analyseHealthVsPolice.js';
import { analyseHotspots } from '../../src/analyses/hotspots/analyseHotspots.js';
import { computeRates } from '../../src/analyses/rates/computeRates.js';
import { gatherSnaData } from '../../src/reports/sna/gatherSnaData.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { analyseTrends } from '../../src/analyses/trends/analyseTrends.js';
import { analyseWhen } from '../../src/analyses/when/analyseWhen.js';
import { analyseWho } from '../../src/analyses/who/analyseWho.js';
import {
  AREAS,
  DEFINITION,
  POPULATIONS,
  SITE_DISTRICTS,
  areaMembership,
  buildWorkspace,
  filterInputs,
  syntheticInputs,
  wholeInputs,
  type Area,
  type Inputs,
} from '../helpers/areaWorkspaces.js';
import { describeDifferences, figureDifferences } from '../helpers/compareFigures.js';
import { tempDir } from '../helpers/temp.js';
import type { AnalysisWarning, ResolvedParam } from '../../src/api/analyses.js';

const dir = tempDir('svd-invariant-');
const ctx = { cwd: dir, reporter: silentReporter };

/**
 * What legitimately differs between the two workspaces is left out by key, anywhere in a result.
 * The list is empty: no analysis result names a batch, a file or a time, and the SNA's one such
 * part (its `batches`, the workspace's provenance) is left out in snaPart, which says why. The
 * SNA is gathered with a fixed clock, so `generatedAt` agrees. Counts, rates, shares, intervals,
 * p-values, grids, automatic parameters and warnings all describe A and must agree.
 */
const IGNORED: ReadonlySet<string> = new Set();

interface Pair {
  area: Area;
  whole: Workspace;
  onlyA: Workspace;
  rows: Record<string, number>;
}

let whole: Workspace;
const pairs = new Map<string, Pair>();

beforeAll(async () => {
  const base = wholeInputs(path.join(dir, 'whole'));
  const inputs: Inputs = {
    ...base,
    ...(await syntheticInputs(path.join(dir, 'whole'), base.street)),
  };
  const wholeDb = path.join(dir, 'whole.duckdb');
  await buildWorkspace(wholeDb, inputs);
  whole = await openWorkspace(wholeDb, { create: false });
  for (const area of AREAS) {
    const membership = await areaMembership(whole, area);
    const areaDir = path.join(dir, area.code);
    const filtered = filterInputs(inputs, area, membership, areaDir);
    const db = path.join(dir, `${area.code}.duckdb`);
    await buildWorkspace(db, filtered.inputs);
    pairs.set(area.name, {
      area,
      whole,
      onlyA: await openWorkspace(db, { create: false }),
      rows: filtered.rows,
    });
  }
}, 600_000);

afterAll(() => {
  for (const p of pairs.values()) p.onlyA.close();
  whole?.close();
});

const pair = (area: Area): Pair => pairs.get(area.name)!;
const areaFilter = (area: Area): Selection['where'] => [
  { dimension: `${area.level}_code`, values: [area.code] },
];

/** Runs f on both workspaces and expects the same figures. */
async function expectSame<T>(area: Area, f: (ws: Workspace) => Promise<T>): Promise<T> {
  const p = pair(area);
  const a = await f(p.whole);
  const b = await f(p.onlyA);
  const differences = figureDifferences(a, b, IGNORED);
  expect(differences, describeDifferences(differences)).toEqual([]);
  return a;
}

const SOURCES = ['police-uk', 'force-extract'] as const;

const PARTNERSHIPS = readPartnershipConfig(OXFORDSHIRE_CONFIG).config.partnerships;

describe.each(AREAS.map((a) => [a.name, a] as const))('the figures of %s', (_name, area) => {
  it('ONLY_A holds records of every source, and the same counts by source and month', async () => {
    const p = pair(area);
    for (const key of ['force-extract', 'istv', 'lsoa11', 'census', 'file6', 'imd'])
      expect(p.rows[key], key).toBeGreaterThan(0);
    const counts = await expectSame(area, (ws) =>
      countIncidents(ws, { by: ['source', 'month'], where: areaFilter(area)! }),
    );
    // Independent: ONLY_A holds nothing but A (its every placed record is in A).
    const all = await countIncidents(p.onlyA, { by: ['source', 'month'], where: [] });
    const sum = (r: typeof counts): number => r.rows.reduce((s, x) => s + Number(x.n), 0);
    expect(sum(counts)).toBeGreaterThan(0);
    expect(sum(all)).toBe(sum(counts));
    expect(await unplacedIn(p.onlyA)).toBe(0);
  });

  it.each(SOURCES)('trends (%s)', async (source) => {
    await expectSame(area, (ws) =>
      analyseTrends(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: [source] }] },
        {},
        ctx,
      ),
    );
  });

  it.each(SOURCES)('causes and risk factors (%s)', async (source) => {
    const r = await expectSame(area, (ws) =>
      analyseCauses(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: [source] }] },
        {},
        ctx,
      ),
    );
    expect(r.result.association.rows.length).toBeGreaterThan(0);
    expect(r.result.riskIndex).not.toBeNull();
    expect(r.result.comparators.rows.length).toBeGreaterThan(0);
  });

  it.each(SOURCES)('when (%s)', async (source) => {
    await expectSame(area, (ws) =>
      analyseWhen(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: [source] }] },
        {},
        ctx,
      ),
    );
  });

  it.each(SOURCES)('who (%s)', async (source) => {
    await expectSame(area, (ws) =>
      analyseWho(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: [source] }] },
        {},
        ctx,
      ),
    );
  });

  it.each(SOURCES)('hotspots (%s)', async (source) => {
    await expectSame(area, (ws) =>
      analyseHotspots(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: [source] }] },
        {},
        ctx,
      ),
    );
  });

  // The options that change how the grid, the KDE and Gi* are built: the area's own boundary,
  // hexagons, permutation p-values, another correction, LSOA 2021 units, change and classes.
  it.each([
    [
      'police-uk, area boundary, hex grid, 99 permutations, Holm',
      'police-uk',
      { boundary: 'area', grid: 'hex', permutations: 99, seed: 7, correction: 'holm' },
    ],
    [
      'force-extract, LSOA 2021, change 2019-01 → 2024, classified by month',
      'force-extract',
      {
        lsoaLevel: 'lsoa21',
        before: { from: '2019-01', to: '2019-01' },
        after: { from: '2024-01', to: '2024-03' },
        classify: true,
        period: 'month',
      },
    ],
  ] as const)('hotspots (%s)', async (_title, source, options) => {
    await expectSame(area, (ws) =>
      analyseHotspots(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: [source] }] },
        { ...options },
        ctx,
      ),
    );
  });

  it('trends with a comparison of two periods', async () => {
    await expectSame(area, (ws) =>
      analyseTrends(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: ['force-extract'] }] },
        {
          compare: {
            earlier: { from: '2024-01', to: '2024-01' },
            later: { from: '2024-02', to: '2024-03' },
          },
        },
        ctx,
      ),
    );
  });

  it.each(Object.values(POPULATIONS))('deprivation with population %s', async (population) => {
    await expectSame(area, (ws) =>
      analyseDeprivation(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: ['police-uk'] }] },
        { population },
        ctx,
      ),
    );
  });

  it.each(Object.values(POPULATIONS))(
    'rates by district with population %s',
    async (population) => {
      const p = pair(area);
      const run = async (ws: Workspace): Promise<Awaited<ReturnType<typeof computeRates>>> => {
        const r = await computeRates(
          ws,
          {
            level: 'district',
            where: [...areaFilter(area)!, { dimension: 'source', values: ['police-uk'] }],
            population,
          },
          { reporter: silentReporter },
        );
        // The rows of A's districts: the others are areas of the force ONLY_A holds no data of.
        return { ...r, rows: r.rows.filter((x) => area.districts.includes(x.code)) };
      };
      const inWhole = await run(p.whole);
      // Independent: the placement methods listed are those of the incidents counted.
      const counted = inWhole.rows.reduce((s, r) => s + r.count, 0) + inWhole.unplaced;
      expect(counted).toBeGreaterThan(0);
      expect(
        Object.values(inWhole.metadata.placement.lsoa2011Methods).reduce((s, n) => s + n, 0),
      ).toBe(counted);
      const differences = figureDifferences(inWhole, await run(p.onlyA), IGNORED);
      expect(differences, describeDifferences(differences)).toEqual([]);
    },
  );

  // Rates of A's LSOAs (both vintages) and of the partnerships A lies in, with an age range (the
  // force extract carries victims' ages): rows of areas outside A are the force's other areas.
  it.each([
    ['lsoa11', POPULATIONS.iod, undefined],
    ['lsoa21', POPULATIONS.census, undefined],
    ['csp', POPULATIONS.census, { min: 16, max: 24 }],
  ] as const)('rates by %s with population %s, ages %o', async (level, population, age) => {
    const p = pair(area);
    const lsoas = await areaLsoas(p.whole, area);
    // A partnership is of A when all its districts are (a county-wide one is not of Oxford).
    const inA = (code: string): boolean =>
      level === 'csp'
        ? (PARTNERSHIPS.find((c) => c.code === code)?.districts ?? []).every((d) =>
            area.districts.includes(d),
          )
        : lsoas.has(code);
    const run = async (ws: Workspace): Promise<unknown> => {
      const r = await computeRates(
        ws,
        {
          level,
          where: [...areaFilter(area)!, { dimension: 'source', values: ['force-extract'] }],
          population,
          ...(age === undefined ? {} : { age }),
        },
        { reporter: silentReporter },
      );
      return { ...r, rows: r.rows.filter((x) => inA(x.code)) };
    };
    const a = (await run(p.whole)) as { rows: { count: number }[] };
    expect(a.rows.reduce((n, r) => n + r.count, 0)).toBeGreaterThan(0);
    const differences = figureDifferences(a, await run(p.onlyA), IGNORED);
    expect(differences, describeDifferences(differences)).toEqual([]);
  });

  // ONLY_A holds nothing but A, so there the same analyses without any area filter describe A
  // too. Only the selection recorded in the parameters differs (it names no area).
  it.each(SOURCES)('trends, when and who with no area filter in ONLY_A (%s)', async (source) => {
    const p = pair(area);
    const inWhole: Selection = {
      where: [...areaFilter(area)!, { dimension: 'source', values: [source] }],
    };
    const inOnlyA: Selection = { where: [{ dimension: 'source', values: [source] }] };
    const run = async (ws: Workspace, selection: Selection): Promise<unknown> => {
      const strip = <T extends { params: Record<string, ResolvedParam> }>(r: T): T => {
        const { selection: _given, ...params } = r.params;
        return { ...r, params };
      };
      return {
        trends: strip(await analyseTrends(ws, selection, {}, ctx)),
        when: strip(await analyseWhen(ws, selection, {}, ctx)),
        who: strip(await analyseWho(ws, selection, {}, ctx)),
      };
    };
    const differences = figureDifferences(
      await run(p.whole, inWhole),
      await run(p.onlyA, inOnlyA),
      IGNORED,
    );
    expect(differences, describeDifferences(differences)).toEqual([]);
  });

  it.each(SOURCES)(
    'trends, when and who of the first tier of the definition (%s)',
    async (source) => {
      const selection: Selection = {
        where: [
          ...areaFilter(area)!,
          { dimension: 'source', values: [source] },
          { dimension: 'tier', values: ['primary'] },
        ],
        definition: DEFINITION,
      };
      const r = await expectSame(area, async (ws) => ({
        trends: await analyseTrends(ws, selection, {}, ctx),
        when: await analyseWhen(ws, selection, {}, ctx),
        who: await analyseWho(ws, selection, {}, ctx),
      }));
      // Not an empty agreement: the synthetic extract holds records of the first tier in A.
      if (source === 'force-extract')
        expect(r.trends.result.months.reduce((n, m) => n + (m.count ?? 0), 0)).toBeGreaterThan(0);
    },
  );

  it('health vs police', async () => {
    await expectSame(area, async (ws) => {
      const r = await analyseHealthVsPolice(
        ws,
        { where: [...areaFilter(area)!, { dimension: 'source', values: ['force-extract'] }] },
        {},
        ctx,
      );
      return { ...r, params: siteParamsOfA(r.params, area) };
    });
  });

  it('the SNA data, but for its deprivation and health parts', async () => {
    await expectSame(area, async (ws) => snaPart(await sna(ws, area), 'rest', area));
  });

  // What the report publishes: the `sna-data` of the HTML, after disclosure for each audience
  // (suppression, rounding and the rates derived from shown counts are figures too).
  it.each(AUDIENCES)('the disclosed sna-data for the %s audience', async (audience) => {
    await expectSame(area, async (ws) => {
      const data = snaDataJson(discloseSna(await sna(ws, area), { audience })) as {
        manifest: Record<string, unknown>;
        params: SnaData['params'];
      };
      // The manifest's batches are the workspace's provenance (see snaPart); the health
      // parameters name the departments of other areas (see siteParamsOfA).
      const { batches: _provenance, ...manifest } = data.manifest;
      return {
        ...data,
        manifest,
        params: data.params.map((x) =>
          x.analysis === 'health-vs-police' ? { ...x, params: siteParamsOfA(x.params, area) } : x,
        ),
      };
    });
  });

  it('the SNA data: its deprivation part', async () => {
    await expectSame(area, async (ws) => snaPart(await sna(ws, area), 'deprivation', area));
  });

  it('the SNA data: its health part', async () => {
    await expectSame(area, async (ws) => snaPart(await sna(ws, area), 'health', area));
  });
});

/** The SNA data, gathered once per workspace and area (a few seconds each). */
const snaCache = new Map<string, Promise<SnaData>>();
function sna(ws: Workspace, area: Area): Promise<SnaData> {
  const key = `${ws === whole ? 'whole' : 'onlyA'}:${area.code}`;
  let found = snaCache.get(key);
  if (found === undefined) {
    found = gatherSnaData(
      ws,
      { area: `${area.level}=${area.code}`, definition: DEFINITION },
      { ...ctx, clock: fixedClock('2024-06-01T12:00:00Z') },
    );
    snaCache.set(key, found);
  }
  return found;
}

/** Warnings the deprivation and the health analyses give (by code, and text where codes are shared). */
const HEALTH_CODES = [
  'AE_PARTIAL_MONTHS',
  'AE_RECORDS_AND_COUNTS',
  'FEW_MONTHS',
  'MONTHS_NOT_COMPARED',
  'POLICE_EXCEEDS_AE',
  'POLICE_UK_NO_CODES',
  'SITE_WITHOUT_AREA',
  'NO_HEALTH',
];
const DEPRIVATION_CODES = ['RATES_NOTE', 'NO_RATIO', 'CRIME_DOMAIN', 'NO_DEPRIVATION'];
const warningOf = (w: AnalysisWarning): 'health' | 'deprivation' | 'rest' =>
  HEALTH_CODES.includes(w.code) ||
  (w.code === 'EMPTY_MONTHS_IN_BATCH' && w.message.includes('site-months'))
    ? 'health'
    : DEPRIVATION_CODES.includes(w.code) ||
        (w.code === 'SMALL_NUMBERS' && w.message.startsWith('decile'))
      ? 'deprivation'
      : 'rest';

/**
 * One part of the SNA data. `batches` is left out of every part: it is the provenance of the
 * workspace (every file loaded, with the rows each stored, e.g. the force's whole police.uk
 * month), which describes the workspace's inputs, not the area, and differs by design.
 */
function snaPart(data: SnaData, part: 'deprivation' | 'health' | 'rest', area: Area): unknown {
  const {
    batches: _provenance,
    tables,
    population,
    deprivationCorrelations,
    params,
    ...rest
  } = data;
  const { deprivation, health, healthMethod, ...otherTables } = tables;
  const warnings = data.warnings.filter((w) => warningOf(w) === part);
  const paramsOf = (names: string[]): typeof params =>
    params.filter((p) => names.includes(p.analysis));
  if (part === 'deprivation')
    return {
      deprivation,
      deciles: population.deciles,
      deprivationCorrelations,
      params: paramsOf(['deprivation']),
      warnings,
    };
  if (part === 'health')
    return {
      health,
      healthMethod,
      params: paramsOf(['health-vs-police']).map((p) => ({
        ...p,
        params: siteParamsOfA(p.params, area),
      })),
      warnings,
    };
  return {
    ...rest,
    tables: otherTables,
    districts: population.districts,
    params: params.filter((p) => !['deprivation', 'health-vs-police'].includes(p.analysis)),
    warnings,
  };
}

/**
 * The health analysis's parameters, but for what they say of the emergency departments of other
 * areas: `sites.leftOut` lists the departments of the workspace outside A (ONLY_A holds none) and
 * `siteAreas` gives the area of every department of the workspace. Both describe what else the
 * workspace holds, not A; the departments selected (`sites.selected`) and the areas of A's own
 * departments are still compared.
 */
function siteParamsOfA(
  params: Record<string, ResolvedParam>,
  area: Area,
): Record<string, ResolvedParam> {
  const out = { ...params };
  const sites = out['sites'];
  if (sites !== undefined && typeof sites.value === 'object' && sites.value !== null) {
    const { leftOut: _otherAreas, ...value } = sites.value as Record<string, unknown>;
    out['sites'] = { ...sites, value };
  }
  const siteAreas = out['siteAreas'];
  if (siteAreas !== undefined && typeof siteAreas.value === 'object' && siteAreas.value !== null)
    out['siteAreas'] = {
      ...siteAreas,
      value: Object.fromEntries(
        Object.entries(siteAreas.value as Record<string, unknown>).filter(([site]) =>
          area.districts.includes(SITE_DISTRICTS[site] ?? ''),
        ),
      ),
    };
  return out;
}

/** A's LSOAs of both vintages, as the WHOLE workspace's memberships say. */
async function areaLsoas(ws: Workspace, area: Area): Promise<Set<string>> {
  const rows = await ws.db.all<{ code: string }>(
    `SELECT DISTINCT lsoa_code AS code FROM geo_memberships WHERE level = $level AND area_code = $code`,
    { level: area.level, code: area.code },
  );
  return new Set(rows.map((r) => r.code));
}

async function unplacedIn(ws: Workspace): Promise<number> {
  return (
    (await ws.db.value<number>(
      `SELECT count(*) FROM incidents i LEFT JOIN incident_places p ON p.incident_id = i.id
        WHERE p.base_code IS NULL`,
    )) ?? 0
  );
}
