/**
 * Population of every area of a level, from a loaded dataset: summed over the dataset's own areas
 * (LSOAs of either vintage) through the hierarchy, with the LSOA 2011 ↔ 2021 crosswalk where the
 * vintages differ, and restricted to an age range made of whole bands (e.g. 0-24 = 0-15 + 16-24).
 */
import { listValue } from '@duckdb/node-api';
import { SvdError } from '../../core/errors.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { PARENT_LEVELS, type AreaLevel } from '../levels.js';
import { formatBand, type AgeBand } from './ageLabels.js';

export interface PopulationDataset {
  dataset: string;
  level: string;
  year: number;
  total: number;
  areas: number;
}

export interface AreaPopulation {
  dataset: PopulationDataset;
  /** Latest year of the dataset. */
  year: number;
  age: string;
  bands: string[];
  sex: string;
  /** How the dataset's areas were carried to the level. */
  method: string;
  values: Map<string, number>;
}

export async function listPopulationDatasets(ws: Workspace): Promise<PopulationDataset[]> {
  return ws.db.allMemo<PopulationDataset>(
    `SELECT dataset, level, year, total, areas FROM population_datasets ORDER BY year DESC, dataset`,
  );
}

export async function chooseDataset(
  ws: Workspace,
  name: string | undefined,
  reporter: Reporter,
): Promise<PopulationDataset> {
  const all = await listPopulationDatasets(ws);
  if (all.length === 0)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_POPULATION',
      message: 'no population is loaded in this workspace',
      fix: 'load one, e.g. svd population load census2021-lsoa21-usual-residents-age6-ew.csv.gz',
    });
  if (name !== undefined) {
    const found = all.find((d) => d.dataset === name);
    if (found === undefined)
      throw new SvdError({
        kind: 'usage',
        code: 'UNKNOWN_POPULATION',
        message: `no population dataset called ${JSON.stringify(name)}`,
        fix: `use one of: ${all.map((d) => d.dataset).join(', ')}`,
      });
    return found;
  }
  const chosen = all[0]!;
  if (all.length > 1)
    reporter.info(
      `population: ${chosen.dataset} (${chosen.year}), the most recent of ${all.length} datasets; choose another with --population`,
    );
  return chosen;
}

export async function populationByArea(
  ws: Workspace,
  options: {
    level: AreaLevel;
    dataset: PopulationDataset;
    age?: AgeBand;
    /** Only LSOAs within these areas count. */
    within?: { level: string; codes: string[] };
  },
): Promise<AreaPopulation> {
  const { dataset, level } = options;
  // Memoised, like the sums below: every rate of a report or dashboard filter asks them again.
  const bands = await ws.db.allMemo<{ age_min: number; age_max: number | null }>(
    `SELECT DISTINCT age_min, age_max FROM population WHERE dataset = $d ORDER BY age_min, age_max`,
    { d: dataset.dataset },
  );
  let chosen = bands;
  if (options.age !== undefined) {
    const want = options.age;
    chosen = bands.filter(
      (b) =>
        b.age_min >= want.min &&
        (want.max === null ? true : b.age_max !== null && b.age_max <= want.max),
    );
    const sorted = [...chosen].sort((a, b) => a.age_min - b.age_min);
    const covers =
      sorted.length > 0 &&
      sorted[0]!.age_min === want.min &&
      (sorted.at(-1)!.age_max ?? null) === want.max &&
      sorted.every((b, i) => i === 0 || b.age_min === (sorted[i - 1]!.age_max ?? -2) + 1);
    if (!covers)
      throw new SvdError({
        kind: 'usage',
        code: 'AGE_NOT_IN_BANDS',
        message: `ages ${formatBand(want)} cannot be made from the age bands of ${dataset.dataset} (${bands.map((b) => formatBand({ min: b.age_min, max: b.age_max })).join(', ')})`,
        fix: `choose an age range whose ends fall on the band edges, e.g. ${formatBand({ min: bands[0]?.age_min ?? 0, max: bands[1]?.age_max ?? bands[0]?.age_max ?? null })}`,
      });
  } else if (bands.some((b) => b.age_min === 0 && b.age_max === null) && bands.length > 1) {
    chosen = bands.filter((b) => b.age_min === 0 && b.age_max === null);
  }
  const [facts] = await ws.db.allMemo<{ has_all: boolean | null; year: number }>(
    `SELECT bool_or(sex = 'all') AS has_all, max(year) AS year FROM population WHERE dataset = $d`,
    { d: dataset.dataset },
  );
  const sexSql = facts?.has_all === true ? `p.sex = 'all'` : 'true';
  const year = facts!.year;
  const bandSql = chosen
    .map(
      (b) =>
        `(p.age_min = ${b.age_min} AND p.age_max ${b.age_max === null ? 'IS NULL' : `= ${b.age_max}`})`,
    )
    .join(' OR ');
  const vintage = dataset.level === 'lsoa21' ? 2021 : dataset.level === 'lsoa11' ? 2011 : null;
  const withinSql =
    options.within === undefined || vintage === null
      ? ''
      : ` AND EXISTS (SELECT 1 FROM geo_memberships w WHERE w.lsoa_vintage = ${vintage} AND w.lsoa_code = p.area_code
            AND w.level = $wl AND list_contains($wc, w.area_code))`;
  const where = `p.dataset = $d AND p.year = $year AND ${sexSql} AND (${bandSql})${withinSql}`;
  // Sums rounded to a millionth of a person: fractional shares summed in whatever order DuckDB's
  // threads take them differ in the last bits, and a figure must not change between two runs.
  let sql: string;
  let method: string;
  if (level === dataset.level) {
    sql = `SELECT p.area_code AS code, round(sum(p.value), 6) AS value FROM population p WHERE ${where} GROUP BY 1`;
    method = 'direct';
  } else if (vintage !== null && (PARENT_LEVELS as readonly string[]).includes(level)) {
    sql = `SELECT m.area_code AS code, round(sum(p.value * m.share), 6) AS value FROM population p
             JOIN geo_memberships m ON m.lsoa_vintage = ${vintage} AND m.lsoa_code = p.area_code AND m.level = $level
            WHERE ${where} GROUP BY 1`;
    method = `${dataset.level} → ${level} through the hierarchy`;
  } else if (dataset.level === 'lsoa21' && level === 'lsoa11') {
    sql = `SELECT x.lsoa11_code AS code, round(sum(p.value * x.share_of_2021), 6) AS value FROM population p
             JOIN lsoa_crosswalk x ON x.lsoa21_code = p.area_code WHERE ${where} GROUP BY 1`;
    method = 'lsoa21 → lsoa11 through the crosswalk';
  } else if (dataset.level === 'lsoa11' && level === 'lsoa21') {
    sql = `SELECT x.lsoa21_code AS code, round(sum(p.value * x.share_of_2011), 6) AS value FROM population p
             JOIN lsoa_crosswalk x ON x.lsoa11_code = p.area_code WHERE ${where} GROUP BY 1`;
    method = 'lsoa11 → lsoa21 through the crosswalk';
  } else
    throw new SvdError({
      kind: 'usage',
      code: 'POPULATION_LEVEL',
      message: `population dataset ${dataset.dataset} is by ${dataset.level}, which cannot be carried to ${level}`,
      fix: 'load a population by LSOA, or one by this level',
    });
  const rows = await ws.db.allMemo<{ code: string; value: number }>(sql, {
    d: dataset.dataset,
    year,
    ...(sql.includes('$level') ? { level } : {}),
    ...(withinSql === ''
      ? {}
      : { wl: options.within!.level, wc: listValue(options.within!.codes) }),
  });
  return {
    dataset,
    year,
    age: options.age === undefined ? 'all ages' : formatBand(options.age),
    bands: chosen.map((b) => formatBand({ min: b.age_min, max: b.age_max })),
    sex: facts?.has_all === true ? 'all' : 'female + male',
    method,
    values: new Map(rows.map((r) => [r.code, r.value])),
  };
}
