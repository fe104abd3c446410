/**
 * Places named as a reader knows them: the LSOA holding a point (or an LSOA given by its code),
 * with the ward and the district it belongs to (the primary membership: where the LSOA lies, by
 * lookup or best fit). Used to name hot spot cells and the busiest LSOAs on maps and in tables.
 */
import { listValue } from '@duckdb/node-api';
import type { Workspace } from '../store/openWorkspace.js';
import { keptLevelShapes } from './areaShapes.js';

export interface NamedArea {
  code: string;
  name: string | null;
}

export interface AreaPlace {
  lsoa: NamedArea | null;
  ward: NamedArea | null;
  district: NamedArea | null;
  msoa?: NamedArea | null;
}

const vintageOf = (level: 'lsoa11' | 'lsoa21'): number => (level === 'lsoa11' ? 2011 : 2021);

/** The ward, MSOA and district of each LSOA (by code), and its own name. */
export async function lsoaPlaces(
  ws: Workspace,
  level: 'lsoa11' | 'lsoa21',
  codes: readonly string[],
): Promise<Map<string, AreaPlace>> {
  const out = new Map<string, AreaPlace>();
  if (codes.length === 0) return out;
  const unique = [...new Set(codes)];
  // Memoised: the dashboard's map asks the same of every filter of one area.
  const names = await ws.db.allMemo<{ code: string; name: string | null }>(
    `SELECT code, name FROM geo_area_list WHERE level = $level AND code IN (SELECT unnest($codes))`,
    { level, codes: listValue(unique) },
  );
  const nameOf = new Map(names.map((r) => [r.code, r.name]));
  for (const code of unique)
    out.set(code, {
      lsoa: { code, name: nameOf.get(code) ?? null },
      ward: null,
      district: null,
      msoa: null,
    });
  const rows = await ws.db.allMemo<{
    lsoa: string;
    level: 'ward' | 'district' | 'msoa';
    code: string;
    name: string | null;
  }>(
    `SELECT m.lsoa_code AS lsoa, m.level, m.area_code AS code, a.name
       FROM geo_memberships m
       LEFT JOIN geo_area_list a ON a.level = m.level AND a.code = m.area_code
      WHERE m.lsoa_vintage = $vintage AND m.is_primary AND m.level IN ('ward', 'district', 'msoa')
        AND m.lsoa_code IN (SELECT unnest($codes))
      ORDER BY m.lsoa_code, m.level, m.share DESC, m.area_code`,
    { vintage: vintageOf(level), codes: listValue(unique) },
  );
  for (const r of rows) {
    const place = out.get(r.lsoa)!;
    if ((place[r.level] ?? null) === null) place[r.level] = { code: r.code, name: r.name };
  }
  return out;
}

/** The LSOA (of the level given) holding each point, with its ward and district; null outside all. */
export async function pointPlaces(
  ws: Workspace,
  level: 'lsoa11' | 'lsoa21',
  points: readonly { x: number; y: number }[],
): Promise<(AreaPlace | null)[]> {
  if (points.length === 0) return [];
  const shapes = await keptLevelShapes(ws, level);
  const codes = points.map((p) => {
    const i = shapes.index.locate(p.x, p.y);
    return i < 0 ? null : shapes.codes[i]!;
  });
  const places = await lsoaPlaces(
    ws,
    level,
    codes.filter((c): c is string => c !== null),
  );
  return codes.map((c) => (c === null ? null : (places.get(c) ?? null)));
}
