/**
 * Whether the data derived from the loaded geography are current, read without writing anything:
 * the areas of every LSOA (rebuilt from the boundaries, lookups, population, deprivation and
 * partnerships loaded) and the placement of every incident in them. Analyses check; refreshing,
 * which writes, is `refreshDerivedData` in src/app/ (docs/decisions/0066-layers.md).
 */
import { SvdError } from '../core/errors.js';
import { sqlIs2021OnlyCode } from '../core/lsoaVintage.js';
import type { Workspace } from '../store/openWorkspace.js';

/** The key in geo_state of the stamp of the inputs the areas were last built from. */
export const STAMP_KEY = 'stamp';

/** Points this close to a polygon, but outside every one, are given the nearest (metres). */
export const DEFAULT_SNAP_METRES = 50;

export interface OutsideExample {
  incidentId: number;
  easting: number;
  northing: number;
  nearestCode: string | null;
  distanceMetres: number | null;
}

export interface PlacementReport {
  placed: number;
  alreadyPlaced: number;
  removedOrphans: number;
  located: number;
  lsoa11: Record<string, number>;
  lsoa21: Record<string, number>;
  /** Located records outside every LSOA polygon (those within the snap distance were given the nearest). */
  outside: {
    count: number;
    snapped: number;
    maxDistanceMetres: number | null;
    examples: OutsideExample[];
  };
  snapMetres: number;
  seconds: number;
}

/** A placement report of nothing placed (seconds 0). */
export function emptyPlacement(snap: number): PlacementReport {
  return {
    placed: 0,
    alreadyPlaced: 0,
    removedOrphans: 0,
    located: 0,
    lsoa11: {},
    lsoa21: {},
    outside: { count: 0, snapped: 0, maxDistanceMetres: null, examples: [] },
    snapMetres: snap,
    seconds: 0,
  };
}

/** What the derived geography depends on: the active reference batches and 2021-coded records. */
export async function geographyStamp(ws: Workspace): Promise<string> {
  const batches = await ws.db.value<string>(
    `SELECT coalesce(string_agg(CAST(batch_id AS VARCHAR), ',' ORDER BY batch_id), '') FROM batches
      WHERE status = 'active' AND (source_kind LIKE 'boundaries:%' OR source_kind IN
        ('lookup', 'population', 'deprivation', 'partnerships'))`,
  );
  const coded = await ws.db.value<number>(
    `SELECT count(*) FROM incidents WHERE lsoa_code IS NOT NULL AND ${sqlIs2021OnlyCode('lsoa_code')}`,
  );
  return `${batches ?? ''}|${coded ?? 0}`;
}

/** Where the fingerprint of what the placements were made from is kept (see placementInputs). */
export const PLACEMENT_INPUTS_KEY = 'placement-inputs';

/**
 * A fingerprint of everything a record's placement depends on besides the record itself and the
 * snap distance: the LSOA polygons of both vintages and the one-to-one entries of the LSOA
 * 2011 ↔ 2021 crosswalk. When a rebuild of the areas leaves it unchanged (new records whose 2021
 * codes rebuild the crosswalk, a population or lookup loaded), the placements already made stand
 * and only new records are placed.
 */
export async function placementInputs(ws: Workspace): Promise<string> {
  const shapes = await ws.db.value<string>(
    `SELECT coalesce(md5(string_agg(level || ':' || code || ':' || md5(shape), ',' ORDER BY level, code)), '')
      FROM geo_area_list WHERE level IN ('lsoa11', 'lsoa21') AND shape IS NOT NULL`,
  );
  const crosswalk = await ws.db.value<string>(
    `SELECT coalesce(md5(string_agg(lsoa11_code || '>' || lsoa21_code || ':' ||
        CAST(share_of_2011 >= 0.999 AS VARCHAR) || CAST(share_of_2021 >= 0.999 AS VARCHAR),
        ',' ORDER BY lsoa11_code, lsoa21_code)), '')
      FROM lsoa_crosswalk WHERE share_of_2011 >= 0.999 OR share_of_2021 >= 0.999`,
  );
  return `${shapes ?? ''}|${crosswalk ?? ''}`;
}

/** Whether the areas were built from the inputs held now. */
export function geographyCurrent(ws: Workspace): Promise<boolean> {
  return ws.db.memo('geography-current', async () => {
    const last = await ws.db.value<string>(`SELECT value FROM geo_state WHERE key = $k`, {
      k: STAMP_KEY,
    });
    return last === (await geographyStamp(ws));
  });
}

/** The areas are current, or a DERIVED_DATA_STALE error (nothing is written). */
export async function checkGeography(ws: Workspace): Promise<void> {
  if (!(await geographyCurrent(ws))) throw staleGeography(ws);
}

/** The error of areas built before the geography now held. */
export function staleGeography(ws: Workspace): SvdError {
  return staleDerivedData(
    ws,
    'the areas were built before the last boundaries, lookups or partnerships were loaded',
  );
}

/**
 * The placement is current (the areas current, same snap, no record unplaced or orphaned), or a
 * DERIVED_DATA_STALE error; nothing is written. Where the server keeps the placement current
 * (`placementMaintained`), there is nothing to check.
 */
export async function checkPlacement(
  ws: Workspace,
  snap: number = DEFAULT_SNAP_METRES,
  started: number = performance.now(),
): Promise<PlacementReport> {
  if (ws.placementMaintained === true) return emptyPlacement(snap);
  await checkGeography(ws);
  // Many analyses of one report ask this of the same data: answered once until something is written.
  const { lastSnap, todo, orphans, kept } = await ws.db.memo('placement-state', async () => {
    // Records not placed, and placements of no record, from one join of the two (not two).
    const unmatched = await ws.db.one<{ todo: number | null; orphans: number | null }>(
      `SELECT count(*) FILTER (WHERE p.incident_id IS NULL) AS todo,
              count(*) FILTER (WHERE i.id IS NULL) AS orphans
         FROM incidents i FULL JOIN incident_places p ON p.incident_id = i.id`,
    );
    return {
      lastSnap: await ws.db.value<string>(`SELECT value FROM geo_state WHERE key = 'snap'`),
      todo: unmatched?.todo ?? 0,
      orphans: unmatched?.orphans ?? 0,
      kept: (await ws.db.value<number>(`SELECT count(*) FROM incident_places`)) ?? 0,
    };
  });
  if (todo > 0 || orphans > 0 || (lastSnap !== undefined && lastSnap !== String(snap)))
    throw staleDerivedData(
      ws,
      todo > 0
        ? `${todo.toLocaleString('en-GB')} record${todo === 1 ? ' is' : 's are'} not yet placed in their areas`
        : 'the records were placed under other settings, or records placed have since been removed',
    );
  return {
    ...emptyPlacement(snap),
    alreadyPlaced: kept,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Derived data (areas, placement) that are not current. Read-only, only a command that writes can
 * refresh them (docs/decisions/0063-read-only-workspace.md); the command line refreshes them and
 * reads again when it can.
 */
export function staleDerivedData(ws: Workspace, why: string): SvdError {
  return new SvdError({
    kind: 'workspace',
    code: 'DERIVED_DATA_STALE',
    message:
      ws.readOnly === true
        ? `this command reads the workspace read-only, and ${why}`
        : `the data derived from the geography are not current: ${why}`,
    location: { file: ws.path },
    fix: `refresh it with svd geo place --db ${ws.path} (it writes: stop svd serve on this workspace first, or restart svd serve, which refreshes it when it starts), then run the command again`,
  });
}
