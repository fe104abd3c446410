/**
 * The Map page's data: incidents and rates per 1,000 residents by LSOA 2011 for the selection
 * (the rates of `svd rates --by lsoa11`, with exact Poisson intervals), the LSOA boundaries of the
 * area as GeoJSON from the workspace (no tile server), and the incidents' map points for close
 * zoom, grouped by point (police.uk snaps each crime to one of a set of anonymous map points).
 */
import type { Reporter } from '../core/reporter.js';
import { SvdError } from '../core/errors.js';
import { DIMENSIONS } from '../counts/dimensions.js';
import { incidentFilterSql } from '../counts/incidentFilter.js';
import type { DefinitionMeta } from '../definitions/classifyIncidents.js';
import { TIER_DIMENSIONS } from '../definitions/tierDimensions.js';
import { computeRates, type RateRow, type RatesResult } from '../rates/computeRates.js';
import type { Workspace } from '../store/openWorkspace.js';
import {
  filtersToSelection,
  parseArea,
  selectionWhere,
  tierParamsIfUsed,
  definitionFor,
  type DashboardContext,
  type DashboardFilters,
} from './dashboardFilters.js';

export interface DashboardMap {
  level: 'lsoa11';
  rows: RateRow[];
  unplaced: number;
  metadata: RatesResult['metadata'];
  definition: DefinitionMeta | null;
}

export async function dashboardMap(
  ws: Workspace,
  filters: DashboardFilters,
  context: DashboardContext & { reporter: Reporter },
): Promise<DashboardMap> {
  const selection = filtersToSelection(filters);
  const definition =
    filters.definition === undefined
      ? undefined
      : await definitionFor(ws, filters.definition, context);
  const area = filters.area === undefined ? null : parseArea(filters.area);
  const where = selectionWhere(selection);
  const params = tierParamsIfUsed(
    where.map((w) => w.dimension),
    definition?.params,
  );
  const rates = await computeRates(
    ws,
    {
      level: 'lsoa11',
      where,
      ...(area === null ? {} : { within: { level: area.level, codes: [area.code] } }),
    },
    {
      reporter: context.reporter,
      dimensions: [...DIMENSIONS, ...TIER_DIMENSIONS],
      ...(params === undefined ? {} : { params }),
    },
  );
  return {
    level: 'lsoa11',
    rows: rates.rows,
    unplaced: rates.unplaced,
    metadata: rates.metadata,
    definition: definition?.meta ?? null,
  };
}

export interface AreaFeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id: string;
    properties: { code: string; name: string | null };
    geometry: unknown;
  }[];
}

/** The stored boundaries of LSOAs 2011 (within an area, when given) as WGS84 GeoJSON. */
export async function areaBoundaries(
  ws: Workspace,
  area: string | undefined,
): Promise<AreaFeatureCollection> {
  const within = area === undefined ? null : parseArea(area);
  const rows = await ws.db.all<{ code: string; name: string | null; geojson: string }>(
    `SELECT a.code, a.name, a.geojson FROM geo_area_list a
      WHERE a.level = 'lsoa11' AND a.geojson IS NOT NULL
        AND ($level IS NULL OR EXISTS (SELECT 1 FROM geo_memberships m
          WHERE m.lsoa_vintage = 2011 AND m.lsoa_code = a.code AND m.level = $level
            AND m.area_code = $code))
      ORDER BY a.code`,
    { level: within?.level ?? null, code: within?.code ?? null },
  );
  if (rows.length === 0)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_BOUNDARIES',
      message:
        within === null
          ? 'no LSOA 2011 boundaries are loaded in this workspace'
          : `no LSOA 2011 boundaries lie within ${within.level} ${within.code}`,
      fix: 'load them with `svd geo load FILE… --level lsoa11` (the demo loads them from the shared open data)',
    });
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      id: r.code,
      properties: { code: r.code, name: r.name },
      geometry: JSON.parse(r.geojson) as unknown,
    })),
  };
}

export interface MapPoint {
  lon: number;
  lat: number;
  n: number;
}

export const MAX_POINTS = 20_000;

/**
 * The selection's located incidents grouped by map point, most incidents first. police.uk points
 * are snapped to anonymous map points, so a point is approximate (the page says so).
 */
export async function incidentPoints(
  ws: Workspace,
  filters: DashboardFilters,
  context: DashboardContext,
): Promise<{ points: MapPoint[]; total: number; truncated: boolean }> {
  const selection = filtersToSelection(filters);
  const definition =
    filters.definition === undefined
      ? undefined
      : await definitionFor(ws, filters.definition, context);
  const where = selectionWhere(selection);
  const params = tierParamsIfUsed(
    where.map((w) => w.dimension),
    definition?.params,
  );
  const sql = incidentFilterSql(where, [...DIMENSIONS, ...TIER_DIMENSIONS], {
    ...(params === undefined ? {} : { params }),
  });
  const rows = await ws.db.all<MapPoint>(
    `SELECT round(i.longitude, 5) AS lon, round(i.latitude, 5) AS lat, count(*) AS n
       FROM ${sql.from} WHERE i.longitude IS NOT NULL AND ${sql.where}
      GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ${MAX_POINTS + 1}`,
    sql.params,
  );
  const truncated = rows.length > MAX_POINTS;
  const points = truncated ? rows.slice(0, MAX_POINTS) : rows;
  return { points, total: points.reduce((s, p) => s + p.n, 0), truncated };
}
