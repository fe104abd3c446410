/**
 * The Map page's data: incidents and rates per 1,000 residents by LSOA 2011 for the selection
 * (the rates of `svd rates --by lsoa11`, with exact Poisson intervals), the LSOA boundaries of the
 * area as GeoJSON from the workspace (no tile server), and the incidents' map points for close
 * zoom, grouped by point (police.uk snaps each crime to one of a set of anonymous map points).
 */
import { createHash } from 'node:crypto';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Reporter } from '../../core/reporter.js';
import { keptLevelShapes } from '../../geo/areaShapes.js';
import { dissolve } from '../../geo/dissolve.js';
import { labelPoint } from '../../geo/labelPoint.js';
import { lsoaPlaces } from '../../geo/placeNames.js';
import { bngToWgs84 } from '../../geo/projection.js';
import { SvdError } from '../../core/errors.js';
import { DIMENSIONS } from '../../analyses/selection/dimensions.js';
import { incidentFilterSql } from '../../analyses/selection/incidentFilter.js';
import { TIER_DIMENSIONS } from '../../definitions/tierDimensions.js';
import { computeRates, type RatesResult } from '../../analyses/rates/computeRates.js';
import { recordCounting, type IncidentCounting } from '../../analyses/counts/incidentCounting.js';
import type { CountFilter } from '../../core/dimension.js';
import type { Workspace } from '../../store/openWorkspace.js';
import {
  filtersToSelection,
  parseArea,
  selectionWhere,
  tierParamsIfUsed,
  filtersDefinition,
  kept,
  withCounting,
  type DashboardContext,
  type DashboardFilters,
} from './dashboardFilters.js';
import type {
  AreaFeatureCollection,
  DashboardMap,
  LsoaPlace,
  MapPoint,
  PointsAnswer,
} from '../../api/dashboard.js';

/** The label given most (ties: the first alphabetically), or null. */
function mostCommon(tally: Map<string, number> | undefined): string | null {
  let best: string | null = null;
  let most = 0;
  for (const [label, n] of tally ?? [])
    if (n > most || (n === most && best !== null && label < best)) [best, most] = [label, n];
  return best;
}

export async function dashboardMap(
  ws: Workspace,
  filters: DashboardFilters,
  context: DashboardContext & { reporter: Reporter },
): Promise<DashboardMap> {
  const selection = filtersToSelection(filters);
  const definition = await filtersDefinition(ws, filters, context);
  const where = selectionWhere(selection);
  const params = tierParamsIfUsed(
    where.map((w) => w.dimension),
    definition?.params,
  );
  const { rates, tallies, span } = await withCounting(ws, context, [definition], (counting) =>
    ratesAndLabels(ws, filters, where, params, context.reporter, counting),
  );
  const codes = rates.rows.map((r) => r.code);
  const placeOf = await lsoaPlaces(ws, 'lsoa11', codes);
  const places: Record<string, LsoaPlace> = {};
  for (const code of codes) {
    const p = placeOf.get(code);
    places[code] = {
      ward: p?.ward?.name ?? p?.ward?.code ?? null,
      district: p?.district?.name ?? p?.district?.code ?? null,
      street: mostCommon(tallies.get(code)),
    };
  }
  // The outlines depend only on the LSOAs listed (those of the area), not on the other filters:
  // kept, where the context keeps parts, until the workspace changes.
  const districts = await kept(
    ws,
    context,
    `map-districts:${createHash('sha256').update(codes.join(',')).digest('hex')}`,
    () => districtOutlines(ws, codes, placeOf),
  );
  const top = [...rates.rows]
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .slice(0, 10)
    .map((r) => r.code);
  return {
    level: 'lsoa11',
    rows: rates.rows,
    unplaced: rates.unplaced,
    metadata: rates.metadata,
    definition: definition?.meta ?? null,
    places,
    districts,
    period: { from: filters.from ?? span?.first ?? null, to: filters.to ?? span?.last ?? null },
    top,
  };
}

/** Each district's outline as the union of the LSOAs listed in it (WGS84), with a label point. */
async function districtOutlines(
  ws: Workspace,
  codes: readonly string[],
  placeOf: Awaited<ReturnType<typeof lsoaPlaces>>,
): Promise<DashboardMap['districts']> {
  const districtCodes = [
    ...new Set(
      [...placeOf.values()].flatMap((p) => (p.district === null ? [] : [p.district.code])),
    ),
  ].sort();
  // District outlines as the union of their LSOAs, so that they follow the areas drawn.
  const lsoaShapes = districtCodes.length === 0 ? null : await keptLevelShapes(ws, 'lsoa11');
  const lonLat = (x: number, y: number): [number, number] => {
    const ll = bngToWgs84(x, y);
    return [Math.round(ll[0]! * 1e5) / 1e5, Math.round(ll[1]! * 1e5) / 1e5];
  };
  return districtCodes.map((code) => {
    const name = [...placeOf.values()].find((p) => p.district?.code === code)?.district?.name;
    const parts = codes.flatMap((c) => {
      const i = lsoaShapes?.byCode.get(c);
      return placeOf.get(c)?.district?.code === code && i !== undefined
        ? [lsoaShapes!.shapes[i]!]
        : [];
    });
    if (parts.length === 0) return { code, name: name ?? null, label: null, rings: [] };
    const outline = dissolve(parts);
    const at = labelPoint(outline);
    return {
      code,
      name: name ?? null,
      label: lonLat(at.x, at.y),
      rings: outline.rings.map((r) => {
        const out: [number, number][] = [];
        for (let k = 0; k < r.length; k += 2) out.push(lonLat(r[k]!, r[k + 1]!));
        if (out.length > 0) out.push(out[0]!);
        return out;
      }),
    };
  });
}

/**
 * The rates of the selection by LSOA 2011, the location texts its records give in each LSOA (else
 * those of any record of the months there) and the months it spans, counted where `counting`
 * says (default: the records).
 */
async function ratesAndLabels(
  ws: Workspace,
  filters: DashboardFilters,
  where: CountFilter[],
  params: Record<string, DuckDBValue> | undefined,
  reporter: Reporter,
  counting: IncidentCounting | undefined,
): Promise<{
  rates: RatesResult;
  tallies: Map<string, Map<string, number>>;
  span: { first: string | null; last: string | null } | undefined;
}> {
  const area = filters.area === undefined ? null : parseArea(filters.area);
  const count = counting ?? recordCounting(ws);
  const rates = await computeRates(
    ws,
    {
      level: 'lsoa11',
      where,
      ...(area === null ? {} : { within: { level: area.level, codes: [area.code] } }),
    },
    {
      reporter,
      dimensions: [...DIMENSIONS, ...TIER_DIMENSIONS],
      ...(params === undefined ? {} : { params }),
      ...(counting === undefined ? {} : { counting }),
    },
  );
  // Names for the tooltip and the top table: ward and district, and the location text the
  // selection's records in each LSOA give most.
  const codes = rates.rows.map((r) => r.code);
  // The same selection with the records' places joined once (the LSOA 2011 of each): one scan
  // gives the location texts given in each LSOA and, in its grand total, the months spanned.
  const placed = incidentFilterSql(where, [...DIMENSIONS, ...TIER_DIMENSIONS], {
    alsoUsing: ['lsoa11'],
    ...(params === undefined ? {} : { params }),
  });
  const { tallies, span } = await count.located(async (located) => {
    const n = located.count('i.location_text IS NOT NULL AND p.lsoa11_code IS NOT NULL');
    const total = 'GROUPING(p.lsoa11_code, i.location_text)';
    const labels = await located.db.all<{
      code: string | null;
      label: string | null;
      n: number;
      first: string | null;
      last: string | null;
      total: number;
    }>(
      `SELECT p.lsoa11_code AS code, i.location_text AS label, ${n} AS n,
              strftime(min(i.month), '%Y-%m') AS first, strftime(max(i.month), '%Y-%m') AS last,
              ${total} AS total
         FROM ${placed.from}
        WHERE ${placed.where}
        GROUP BY GROUPING SETS ((p.lsoa11_code, i.location_text), ())
       QUALIFY ${total} <> 0 OR ${n} = max(${n}) OVER (PARTITION BY ${total}, p.lsoa11_code)`,
      placed.params,
    );
    let span = { first: null as string | null, last: null as string | null };
    const byCode = new Map<string, Map<string, number>>();
    for (const l of labels) {
      if (Number(l.total) !== 0) span = { first: l.first, last: l.last };
      else if (l.code !== null && l.label !== null && Number(l.n) > 0)
        tally(byCode, l.code, l.label, l.n);
    }
    // Only the texts given most in each LSOA are returned (ties among them are broken below).
    // LSOAs whose selected records give no location text (force extracts carry none): the text
    // any record of the months mapped in the LSOA gives most.
    const without = codes.filter((c) => !byCode.has(c));
    const { first, last } = span;
    if (without.length > 0 && first !== null && last !== null) {
      const rows = await located.db.all<{ code: string; label: string; n: number }>(
        `SELECT p.lsoa11_code AS code, i.location_text AS label, ${located.count()} AS n
           FROM incidents i JOIN incident_places p ON p.incident_id = i.id
          WHERE i.location_text IS NOT NULL AND p.lsoa11_code IN (SELECT unnest($codes))
            AND i.month BETWEEN CAST($from || '-01' AS DATE) AND CAST($to || '-01' AS DATE)
          GROUP BY 1, 2
         QUALIFY ${located.count()} = max(${located.count()}) OVER (PARTITION BY p.lsoa11_code)`,
        { codes: listValue(without), from: first, to: last },
      );
      for (const l of rows) tally(byCode, l.code, l.label, l.n);
    }
    return { tallies: byCode, span };
  });
  return { rates, tallies, span };
}

/** Notes that `n` records in LSOA `code` give the location text `label`. */
function tally(
  byCode: Map<string, Map<string, number>>,
  code: string,
  label: string,
  n: number,
): void {
  let t = byCode.get(code);
  if (t === undefined) byCode.set(code, (t = new Map()));
  t.set(label, Number(n));
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

export const MAX_POINTS = 20_000;

/**
 * The selection's located incidents grouped by map point, most incidents first. police.uk points
 * are snapped to anonymous map points, so a point is approximate (the page says so).
 */
export async function incidentPoints(
  ws: Workspace,
  filters: DashboardFilters,
  context: DashboardContext,
): Promise<PointsAnswer> {
  const selection = filtersToSelection(filters);
  const definition = await filtersDefinition(ws, filters, context);
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
