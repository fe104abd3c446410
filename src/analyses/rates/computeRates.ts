/**
 * Rates per 1,000 residents by area: the count of incidents placed in each area (any filters of
 * `svd counts`), over the area's population (optionally of an age range, in which case only
 * incidents whose victim is of that age are counted), with an exact Poisson 95% interval and a flag
 * on small counts. Areas are those of the area the filters select (a selection of a district gives
 * that district's LSOAs and residents), else of the force area(s) the incidents come from, so that
 * an area with no incidents shows 0 — and an area outside the data shows nothing, rather than a
 * false 0 (see docs/decisions/0060-area-of-figures.md).
 */
import { compareAreaCodes } from '../../core/areaCodeOrder.js';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { countIncidents, countIncidentsEach, type CountsResult } from '../counts/countIncidents.js';
import type { IncidentCounting } from '../counts/incidentCounting.js';
import { type CountFilter } from '../../core/dimension.js';
import { DIMENSIONS } from '../selection/dimensions.js';
import { type Dimension } from '../../core/dimension.js';
import type { Clock } from '../../core/clock.js';
import { SvdError } from '../../core/errors.js';
import { formatMonthRange } from '../../core/months.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { checkPlacement } from '../../geo/derivedDataState.js';
import { AREA_LEVELS, LEVEL_DESCRIPTIONS, type AreaLevel } from '../../geo/levels.js';
import {
  describeSelectionArea,
  finestSelectionArea,
  selectionAreas,
} from '../../geo/selectionAreas.js';
import { formatBand, type AgeBand } from '../../geo/population/ageLabels.js';
import { chooseDataset, populationByArea } from '../../geo/population/populationByArea.js';
import { exactPoissonInterval } from '../../core/statistics/poissonInterval.js';

export interface RatesQuery {
  level: AreaLevel;
  where: CountFilter[];
  age?: AgeBand;
  population?: string;
  /**
   * Only areas within these areas (e.g. force thames-valley); default: the area the filters
   * select (its finest area filter), else the forces with data.
   */
  within?: { level: AreaLevel; codes: string[] };
  /** Counts below this are flagged as too small for a reliable rate (default 10). */
  smallCount?: number;
  per?: number;
  /**
   * Dimensions the caller also wants the selection counted by, as `countIncidents` would count
   * them over `where`: counted in the rates' own scan when it reads the same records (no bound
   * tested apart from the filters, no age band), and then given back as `selectionCounts`.
   */
  alsoBy?: readonly string[];
  /**
   * Counts of exactly the records of `where`, by the dimensions the rates count them by (the
   * level's code, or `counting_lsoa` above the LSOA; `month`; `lsoa11_method`), from a scan
   * already made: another call's `selectionCounts` over the same `where`. Used in place of a scan
   * of their own when the rates read exactly those records (no bound tested, no age band).
   */
  counted?: ReadonlyMap<string, CountsResult>;
}

export interface RateRow {
  code: string;
  name: string | null;
  count: number;
  population: number | null;
  rate: number | null;
  lower: number | null;
  upper: number | null;
  small: boolean;
}

export interface RatesResult {
  rows: RateRow[];
  /** Incidents that matched the filters but could not be placed in an area of the level. */
  unplaced: number;
  /**
   * The selection (`where`) counted by month, by placement method and by each of `alsoBy`, when
   * the rates' scan counted them (see `alsoBy`); absent when the rates read other records and the
   * caller must count them itself.
   */
  selectionCounts?: ReadonlyMap<string, CountsResult>;
  metadata: {
    level: AreaLevel;
    levelDescription: string;
    per: number;
    interval: string;
    smallCount: number;
    filters: CountFilter[];
    months: { from: string | null; to: string | null };
    age: string;
    ageApplies: string | null;
    population: { dataset: string; year: number; bands: string[]; sex: string; method: string };
    within: {
      level: string;
      codes: string[];
      basis: 'given' | 'selection' | 'forces-with-data' | 'none';
    };
    placement: { counting: string; lsoa2011Methods: Record<string, number> };
    /**
     * The months the rates cover and that they are not per year (null when nothing is counted):
     * apart from the notes, so that a caller who annualises the rates can leave it out.
     */
    periodNote: string | null;
    notes: string[];
  };
}

export const VICTIM_AGE: Dimension = {
  name: 'victim_age_in_range',
  description: 'whether the victim is within the --age range (yes/no; none when unknown)',
  sql: `CASE
    WHEN i.victim_age IS NOT NULL THEN CASE WHEN i.victim_age >= $age_min AND ($age_max IS NULL OR i.victim_age <= $age_max) THEN 'yes' ELSE 'no' END
    WHEN regexp_matches(i.victim_age_band, '^[0-9]+(-[0-9]+|\\+)$') THEN
      CASE WHEN CAST(regexp_extract(i.victim_age_band, '^([0-9]+)', 1) AS INTEGER) >= $age_min
            AND ($age_max IS NULL OR (i.victim_age_band NOT LIKE '%+' AND CAST(regexp_extract(i.victim_age_band, '-([0-9]+)$', 1) AS INTEGER) <= $age_max))
           THEN 'yes'
           WHEN ($age_max IS NOT NULL AND CAST(regexp_extract(i.victim_age_band, '^([0-9]+)', 1) AS INTEGER) > $age_max)
             OR (i.victim_age_band NOT LIKE '%+' AND CAST(regexp_extract(i.victim_age_band, '-([0-9]+)$', 1) AS INTEGER) < $age_min)
           THEN 'no' ELSE NULL END
    ELSE NULL END`,
};

export const WITHIN: Dimension = {
  name: 'within_areas',
  description: 'whether the incident lies within the areas rates are given for',
  sql: `CASE WHEN EXISTS (SELECT 1 FROM geo_memberships w WHERE w.lsoa_vintage = p.base_vintage
          AND w.lsoa_code = p.base_code AND w.level = $within_level
          AND list_contains($within_codes, w.area_code)) THEN 'yes' ELSE 'no' END`,
  joins: { places: 'LEFT JOIN incident_places p ON p.incident_id = i.id' },
  requires: ['places'],
  unmatched: 'no',
};

/** What rates above the LSOA count records by (`alsoBy`, `counted`). */
export const COUNTING_LSOA_DIMENSION = 'counting_lsoa';

/** The key of the LSOA a record is counted in: its code and vintage (codes recur across vintages). */
const COUNTING_LSOA_KEY = (code: string, vintage: string): string =>
  `${code} || '@' || CAST(${vintage} AS VARCHAR)`;

/** The LSOA each record is counted in, the one its areas at every level are found from. */
const COUNTING_LSOA: Dimension = {
  name: COUNTING_LSOA_DIMENSION,
  description: 'the LSOA the incident is counted in (code@vintage)',
  sql: COUNTING_LSOA_KEY('p.base_code', 'p.base_vintage'),
  joins: { places: 'LEFT JOIN incident_places p ON p.incident_id = i.id' },
  requires: ['places'],
};

/** The filters' area at LSOA level cannot bound the areas (no membership of an LSOA in itself). */
const WITHIN_LEVELS: readonly string[] = AREA_LEVELS.filter(
  (l) => l !== 'lsoa11' && l !== 'lsoa21',
);

/** The counts given for each name, in order (as `countIncidentsEach` gives them), if all are. */
function countsGiven<const N extends readonly string[]>(
  given: ReadonlyMap<string, CountsResult>,
  names: N,
): { [K in keyof N]: CountsResult } | undefined {
  if (!names.every((n) => given.has(n))) return undefined;
  return names.map((n) => given.get(n)!) as { [K in keyof N]: CountsResult };
}

async function defaultWithin(
  ws: Workspace,
  reporter: Reporter,
  where: readonly CountFilter[],
  notes: string[],
): Promise<RatesResult['metadata']['within']> {
  // The area the selection names: its LSOAs and residents are the denominators.
  const areas = await selectionAreas(ws, where);
  const usable = areas.filter((a) => WITHIN_LEVELS.includes(a.level));
  const chosen = finestSelectionArea(usable);
  if (chosen !== undefined) {
    const others = areas.filter((a) => a !== chosen);
    reporter.info(
      `within set to ${describeSelectionArea(chosen)} automatically: the area of the selection${others.length > 0 ? ` (its finest area filter; the others, ${others.map(describeSelectionArea).join(', ')}, still select the incidents)` : ''} (change with --within)`,
    );
    return { level: chosen.level, codes: chosen.codes, basis: 'selection' };
  }
  if (areas.length > 0) {
    const note = `the selection filters by LSOA (${areas.map(describeSelectionArea).join(', ')}), which cannot bound the areas of the rates: they are those of the force areas with data (give --within)`;
    notes.push(note);
    reporter.warn(note);
  }
  const forces = await ws.db.allMemo<{ code: string }>(
    `SELECT DISTINCT a.code FROM geo_area_list a JOIN (SELECT DISTINCT force FROM incidents) i ON i.force = a.code
      WHERE a.level = 'force' ORDER BY 1`,
  );
  if (forces.length === 0) {
    reporter.warn(
      'no force area is configured for the forces in the workspace, so areas are not limited to where data was collected: areas without incidents show 0 (load a partnership configuration with svd geo partnerships)',
    );
    return { level: 'force', codes: [], basis: 'none' };
  }
  const codes = forces.map((f) => f.code);
  reporter.info(
    `areas limited to the force area${codes.length > 1 ? 's' : ''} with data: ${codes.join(', ')} (change with --within)`,
  );
  return { level: 'force', codes, basis: 'forces-with-data' };
}

export async function computeRates(
  ws: Workspace,
  query: RatesQuery,
  options: {
    reporter: Reporter;
    clock?: Clock;
    dimensions?: readonly Dimension[];
    params?: Record<string, DuckDBValue>;
    /** Where the incidents are counted (default: the workspace's records). */
    counting?: IncidentCounting;
  },
): Promise<RatesResult> {
  const { reporter } = options;
  const per = query.per ?? 1000;
  const smallCount = query.smallCount ?? 10;
  await checkPlacement(ws);
  const dataset = await chooseDataset(ws, query.population, reporter);
  const notes: string[] = [];
  const within =
    query.within === undefined
      ? await defaultWithin(ws, reporter, query.where, notes)
      : { ...query.within, basis: 'given' as const };
  // Areas from the selection bound the rates even when they name no known area (then nothing).
  const bounded = within.codes.length > 0 || within.basis === 'selection';
  const dims = [...(options.dimensions ?? DIMENSIONS), VICTIM_AGE, WITHIN];
  const counted = options.counting === undefined ? {} : { counting: options.counting };
  const where: CountFilter[] = [...query.where];
  const params: Record<string, DuckDBValue> = { ...options.params };
  // A filter on the areas' codes at the same level keeps only records whose primary area is one
  // of them, each of which the bound would keep: then the bound is not tested again.
  const implied = query.where.some(
    (f) =>
      f.dimension === `${within.level}_code` &&
      f.range === undefined &&
      f.values.length > 0 &&
      f.values.every((v) => v !== null && within.codes.includes(v)),
  );
  const tested = bounded && !implied;
  if (tested) {
    where.push({ dimension: 'within_areas', values: ['yes'] });
    params['within_level'] = within.level;
    params['within_codes'] = listValue(within.codes);
  }
  let ageApplies: string | null = null;
  if (query.age !== undefined) {
    where.push({ dimension: 'victim_age_in_range', values: ['yes'] });
    params['age_min'] = query.age.min;
    params['age_max'] = query.age.max;
    ageApplies = 'victim age (incidents with no victim age are not counted)';
    const unknown = await countIncidents(
      ws,
      {
        by: ['source'],
        where: [
          ...query.where,
          { dimension: 'victim_age_in_range', values: [null] },
          ...(tested ? [{ dimension: 'within_areas', values: ['yes'] }] : []),
        ],
      },
      { dimensions: dims, params, ...counted },
    );
    if (unknown.total > 0) {
      const note = `${unknown.total.toLocaleString('en-GB')} incidents have no victim age (${unknown.rows.map((r) => `${r['source']}: ${r.n.toLocaleString('en-GB')}`).join(', ')}) and are not counted in the ${formatBand(query.age)} rates`;
      notes.push(note);
      reporter.warn(note);
    }
  }
  const codeDimension =
    query.level === 'lsoa11' || query.level === 'lsoa21' ? query.level : `${query.level}_code`;
  // The counts by area, by month (the period) and by placement method, from one scan. Above the
  // LSOA, by the LSOA each record is counted in, its areas found from the LSOA's memberships here:
  // a record is in each area its LSOA is in (several, where areas nest: partnerships), and every
  // level above the LSOA asks the same scan of one selection (Causes' partnerships and districts).
  const byLsoa = query.level !== 'lsoa11' && query.level !== 'lsoa21';
  // The rates read exactly the records of `where`: no bound tested apart from it, no age band.
  const readsWhere = !tested && query.age === undefined;
  // The caller's dimensions join the scan when it counts the records the caller's filters select.
  const foldsSelection = query.alsoBy !== undefined && readsWhere;
  const ownNames = [byLsoa ? COUNTING_LSOA.name : codeDimension, 'month', 'lsoa11_method'] as const;
  const also = foldsSelection
    ? (query.alsoBy ?? []).filter((name) => !(ownNames as readonly string[]).includes(name))
    : [];
  // Counts made by a scan of the same records (`counted`) stand for this one's.
  const reused =
    query.counted !== undefined && readsWhere
      ? countsGiven(query.counted, [...ownNames, ...also])
      : undefined;
  const [counts, months, methods, ...others] =
    reused ??
    (await countIncidentsEach(ws, [...ownNames, ...also], where, {
      dimensions: [...dims, COUNTING_LSOA],
      params,
      ...counted,
    }));
  const selectionCounts = foldsSelection
    ? new Map<string, CountsResult>([
        ['month', months],
        ['lsoa11_method', methods],
        ...also.map((name, k): [string, CountsResult] => [name, others[k]!]),
      ])
    : undefined;
  const countBy = new Map<string, number>();
  let unplaced = 0;
  if (byLsoa) {
    const areasOf = await ws.db.memo(`areasOfLsoa\u0000${query.level}`, async () => {
      const map = new Map<string, string[]>();
      for (const m of await ws.db.all<{ lsoa: string; code: string }>(
        `SELECT ${COUNTING_LSOA_KEY('lsoa_code', 'lsoa_vintage')} AS lsoa, area_code AS code
           FROM geo_memberships WHERE level = $level AND is_primary ORDER BY 1, 2`,
        { level: query.level },
      ))
        map.set(m.lsoa, [...(map.get(m.lsoa) ?? []), m.code]);
      return map;
    });
    for (const r of counts.rows) {
      const lsoa = r[COUNTING_LSOA.name];
      const codes = lsoa === null || lsoa === undefined ? undefined : areasOf.get(String(lsoa));
      if (codes === undefined) unplaced += r.n;
      else for (const code of codes) countBy.set(code, (countBy.get(code) ?? 0) + r.n);
    }
  } else
    for (const r of counts.rows) {
      const code = r[codeDimension];
      if (code === null || code === undefined) unplaced += r.n;
      else countBy.set(String(code), r.n);
    }
  const population = await populationByArea(ws, {
    level: query.level,
    dataset,
    ...(query.age === undefined ? {} : { age: query.age }),
    ...(bounded ? { within } : {}),
  });
  const names = new Map(
    (
      await ws.db.allMemo<{ code: string; name: string | null }>(
        `SELECT code, name FROM geo_area_list WHERE level = $level`,
        { level: query.level },
      )
    ).map((r) => [r.code, r.name]),
  );
  const codes = new Set<string>([...population.values.keys(), ...countBy.keys()]);
  if (codes.size === 0)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_AREAS',
      message: `no ${query.level} areas have a population or incidents`,
      fix: `load boundaries, a lookup or a partnership configuration that defines ${query.level} (svd geo --help)`,
    });
  const rows: RateRow[] = [...codes].sort(compareAreaCodes).map((code) => {
    const count = countBy.get(code) ?? 0;
    const pop = population.values.get(code) ?? null;
    const usable = pop !== null && pop > 0;
    const ci = exactPoissonInterval(count);
    return {
      code,
      name: names.get(code) ?? null,
      count,
      population: pop === null ? null : Math.round(pop * 10) / 10,
      rate: usable ? (count / pop) * per : null,
      lower: usable ? (ci.lower / pop) * per : null,
      upper: usable ? (ci.upper / pop) * per : null,
      small: count < smallCount,
    };
  });
  if (query.level === 'csp')
    notes.push(
      'partnerships nest (a district partnership lies within the county-wide one): do not add their rows together',
    );
  if (unplaced > 0)
    notes.push(
      `${unplaced.toLocaleString('en-GB')} matching incidents are in no ${query.level} (without a location, outside the loaded areas, or in areas of no ${query.level})`,
    );
  const first = (months.rows[0]?.['month'] as string | undefined) ?? null;
  const last = (months.rows.at(-1)?.['month'] as string | undefined) ?? null;
  // No count of months in the words: a small number would withhold the note in a public report.
  const periodNote =
    first === null || last === null
      ? null
      : `rates are per ${per.toLocaleString('en-GB')} residents over the months with records from ${formatMonthRange(first, last)}, not per year: compare them only with rates over the same months`;
  // How the incidents counted were placed: those the filters select, not every incident of the
  // workspace (the methods describe these rates, whatever else the workspace holds).
  return {
    rows,
    unplaced,
    ...(selectionCounts === undefined ? {} : { selectionCounts }),
    metadata: {
      level: query.level,
      levelDescription: LEVEL_DESCRIPTIONS[query.level],
      per,
      interval: 'exact Poisson 95% (Garwood), from gamma quantiles',
      smallCount,
      filters: query.where,
      months: { from: first, to: last },
      age: population.age,
      ageApplies,
      population: {
        dataset: dataset.dataset,
        year: population.year,
        bands: population.bands,
        sex: population.sex,
        method: population.method,
      },
      within,
      placement: {
        counting:
          'each incident counted in the areas of its LSOA 2011 (else LSOA 2021), see lsoa11_method',
        lsoa2011Methods: Object.fromEntries(
          methods.rows.map((r) => [String(r['lsoa11_method'] ?? 'not placed'), r.n]),
        ),
      },
      periodNote,
      notes,
    },
  };
}
