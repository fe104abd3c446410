/**
 * The area a hotspot analysis covers, and its boundary from the polygons stored in the workspace:
 * given as `LEVEL=NAME` or `LEVEL=CODE` (`district=Oxford`, `force=thames-valley`), else the one
 * area the selection's `--where` names, else the single force area with data. A partnership has no
 * polygon of its own: its outline is dissolved from its districts'.
 */
import { DuckDBBlobValue } from '@duckdb/node-api';
import { SvdError, usageError } from '../core/errors.js';
import type { CountFilter } from '../counts/countIncidents.js';
import { dissolve } from '../geo/dissolve.js';
import { ensureGeography } from '../geo/rebuildGeography.js';
import { unpackShape, type Shape } from '../geo/shapes.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';

export const AREA_LEVELS_WITH_BOUNDARIES = ['district', 'csp', 'force', 'ward', 'msoa'] as const;
export type HotspotAreaLevel = (typeof AREA_LEVELS_WITH_BOUNDARIES)[number];

export interface HotspotArea {
  level: HotspotAreaLevel;
  code: string;
  name: string | null;
  boundary: Shape;
  /** How the boundary was obtained. */
  boundarySource: 'stored' | 'dissolved from districts';
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
  return {
    code: String(code),
    name: name === null ? null : String(name),
    shape: blob instanceof DuckDBBlobValue ? unpackShape(blob.bytes) : null,
  };
}

async function boundaryOf(
  ws: Workspace,
  level: HotspotAreaLevel,
  found: { code: string; name: string | null; shape: Shape | null },
): Promise<{ boundary: Shape; source: HotspotArea['boundarySource'] }> {
  if (found.shape !== null) return { boundary: found.shape, source: 'stored' };
  if (level === 'csp') {
    const reader = await ws.db.connection.runAndReadAll(
      `SELECT d.shape FROM geo_links l JOIN geo_area_list d ON d.level = 'district' AND d.code = l.child_code
        WHERE l.child_level = 'district' AND l.parent_level = 'csp' AND l.parent_code = $code
          AND d.shape IS NOT NULL ORDER BY d.code`,
      { code: found.code },
    );
    const shapes = reader
      .getRows()
      .map((r) => r[0])
      .filter((b): b is DuckDBBlobValue => b instanceof DuckDBBlobValue)
      .map((b) => unpackShape(b.bytes));
    if (shapes.length > 0)
      return { boundary: dissolve(shapes), source: 'dissolved from districts' };
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
): Promise<HotspotArea> {
  await ensureGeography(ws, { reporter });
  if (given !== undefined) {
    const { level, value } = parseAreaOption(given);
    const found = await findArea(ws, level, value);
    const b = await boundaryOf(ws, level, found);
    return { level, ...found, boundary: b.boundary, boundarySource: b.source, chosen: null };
  }
  const filter = where.find(
    (w) =>
      AREA_DIMENSIONS[w.dimension] !== undefined && w.values.length === 1 && w.values[0] !== null,
  );
  if (filter !== undefined) {
    const level = AREA_DIMENSIONS[filter.dimension]!;
    const found = await findArea(ws, level, filter.values[0]!);
    const b = await boundaryOf(ws, level, found);
    return {
      level,
      ...found,
      boundary: b.boundary,
      boundarySource: b.source,
      chosen: `the area --where ${filter.dimension}=${filter.values[0]!} selects`,
    };
  }
  const forces = await ws.db.all<{ code: string }>(
    `SELECT DISTINCT a.code FROM geo_area_list a JOIN (SELECT DISTINCT force FROM incidents) i
       ON i.force = a.code WHERE a.level = 'force' AND a.shape IS NOT NULL ORDER BY 1`,
  );
  if (forces.length === 1) {
    const found = await findArea(ws, 'force', forces[0]!.code);
    const b = await boundaryOf(ws, 'force', found);
    return {
      level: 'force',
      ...found,
      boundary: b.boundary,
      boundarySource: b.source,
      chosen: 'the force area with data',
    };
  }
  throw usageError(
    'NEEDS_AREA',
    forces.length === 0
      ? 'no area to map: no force area with a boundary holds data, and no --area was given'
      : `the data come from ${forces.length} force areas (${forces.map((f) => f.code).join(', ')}): say which area to map`,
    'give --area LEVEL=NAME, e.g. --area district=Oxford (load boundaries with svd geo load)',
  );
}
