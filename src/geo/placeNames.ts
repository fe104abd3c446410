/**
 * Places named as a reader knows them: the LSOA holding a point (or an LSOA given by its code),
 * with the ward and the district it belongs to (the primary membership: where the LSOA lies, by
 * lookup or best fit). Used to name hot spot cells and the busiest LSOAs on maps and in tables.
 */
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

interface LevelPlaces {
  names: Map<string, string | null>;
  /** Each LSOA's primary ward, district and MSOA: the largest share, then the first code. */
  parents: Map<string, Partial<Record<'ward' | 'district' | 'msoa', NamedArea>>>;
}

/**
 * The names of a level's LSOAs and their primary parents, read once and kept until the next write:
 * the dashboard's map and hot spots ask them of other LSOAs with every filter.
 */
function levelPlaces(ws: Workspace, level: 'lsoa11' | 'lsoa21'): Promise<LevelPlaces> {
  return ws.db.memo(`lsoaPlaces\u0000${level}`, async () => {
    const names = await ws.db.all<{ code: string; name: string | null }>(
      `SELECT code, name FROM geo_area_list WHERE level = $level`,
      { level },
    );
    const rows = await ws.db.all<{
      lsoa: string;
      level: 'ward' | 'district' | 'msoa';
      code: string;
      name: string | null;
    }>(
      `SELECT m.lsoa_code AS lsoa, m.level, m.area_code AS code, a.name
         FROM geo_memberships m
         LEFT JOIN geo_area_list a ON a.level = m.level AND a.code = m.area_code
        WHERE m.lsoa_vintage = $vintage AND m.is_primary AND m.level IN ('ward', 'district', 'msoa')
        ORDER BY m.lsoa_code, m.level, m.share DESC, m.area_code`,
      { vintage: vintageOf(level) },
    );
    const parents: LevelPlaces['parents'] = new Map();
    for (const r of rows) {
      const held = parents.get(r.lsoa) ?? {};
      held[r.level] ??= { code: r.code, name: r.name };
      parents.set(r.lsoa, held);
    }
    return { names: new Map(names.map((r) => [r.code, r.name])), parents };
  });
}

/** The ward, MSOA and district of each LSOA (by code), and its own name. */
export async function lsoaPlaces(
  ws: Workspace,
  level: 'lsoa11' | 'lsoa21',
  codes: readonly string[],
): Promise<Map<string, AreaPlace>> {
  const out = new Map<string, AreaPlace>();
  if (codes.length === 0) return out;
  const { names, parents } = await levelPlaces(ws, level);
  const copy = (a: NamedArea | undefined): NamedArea | null => (a === undefined ? null : { ...a });
  for (const code of new Set(codes)) {
    const held = parents.get(code);
    out.set(code, {
      lsoa: { code, name: names.get(code) ?? null },
      ward: copy(held?.ward),
      district: copy(held?.district),
      msoa: copy(held?.msoa),
    });
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
