/**
 * The area a hotspot analysis covers, and its boundary from the polygons stored in the workspace:
 * given as `LEVEL=NAME` or `LEVEL=CODE` (`district=Oxford`, `force=thames-valley`), else the one
 * area the selection's `--where` names, else the single force area with data. The boundary is by
 * default the outline of the area's LSOAs (dissolved from their polygons), because incidents belong
 * to an area through their LSOA: the area's own polygon is often generalised differently, and
 * incidents near its edge would fall outside the grid. Without every LSOA's polygon, the area's own
 * boundary is used; a partnership has none, and its outline is dissolved from its districts'.
 */
import type { DuckDBBlobValue } from '@duckdb/node-api';
import { SvdError, usageError } from '../../core/errors.js';
import type { CountFilter } from '../../core/dimension.js';
import { dissolve } from '../../geo/dissolve.js';
import { checkGeography } from '../../geo/derivedDataState.js';
import { resolveAreaOption } from '../../geo/resolveArea.js';
import { unpackShape, type Shape } from '../../geo/shapes.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';

export const AREA_LEVELS_WITH_BOUNDARIES = ['district', 'csp', 'force', 'ward', 'msoa'] as const;
export type HotspotAreaLevel = (typeof AREA_LEVELS_WITH_BOUNDARIES)[number];

export const BOUNDARIES = ['lsoas', 'area'] as const;
/** The area's outline: dissolved from its LSOAs (the default when they all have one), or its own. */
export type BoundaryChoice = (typeof BOUNDARIES)[number];

export interface HotspotArea {
  level: HotspotAreaLevel;
  code: string;
  name: string | null;
  boundary: Shape;
  /** Where the boundary comes from, in words. */
  boundarySource: string;
  /** Why this boundary, when svd chose it (null when asked for). */
  boundaryChosen: string | null;
  /** How the area was chosen, when svd chose it. */
  chosen: string | null;
}

export function parseAreaOption(value: string): { level: HotspotAreaLevel; value: string } {
  const eq = value.indexOf('=');
  const level = eq < 0 ? '' : value.slice(0, eq).trim();
  const name = eq < 0 ? '' : value.slice(eq + 1).trim();
  if (!(AREA_LEVELS_WITH_BOUNDARIES as readonly string[]).includes(level) || name === '')
    throw usageError(
      'BAD_AREA',
      `--area ${JSON.stringify(value)} is not LEVEL=NAME or LEVEL=CODE`,
      `use one of the levels ${AREA_LEVELS_WITH_BOUNDARIES.join(', ')}, e.g. --area district=Oxford`,
    );
  return { level: level as HotspotAreaLevel, value: name };
}

async function findArea(
  ws: Workspace,
  level: HotspotAreaLevel,
  value: string,
): Promise<{ code: string; name: string | null; shape: Shape | null }> {
  const reader = await ws.db.connection.runAndReadAll(
    `SELECT code, name, shape FROM geo_area_list WHERE level = $level
      AND (code = $v OR lower(name) = lower($v)) ORDER BY (code = $v) DESC, code`,
    { level, v: value },
  );
  const rows = reader.getRows();
  if (rows.length === 0) {
    const known = await ws.db.all<{ label: string }>(
      `SELECT coalesce(name, code) AS label FROM geo_area_list WHERE level = $level ORDER BY 1 LIMIT 12`,
      { level },
    );
    throw usageError(
      'UNKNOWN_AREA',
      `no ${level} called ${JSON.stringify(value)} in this workspace`,
      known.length === 0
        ? `load ${level} boundaries or a partnership configuration first (svd geo --help)`
        : `use a code or name, e.g. ${known.map((k) => k.label).join(', ')}`,
    );
  }
  if (rows.length > 1 && rows[0]![0] !== value)
    throw usageError(
      'AMBIGUOUS_AREA',
      `${rows.length} ${level} areas are called ${JSON.stringify(value)}`,
      `give the code instead: ${rows.map((r) => String(r[0])).join(', ')}`,
    );
  const [code, name, blob] = rows[0]!;
  // DuckDB is in memory once a workspace is open; imported here so that the options of the
  // hotspot analysis (this module's constants) can be read without it.
  const duckdb = await import('@duckdb/node-api');
  return {
    code: String(code),
    name: name === null ? null : String(name),
    shape: blob instanceof duckdb.DuckDBBlobValue ? unpackShape(blob.bytes) : null,
  };
}

/** The outline of the area's LSOAs of one vintage, when every one of them has a polygon. */
async function lsoaOutline(
  ws: Workspace,
  level: HotspotAreaLevel,
  code: string,
): Promise<{ boundary: Shape; count: number; vintage: number } | null> {
  const duckdb = await import('@duckdb/node-api');
  for (const vintage of [2011, 2021]) {
    const reader = await ws.db.connection.runAndReadAll(
      `SELECT a.shape FROM (SELECT DISTINCT lsoa_code FROM geo_memberships
          WHERE lsoa_vintage = $v AND level = $level AND area_code = $code) m
         LEFT JOIN geo_area_list a ON a.level = $lsoa AND a.code = m.lsoa_code
        ORDER BY m.lsoa_code`,
      { v: vintage, level, code, lsoa: vintage === 2011 ? 'lsoa11' : 'lsoa21' },
    );
    const blobs = reader.getRows().map((r) => r[0]);
    if (blobs.length === 0 || !blobs.every((b) => b instanceof duckdb.DuckDBBlobValue)) continue;
    const shapes = (blobs as DuckDBBlobValue[]).map((b) => unpackShape(b.bytes));
    return { boundary: dissolve(shapes), count: shapes.length, vintage };
  }
  return null;
}

async function boundaryOf(
  ws: Workspace,
  level: HotspotAreaLevel,
  found: { code: string; name: string | null; shape: Shape | null },
  choice: BoundaryChoice | undefined,
): Promise<{ boundary: Shape; source: string; chosen: string | null }> {
  if (choice !== 'area') {
    const outline = await lsoaOutline(ws, level, found.code);
    if (outline !== null)
      return {
        boundary: outline.boundary,
        source: `the outline of its ${outline.count} LSOAs (${outline.vintage})`,
        chosen:
          choice === undefined
            ? "so that every incident placed in one of its LSOAs lies inside the grid; --boundary area takes the area's own boundary, which may be generalised differently"
            : null,
      };
    if (choice === 'lsoas')
      throw new SvdError({
        kind: 'workspace',
        code: 'NO_LSOA_OUTLINE',
        message: `not every LSOA of ${level} ${found.name ?? found.code} has a boundary in this workspace`,
        fix: 'load the LSOA boundaries (svd geo load … --level lsoa11), or use --boundary area',
      });
  }
  const chosen = choice === undefined ? "not every one of its LSOAs' boundaries is loaded" : null;
  if (found.shape !== null)
    return { boundary: found.shape, source: `the ${level} boundary`, chosen };
  if (level === 'csp') {
    const duckdb = await import('@duckdb/node-api');
    const reader = await ws.db.connection.runAndReadAll(
      `SELECT d.shape FROM geo_links l JOIN geo_area_list d ON d.level = 'district' AND d.code = l.child_code
        WHERE l.child_level = 'district' AND l.parent_level = 'csp' AND l.parent_code = $code
          AND d.shape IS NOT NULL ORDER BY d.code`,
      { code: found.code },
    );
    const shapes = reader
      .getRows()
      .map((r) => r[0])
      .filter((b): b is DuckDBBlobValue => b instanceof duckdb.DuckDBBlobValue)
      .map((b) => unpackShape(b.bytes));
    if (shapes.length > 0)
      return {
        boundary: dissolve(shapes),
        source: `the outline of its ${shapes.length} district${shapes.length === 1 ? '' : 's'}`,
        chosen,
      };
  }
  throw new SvdError({
    kind: 'workspace',
    code: 'NO_BOUNDARY',
    message: `${level} ${found.name ?? found.code} has no boundary in this workspace`,
    fix:
      level === 'csp' || level === 'force'
        ? 'load district boundaries (svd geo load … --level district): partnership and force outlines are made from them'
        : `load ${level} boundaries (svd geo load FILE --level ${level})`,
  });
}

const AREA_DIMENSIONS: Record<string, HotspotAreaLevel> = Object.fromEntries(
  AREA_LEVELS_WITH_BOUNDARIES.flatMap((l) => [
    [l, l],
    [`${l}_code`, l],
  ]),
);

export async function resolveHotspotArea(
  ws: Workspace,
  given: string | undefined,
  where: readonly CountFilter[],
  reporter: Reporter,
  boundaryChoice?: BoundaryChoice,
): Promise<HotspotArea> {
  await checkGeography(ws);
  const make = async (
    level: HotspotAreaLevel,
    value: string,
    chosen: string | null,
  ): Promise<HotspotArea> => {
    // The area and its shape, as the outline below: the same for every selection of it.
    const found = await ws.db.memo(`hotspotArea\u0000${level}\u0000${value}`, () =>
      findArea(ws, level, value),
    );
    // Dissolving an area's LSOAs takes a while and is the same for every selection of the
    // area: kept until the next write (the outline is only read).
    const b = await ws.db.memo(
      `hotspotBoundary\u0000${level}\u0000${found.code}\u0000${boundaryChoice ?? ''}`,
      () => boundaryOf(ws, level, found, boundaryChoice),
    );
    return {
      level,
      code: found.code,
      name: found.name,
      boundary: b.boundary,
      boundarySource: b.source,
      boundaryChosen: b.chosen,
      chosen,
    };
  };
  if (given !== undefined) {
    if (!given.includes('=')) {
      // A bare code or name of any level, resolved as --area is everywhere.
      const found = await resolveAreaOption(ws, given, reporter);
      if (!(AREA_LEVELS_WITH_BOUNDARIES as readonly string[]).includes(found.level))
        throw usageError(
          'BAD_AREA',
          `--area ${given} is ${found.level} ${found.name ?? found.code}, which a hotspot map cannot cover`,
          `map one of the levels ${AREA_LEVELS_WITH_BOUNDARIES.join(', ')}, e.g. --area district=Oxford`,
        );
      return make(found.level as HotspotAreaLevel, found.code, null);
    }
    const { level, value } = parseAreaOption(given);
    return make(level, value, null);
  }
  const filter = where.find(
    (w) =>
      AREA_DIMENSIONS[w.dimension] !== undefined && w.values.length === 1 && w.values[0] !== null,
  );
  if (filter !== undefined)
    return make(
      AREA_DIMENSIONS[filter.dimension]!,
      filter.values[0]!,
      `the area --where ${filter.dimension}=${filter.values[0]!} selects`,
    );
  const forces = await ws.db.allMemo<{ code: string }>(
    `SELECT DISTINCT a.code FROM geo_area_list a JOIN (SELECT DISTINCT force FROM incidents) i
       ON i.force = a.code WHERE a.level = 'force' AND a.shape IS NOT NULL ORDER BY 1`,
  );
  if (forces.length === 1) return make('force', forces[0]!.code, 'the force area with data');
  throw usageError(
    'NEEDS_AREA',
    forces.length === 0
      ? 'no area to map: no force area with a boundary holds data, and no --area was given'
      : `the data come from ${forces.length} force areas (${forces.map((f) => f.code).join(', ')}): say which area to map`,
    'give --area LEVEL=NAME, e.g. --area district=Oxford (load boundaries with svd geo load)',
  );
}
