/**
 * The areas a selection names: its filters on area dimensions (`district=Oxford`,
 * `csp_code=safer-oxfordshire`, `lsoa11=E01028522`…) resolved to area codes at their level. What a
 * figure is "for" — the LSOAs and residents of its denominator, the emergency departments of its
 * A&E side — follows these (see docs/decisions/0060-area-of-figures.md).
 */
import { listValue } from '@duckdb/node-api';
import type { CountFilter } from '../core/dimension.js';
import type { Workspace } from '../store/openWorkspace.js';
import { AREA_LEVELS, areaNameDimension, PARENT_LEVELS, type AreaLevel } from './levels.js';

export interface SelectionArea {
  /** The filter's dimension, as the selection names it. */
  dimension: string;
  level: AreaLevel;
  /** The codes of the areas the filter keeps (none when it names no known area). */
  codes: string[];
  /** As the filter wrote them (names or codes), for messages. */
  values: string[];
}

/** The level an area dimension filters on, or undefined for any other dimension. */
export function areaLevelOfDimension(
  dimension: string,
): { level: AreaLevel; by: 'code' | 'name' } | undefined {
  if (dimension === 'lsoa11' || dimension === 'lsoa21') return { level: dimension, by: 'code' };
  for (const level of PARENT_LEVELS) {
    if (dimension === areaNameDimension(level)) return { level, by: 'name' };
    if (dimension === `${level}_code`) return { level, by: 'code' };
  }
  return undefined;
}

/**
 * The selection's area filters with their codes. A filter by name keeps the areas whose name (or
 * code, where an area has no name) is among its values, exactly as the area dimension compares;
 * a value of "no area" (null) names no area and is left out.
 */
export async function selectionAreas(
  ws: Workspace,
  where: readonly CountFilter[],
): Promise<SelectionArea[]> {
  const out: SelectionArea[] = [];
  for (const f of where) {
    const of = areaLevelOfDimension(f.dimension);
    if (of === undefined) continue;
    const values = f.values.filter((v): v is string => v !== null);
    // Only "no area" (`DIM=`): the filter names no area.
    if (values.length === 0 && f.range === undefined) continue;
    const expr = of.by === 'name' ? 'coalesce(name, code)' : 'code';
    const rows =
      f.range !== undefined
        ? await ws.db.allMemo<{ code: string }>(
            `SELECT DISTINCT code FROM geo_area_list WHERE level = $level AND ${expr} BETWEEN $from AND $to ORDER BY 1`,
            { level: of.level, from: f.range.from, to: f.range.to },
          )
        : await ws.db.allMemo<{ code: string }>(
            `SELECT DISTINCT code FROM geo_area_list WHERE level = $level AND list_contains($values, ${expr}) ORDER BY 1`,
            { level: of.level, values: listValue(values) },
          );
    // LSOA codes stand for themselves even when no boundary of that vintage is loaded.
    const codes =
      of.level === 'lsoa11' || of.level === 'lsoa21'
        ? [
            ...new Set([...rows.map((r) => r.code), ...(f.range === undefined ? values : [])]),
          ].sort()
        : rows.map((r) => r.code);
    out.push({
      dimension: f.dimension,
      level: of.level,
      codes,
      values: f.range === undefined ? values : [`${f.range.from}..${f.range.to}`],
    });
  }
  return out;
}

/** The selection's area filter at the finest level (LSOA first, IMD decile last). */
export function finestSelectionArea(areas: readonly SelectionArea[]): SelectionArea | undefined {
  return [...areas].sort((a, b) => AREA_LEVELS.indexOf(a.level) - AREA_LEVELS.indexOf(b.level))[0];
}

export const describeSelectionArea = (a: SelectionArea): string =>
  `${a.level} ${a.codes.length === 0 ? `(none named ${a.values.join(', ')})` : a.codes.join(', ')}`;
