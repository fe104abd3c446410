/**
 * The areas of a level with their parents, population and deprivation, and the reverse question:
 * which records lie inside a given area (by their point, in the area's own polygon).
 */
import { DuckDBBlobValue } from '@duckdb/node-api';
import type { Clock } from '../core/clock.js';
import { SvdError } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';
import {
  chooseDataset,
  listPopulationDatasets,
  populationByArea,
} from './population/populationByArea.js';
import type { AreaLevel } from './levels.js';
import { checkGeography, checkPlacement } from './derivedDataState.js';
import { shapeContains, unpackShape } from './shapes.js';

export interface AreaRow {
  code: string;
  name: string | null;
  source: string;
  hasBoundary: boolean;
  areaKm2: number | null;
  within: string | null;
  population: number | null;
  imdRank: number | null;
  imdDecile: number | null;
  deprivationMethod: string | null;
}

export async function listAreas(
  ws: Workspace,
  level: AreaLevel,
  options: { reporter: Reporter; clock?: Clock; population?: string },
): Promise<AreaRow[]> {
  await checkGeography(ws);
  const rows = await ws.db.all<{
    code: string;
    name: string | null;
    source: string;
    has_shape: boolean;
    area_m2: number | null;
  }>(
    `SELECT code, name, source, shape IS NOT NULL AS has_shape, area_m2 FROM geo_area_list WHERE level = $level ORDER BY code`,
    { level },
  );
  // The next level up (for LSOAs: the district), or the partnership a partnership sits within.
  const parentLevel =
    level === 'lsoa11' || level === 'lsoa21' || level === 'msoa' || level === 'ward'
      ? 'district'
      : level === 'district'
        ? 'force'
        : null;
  const parents = new Map<string, string>();
  if (parentLevel !== null && (level === 'lsoa11' || level === 'lsoa21'))
    for (const r of await ws.db.all<{ lsoa_code: string; area_code: string }>(
      `SELECT lsoa_code, area_code FROM geo_memberships WHERE lsoa_vintage = $v AND level = $pl AND is_primary`,
      { v: level === 'lsoa11' ? 2011 : 2021, pl: parentLevel },
    ))
      parents.set(r.lsoa_code, r.area_code);
  else
    for (const r of await ws.db.all<{ child_code: string; parent_code: string }>(
      `SELECT child_code, parent_code FROM geo_links WHERE child_level = $l AND parent_level = $pl`,
      { l: level, pl: level === 'csp' ? 'csp' : (parentLevel ?? '') },
    ))
      parents.set(r.child_code, r.parent_code);
  let population = new Map<string, number>();
  if ((await listPopulationDatasets(ws)).length > 0) {
    const dataset = await chooseDataset(ws, options.population, options.reporter);
    try {
      population = (await populationByArea(ws, { level, dataset })).values;
    } catch {
      population = new Map();
    }
  }
  const imd = new Map<string, { rank: number | null; decile: number | null; method: string }>();
  if (level === 'lsoa11')
    for (const r of await ws.db.all<{
      lsoa11_code: string;
      rank: number | null;
      decile: number | null;
    }>(`SELECT lsoa11_code, rank, decile FROM deprivation WHERE domain = 'imd'`))
      imd.set(r.lsoa11_code, { rank: r.rank, decile: r.decile, method: 'imd-2019' });
  if (level === 'lsoa21')
    // Carried from the 2011 LSOA with the largest share of the 2021 one.
    for (const r of await ws.db.all<{
      lsoa21_code: string;
      rank: number | null;
      decile: number | null;
      method: string;
      parts: number;
    }>(
      `SELECT x.lsoa21_code, arg_max(d.rank, x.share_of_2021) AS rank, arg_max(d.decile, x.share_of_2021) AS decile,
              any_value(x.method) AS method, count(*) AS parts
         FROM lsoa_crosswalk x JOIN deprivation d ON d.lsoa11_code = x.lsoa11_code AND d.domain = 'imd'
        GROUP BY 1`,
    ))
      imd.set(r.lsoa21_code, {
        rank: r.rank,
        decile: r.decile,
        method:
          r.method === 'same-code'
            ? 'same LSOA in 2011'
            : `from the 2011 LSOA with the largest share (${r.method}${r.parts > 1 ? `, ${r.parts} parts` : ''})`,
      });
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    source: r.source,
    hasBoundary: r.has_shape,
    areaKm2: r.area_m2 === null ? null : Math.round(r.area_m2 / 1e4) / 100,
    within: parents.get(r.code) ?? null,
    population: population.has(r.code) ? Math.round(population.get(r.code)!) : null,
    imdRank: imd.get(r.code)?.rank ?? null,
    imdDecile: imd.get(r.code)?.decile ?? null,
    deprivationMethod: imd.get(r.code)?.method ?? null,
  }));
}

export interface RecordInArea {
  id: number;
  month: string;
  source: string;
  crimeType: string | null;
  easting: number;
  northing: number;
  publishedLsoa: string | null;
}

/** Records whose point lies inside the area's polygon (not through the hierarchy). */
export async function recordsInArea(
  ws: Workspace,
  level: AreaLevel,
  code: string,
): Promise<RecordInArea[]> {
  await checkPlacement(ws);
  const reader = await ws.db.connection.runAndReadAll(
    `SELECT shape, min_x, min_y, max_x, max_y FROM geo_area_list WHERE level = $level AND code = $code`,
    { level, code },
  );
  const row = reader.getRows()[0];
  if (row === undefined || !(row[0] instanceof DuckDBBlobValue))
    throw new SvdError({
      kind: 'usage',
      code: 'NO_AREA_BOUNDARY',
      message:
        row === undefined
          ? `no ${level} area ${code} in the workspace`
          : `${level} ${code} has no boundary loaded`,
      fix: `list the areas with svd areas list --level ${level}, or load its boundaries with svd geo load`,
    });
  const shape = unpackShape(row[0].bytes);
  const candidates = await ws.db.all<{
    id: number;
    month: string;
    source: string;
    crime_type: string | null;
    easting: number;
    northing: number;
    lsoa_code: string | null;
  }>(
    `SELECT i.id, strftime(i.month, '%Y-%m') AS month, i.source, i.crime_type, p.easting, p.northing, i.lsoa_code
       FROM incident_places p JOIN incidents i ON i.id = p.incident_id
      WHERE p.easting BETWEEN $x0 AND $x1 AND p.northing BETWEEN $y0 AND $y1 ORDER BY i.id`,
    { x0: shape.minX, x1: shape.maxX, y0: shape.minY, y1: shape.maxY },
  );
  return candidates
    .filter((c) => shapeContains(shape, c.easting, c.northing))
    .map((c) => ({
      id: c.id,
      month: c.month,
      source: c.source,
      crimeType: c.crime_type,
      easting: Math.round(c.easting),
      northing: Math.round(c.northing),
      publishedLsoa: c.lsoa_code,
    }));
}
