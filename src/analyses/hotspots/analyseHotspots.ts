/**
 * Hotspots over the workspace: reads what `hotspotAnalysis` needs — the area's boundary, the
 * selected incidents' points (grouped by point and month), the LSOAs of the area with their counts
 * and rates (from `computeRates`) and polygons — and runs it. The selection is the one every
 * analysis takes, resolved to the same FROM … WHERE as `svd counts`.
 */
import { compareAreaCodes } from '../../core/areaCodeOrder.js';
import type { DuckDBValue } from '@duckdb/node-api';
import { Params, Warnings } from '../selection/analysisResult.js';
import {
  definitionParams,
  resolveSelection,
  type ResolvedSelection,
  type Selection,
} from '../selection/selection.js';
import { warnAboutPeriod } from '../selection/selectionWarnings.js';
import { SvdError } from '../../core/errors.js';
import type { Reporter } from '../../core/reporter.js';
import type { CountFilter } from '../../core/dimension.js';
import { keptLevelShapes } from '../../geo/areaShapes.js';
import { pointPlaces } from '../../geo/placeNames.js';
import { computeRates } from '../rates/computeRates.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { resolveHotspotArea } from './hotspotArea.js';
import {
  recordCounting,
  SYNTHETIC_RECORD,
  type IncidentCounting,
} from '../counts/incidentCounting.js';
import type { Db } from '../../store/db.js';
import {
  hotspotAnalysis,
  parseMonth,
  type HotspotInput,
  type HotspotOptions,
  type HotspotsResult,
  type LsoaInputRow,
} from './hotspotAnalysis.js';
import type { AnalysisResult } from '../../api/analyses.js';
import type { PointRows } from './hotspotPoints.js';

export interface HotspotContext {
  cwd: string;
  reporter: Reporter;
  /** Where the incidents are counted (default: the workspace's records). */
  counting?: IncidentCounting;
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));

/**
 * The rows of the points query (columns x, y, m, n, longitude, latitude, label, unlocated,
 * police_uk, synthetic, g), read chunk by chunk: a row by point and month gives its four
 * numbers, a row by point its position and text, the row of every record the totals. Only the
 * columns a row's kind uses are read, straight into the arrays kept (a force's rows by point and
 * month are over a hundred thousand).
 */
async function pointRows(
  db: Db,
  sql: string,
  params: Record<string, DuckDBValue>,
): Promise<PointRows> {
  const out: PointRows = {
    points: { x: [], y: [], month: [], n: [] },
    locations: { x: [], y: [], n: [], longitude: [], latitude: [], label: [] },
    totals: null,
  };
  // A read, materialised as every other read is (the rule is against writes).
  // eslint-disable-next-line no-restricted-syntax
  const result = await db.connection.run(sql, params);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const [vx, vy, vm, vn, vlon, vlat, vlabel, vunlocated, vpolice, vsynthetic, vset] = Array.from(
      { length: 11 },
      (_, i) => chunk.getColumnVector(i),
    );
    for (let r = 0; r < chunk.rowCount; r++) {
      const set = num(vset!.getItem(r));
      if (set === 7) {
        out.totals = {
          selected: num(vn!.getItem(r)),
          unlocated: num(vunlocated!.getItem(r)),
          police_uk: num(vpolice!.getItem(r)),
          synthetic: num(vsynthetic!.getItem(r)),
        };
        continue;
      }
      const x = vx!.getItem(r);
      const y = vy!.getItem(r);
      if (x === null || y === null) continue;
      if (set === 0) {
        out.points.x.push(num(x));
        out.points.y.push(num(y));
        out.points.month.push(num(vm!.getItem(r)));
        out.points.n.push(num(vn!.getItem(r)));
      } else {
        const lon = vlon!.getItem(r);
        const lat = vlat!.getItem(r);
        const label = vlabel!.getItem(r);
        out.locations.x.push(num(x));
        out.locations.y.push(num(y));
        out.locations.n.push(num(vn!.getItem(r)));
        out.locations.longitude.push(lon === null ? null : Number(lon));
        out.locations.latitude.push(lat === null ? null : Number(lat));
        out.locations.label.push(label === null ? null : String(label));
      }
    }
  }
  return out;
}

/**
 * The selected incidents of the hot spot area by point and month, by point, and in all: from the
 * groups the counting holds in memory when it can read every filter there, else by the SQL below
 * (the same rows either way; tests/integration/groups-in-memory.test.ts).
 */
export async function selectedPoints(
  counting: IncidentCounting,
  resolved: ResolvedSelection,
  found: { level: string; code: string },
): Promise<PointRows> {
  const held = await counting.hotspotPoints?.({
    filters: resolved.where,
    dimensions: resolved.dimensions,
    params: resolved.sql.given,
    area: { level: found.level, code: found.code },
  });
  if (held !== undefined) return held;
  // The incidents of the area: those placed in an LSOA of the area (as rates count them), and
  // those in no LSOA but with a point, which the boundary then decides.
  const from = resolved.sql.from;
  const where = `${resolved.sql.where} AND (EXISTS (SELECT 1 FROM geo_memberships w
      WHERE w.lsoa_vintage = p.base_vintage AND w.lsoa_code = p.base_code
        AND w.level = $hs_al AND w.area_code = $hs_ac)
    OR (p.base_code IS NULL AND p.easting IS NOT NULL AND p.northing IS NOT NULL))`;
  const params = { ...resolved.sql.params, hs_al: found.level, hs_ac: found.code };
  // One scan: the located incidents by point and month, by point (with a map position and the
  // location text, given on those rows only: the rows by point and month are many, and their
  // text would only be read to be dropped), and the totals, told apart by GROUPING().
  const byPoint = 'GROUPING(p.easting, p.northing, m) = 1';
  return counting.detailed((c) =>
    pointRows(
      c.db,
      `SELECT p.easting AS x, p.northing AS y,
              CAST(year(i.month) * 12 + month(i.month) - 1 AS INTEGER) AS m, ${c.count()} AS n,
              CASE WHEN ${byPoint} THEN min(i.longitude) END,
              CASE WHEN ${byPoint} THEN min(i.latitude) END,
              CASE WHEN ${byPoint} THEN min(i.location_text) END,
              ${c.count('p.easting IS NULL OR p.northing IS NULL')} AS unlocated,
              ${c.count("i.source = 'police-uk'")} AS police_uk,
              ${c.count(SYNTHETIC_RECORD)} AS synthetic,
              GROUPING(p.easting, p.northing, m) AS g
         FROM ${from} WHERE ${where}
        GROUP BY GROUPING SETS ((p.easting, p.northing, m), (p.easting, p.northing), ())
        ORDER BY g, m, x, y`,
      params,
    ),
  );
}

async function lsoaInput(
  ws: Workspace,
  filters: CountFilter[],
  resolved: Awaited<ReturnType<typeof resolveSelection>>,
  area: HotspotInput['area'],
  options: HotspotOptions,
  context: HotspotContext,
  warnings: Warnings,
): Promise<HotspotInput['lsoas']> {
  const shapes11 = await keptLevelShapes(ws, 'lsoa11');
  const shapes21 = await keptLevelShapes(ws, 'lsoa21');
  let level = options.lsoaLevel;
  let levelChosen: string | null = null;
  if (level === undefined) {
    if (shapes11.shapes.length > 0) {
      level = 'lsoa11';
      levelChosen =
        shapes21.shapes.length > 0
          ? 'boundaries of both vintages are loaded; 2011, the vintage areas are counted by'
          : 'the LSOA boundaries loaded are of 2011';
    } else if (shapes21.shapes.length > 0) {
      level = 'lsoa21';
      levelChosen = 'the LSOA boundaries loaded are of 2021';
    } else {
      warnings.add(
        'NO_LSOA_BOUNDARIES',
        'no LSOA boundaries are loaded, so there is no LSOA analysis (svd geo load … --level lsoa11)',
      );
      return null;
    }
  }
  const shapes = level === 'lsoa11' ? shapes11 : shapes21;
  const within = { level: area.level as 'district', codes: [area.code] };
  let rows: LsoaInputRow[];
  let rates: { per: number; population: string } | null = null;
  try {
    const r = await computeRates(
      ws,
      { level, where: filters, within },
      {
        reporter: context.reporter,
        dimensions: resolved.dimensions,
        ...definitionParams(resolved),
        ...(context.counting === undefined ? {} : { counting: context.counting }),
      },
    );
    rows = r.rows;
    rates = { per: r.metadata.per, population: r.metadata.population.dataset };
  } catch (error) {
    if (!(error instanceof SvdError && error.code === 'NO_POPULATION')) throw error;
    // Counts only: the LSOAs within the area, and the selected incidents placed in each.
    const vintage = level === 'lsoa11' ? 2011 : 2021;
    const codes = await ws.db.all<{ code: string; name: string | null }>(
      `SELECT DISTINCT m.lsoa_code AS code, a.name FROM geo_memberships m
         LEFT JOIN geo_area_list a ON a.level = $hs_level AND a.code = m.lsoa_code
        WHERE m.lsoa_vintage = $hs_v AND m.level = $hs_al AND m.area_code = $hs_ac`,
      { hs_level: level, hs_v: vintage, hs_al: area.level, hs_ac: area.code },
    );
    const counting = context.counting ?? recordCounting(ws);
    const counted = await counting.db.all<{ code: string | null; n: number }>(
      `SELECT p.${level}_code AS code, ${counting.count()} AS n FROM ${resolved.sql.from}
        WHERE ${resolved.sql.where} AND EXISTS (SELECT 1 FROM geo_memberships w
          WHERE w.lsoa_vintage = p.base_vintage AND w.lsoa_code = p.base_code
            AND w.level = $hs_al AND w.area_code = $hs_ac)
        GROUP BY 1`,
      { ...resolved.sql.params, hs_al: area.level, hs_ac: area.code },
    );
    const byCode = new Map(counted.filter((c) => c.code !== null).map((c) => [c.code!, c.n]));
    const names = new Map(codes.map((c) => [c.code, c.name]));
    for (const c of byCode.keys())
      if (!names.has(c)) names.set(c, shapes.names[shapes.byCode.get(c) ?? -1] ?? null);
    rows = [...names.keys()].sort(compareAreaCodes).map((code) => ({
      code,
      name: names.get(code) ?? null,
      count: byCode.get(code) ?? 0,
      population: null,
      rate: null,
      lower: null,
      upper: null,
      small: (byCode.get(code) ?? 0) < 10,
    }));
  }
  return {
    level,
    levelChosen,
    rows,
    shapes: rows.map((r) => {
      const i = shapes.byCode.get(r.code);
      return i === undefined ? null : shapes.shapes[i]!;
    }),
    rates,
  };
}

export async function loadHotspotInput(
  ws: Workspace,
  selection: Selection,
  options: HotspotOptions,
  context: HotspotContext & { params?: Params; warnings?: Warnings },
): Promise<HotspotInput> {
  const warnings = context.warnings ?? new Warnings();
  // `lsoa11` brings in the placement join (alias p) and places any record not yet placed.
  const resolved = await resolveSelection(ws, selection, {
    cwd: context.cwd,
    reporter: context.reporter,
    ...(context.params === undefined ? {} : { params: context.params }),
    alsoUsing: ['lsoa11'],
  });
  const counting = context.counting ?? recordCounting(ws);
  await warnAboutPeriod(ws, resolved, warnings, counting);
  const found = await resolveHotspotArea(
    ws,
    options.area,
    selection.where ?? [],
    context.reporter,
    options.boundary,
  );
  const rows = await selectedPoints(counting, resolved, found);
  const points = {
    x: Float64Array.from(rows.points.x),
    y: Float64Array.from(rows.points.y),
    month: Int32Array.from(rows.points.month),
    n: Float64Array.from(rows.points.n),
  };
  const totals = rows.totals ?? undefined;
  const area: HotspotInput['area'] = {
    level: found.level,
    code: found.code,
    name: found.name,
    boundary: found.boundary,
    boundarySource: found.boundarySource,
    boundaryChosen: found.boundaryChosen,
    chosen: found.chosen,
  };
  const filters: CountFilter[] = [...(selection.where ?? [])];
  if (selection.from !== undefined || selection.to !== undefined)
    filters.push({
      dimension: 'month',
      values: [],
      range: { from: selection.from ?? '0001-01', to: selection.to ?? '9999-12' },
    });
  const monthsWithData = [...new Set(points.month)].sort((a, b) => a - b);
  const located: Omit<HotspotInput, 'lsoas'> = {
    area,
    points,
    locations: {
      x: Float64Array.from(rows.locations.x),
      y: Float64Array.from(rows.locations.y),
      n: Float64Array.from(rows.locations.n),
      longitude: rows.locations.longitude,
      latitude: rows.locations.latitude,
      label: rows.locations.label,
    },
    monthsWithData,
    range: {
      from: selection.from === undefined ? null : parseMonth(selection.from),
      to: selection.to === undefined ? null : parseMonth(selection.to),
    },
    incidents: {
      selected: totals?.selected ?? 0,
      unlocated: totals?.unlocated ?? 0,
      policeUk: totals?.police_uk ?? 0,
      synthetic: totals?.synthetic ?? 0,
    },
  };
  // Classes over time need two periods with data, which fewer than two months cannot give: the
  // analysis then refuses (after any error of its other options), and it reads the LSOAs only
  // after that refusal, so here it is given none and the LSOAs' rates are not counted. The
  // refusal, or the error before it, is the one the analysis with its LSOAs gives.
  if (options.classify === true && monthsWithData.length < 2)
    hotspotAnalysis({ ...located, lsoas: null }, options, (m) => context.reporter.info(m));
  const lsoas = await lsoaInput(ws, filters, resolved, area, options, context, warnings);
  return { ...located, lsoas };
}

/** Everything `svd analyse hotspots` prints, as `{ result, params, warnings }`. */
export async function analyseHotspots(
  ws: Workspace,
  selection: Selection,
  options: HotspotOptions,
  context: HotspotContext,
): Promise<AnalysisResult<HotspotsResult> & { input: HotspotInput }> {
  const params = new Params();
  const warnings = new Warnings();
  const input = await loadHotspotInput(ws, selection, options, { ...context, params, warnings });
  const analysis = hotspotAnalysis(input, options, (m) => context.reporter.info(m));
  warnings.merge(analysis.warnings);
  // The top hot spots named by the LSOA holding the cell's centre, its ward and its district.
  const top = analysis.result.topHotspots.map((id) => analysis.result.cells[id - 1]!);
  if (top.length > 0) {
    const level =
      input.lsoas?.level ??
      ((await keptLevelShapes(ws, 'lsoa11')).shapes.length > 0 ? 'lsoa11' : 'lsoa21');
    const places = await pointPlaces(
      ws,
      level,
      top.map((c) => ({ x: c.easting, y: c.northing })),
    );
    // A cell whose selected records give no location text (partner extracts often carry none):
    // the text any record of the period within the cell's square gives most.
    // One scan for all such cells: the records of the period with a text, within the box around
    // the cells, by text and point first (a join to the cells' squares of every point is slow);
    // then each cell's texts from those.
    const half = analysis.result.grid.cellSize / 2;
    const unnamed = top.filter((c) => (c.place?.street ?? null) === null);
    if (unnamed.length > 0) {
      const cellParams: Record<string, number | string> = {
        from: analysis.result.period.from ?? '0001-01',
        to: analysis.result.period.to ?? '9999-12',
        bx0: Math.min(...unnamed.map((c) => c.easting - half)),
        bx1: Math.max(...unnamed.map((c) => c.easting + half)),
        by0: Math.min(...unnamed.map((c) => c.northing - half)),
        by1: Math.max(...unnamed.map((c) => c.northing + half)),
      };
      const cells = unnamed.map((c, k) => {
        cellParams[`x0_${k}`] = c.easting - half;
        cellParams[`x1_${k}`] = c.easting + half;
        cellParams[`y0_${k}`] = c.northing - half;
        cellParams[`y1_${k}`] = c.northing + half;
        return `(${k}, $x0_${k}, $x1_${k}, $y0_${k}, $y1_${k})`;
      });
      const rows = await (context.counting ?? recordCounting(ws)).detailed((d) =>
        d.db.all<{ k: number; label: string }>(
          `WITH cells(k, x0, x1, y0, y1) AS (VALUES ${cells.join(', ')}),
           texts AS MATERIALIZED (
             SELECT i.location_text AS label, p.easting AS x, p.northing AS y, ${d.count()} AS n
               FROM incidents i JOIN incident_places p ON p.incident_id = i.id
              WHERE i.location_text IS NOT NULL
                AND i.month >= CAST($from || '-01' AS DATE) AND i.month <= CAST($to || '-01' AS DATE)
                AND p.easting >= $bx0 AND p.easting < $bx1 AND p.northing >= $by0 AND p.northing < $by1
              GROUP BY ALL)
           SELECT k, label FROM (
             SELECT c.k, t.label, row_number() OVER (PARTITION BY c.k ORDER BY sum(t.n) DESC, t.label) AS r
               FROM texts t JOIN cells c ON t.x >= c.x0 AND t.x < c.x1 AND t.y >= c.y0 AND t.y < c.y1
              GROUP BY c.k, t.label)
           WHERE r = 1`,
          cellParams,
        ),
      );
      const labels = new Map(rows.map((r) => [Number(r.k), r.label]));
      unnamed.forEach((c, k) => (c.place = { street: labels.get(k) ?? null }));
    }
    top.forEach((c, i) => {
      const at = places[i] ?? null;
      c.place = {
        street: c.place?.street ?? null,
        lsoa: at?.lsoa ?? null,
        ward: at?.ward ?? null,
        district: at?.district ?? null,
      };
    });
  }
  return {
    result: analysis.result,
    params: { ...params.all(), ...analysis.params },
    warnings: warnings.list(),
    input,
  };
}
