/** The stored boundaries of one level, unpacked and indexed for point-in-polygon work. */
import { DuckDBBlobValue } from '@duckdb/node-api';
import type { Workspace } from '../store/openWorkspace.js';
import { PolygonIndex } from './polygonIndex.js';
import { unpackShape, type Shape } from './shapes.js';

export interface LevelShapes {
  level: string;
  codes: string[];
  names: (string | null)[];
  shapes: Shape[];
  index: PolygonIndex;
  byCode: Map<string, number>;
}

export async function levelShapes(ws: Workspace, level: string): Promise<LevelShapes> {
  const reader = await ws.db.connection.runAndReadAll(
    `SELECT code, name, shape FROM geo_area_list WHERE level = $level AND shape IS NOT NULL ORDER BY code`,
    { level },
  );
  const codes: string[] = [];
  const names: (string | null)[] = [];
  const shapes: Shape[] = [];
  for (const row of reader.getRows()) {
    codes.push(String(row[0]));
    names.push(row[1] === null ? null : String(row[1]));
    const blob = row[2];
    if (!(blob instanceof DuckDBBlobValue)) continue;
    shapes.push(unpackShape(blob.bytes));
  }
  return {
    level,
    codes,
    names,
    shapes,
    index: new PolygonIndex(shapes),
    byCode: new Map(codes.map((c, i) => [c, i])),
  };
}

/**
 * `levelShapes`, kept by the store until its next write: for readers that only read them (the
 * map's outlines, hot spots, LSOA neighbours, place names). Every caller shares one copy, so none
 * may change it.
 */
export function keptLevelShapes(ws: Workspace, level: string): Promise<LevelShapes> {
  return ws.db.memo(`level-shapes:${level}`, () => levelShapes(ws, level));
}
