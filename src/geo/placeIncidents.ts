/**
 * Placing incidents in their areas, as a separate, idempotent step after ingest (the ingest itself
 * stays a pure DuckDB load). Every incident not yet placed gets its British National Grid point and
 * its LSOA of each vintage, with the method:
 *
 * - the published LSOA code is kept when it is of that vintage (`published`), or when a 2021 code
 *   is one that already existed in 2011 (`published-same-code`);
 * - otherwise the point is located in the loaded polygons (`point-in-polygon`); a point outside
 *   every polygon is reported with its nearest polygon and the distance, and is given that polygon
 *   when it lies within the snap distance (`nearest`, 50 m unless told otherwise: generalised
 *   boundaries leave slivers between neighbours), else none (`outside`);
 * - without a point, the LSOA 2011 ↔ 2021 crosswalk is used where it is one-to-one (`crosswalk`).
 *
 * The result is kept in `incident_places`, never in `incidents`; loading geography clears it and
 * the next call recomputes it. See docs/decisions/0003-placement.md.
 */
import type { Clock } from '../core/clock.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';
import { is2021OnlyCode } from '../core/lsoaVintage.js';
import { levelShapes, type LevelShapes } from './areaShapes.js';
import { wgs84ToBng } from './projection.js';
import {
  checkPlacement,
  DEFAULT_SNAP_METRES,
  emptyPlacement,
  type PlacementReport,
} from './derivedDataState.js';
import { ensureGeography } from './rebuildGeography.js';

const CHUNK = 50_000;
/** Records read from the store at a time. */
const READ_SLICE = 200_000;

export interface PlaceOptions {
  reporter: Reporter;
  clock?: Clock;
  /** Distance within which a point outside every polygon takes the nearest one (0: never). */
  snapMetres?: number;
}

export async function placeIncidents(
  ws: Workspace,
  options: PlaceOptions,
): Promise<PlacementReport> {
  const snap = options.snapMetres ?? DEFAULT_SNAP_METRES;
  const started = performance.now();
  const { reporter } = options;
  const db = ws.db;
  // Kept current by the server, or read-only: only checked.
  if (ws.placementMaintained === true || ws.readOnly === true)
    return checkPlacement(ws, snap, started);
  await ensureGeography(ws, options);
  return db.transaction(async () => {
    // Placements made with another snap distance are made again.
    const lastSnap = await db.value<string>(`SELECT value FROM geo_state WHERE key = 'snap'`);
    if (lastSnap !== String(snap)) {
      if (lastSnap !== undefined) await db.run(`DELETE FROM incident_places`);
      await db.run(`DELETE FROM geo_state WHERE key = 'snap'`);
      await db.run(`INSERT INTO geo_state VALUES ('snap', $v)`, { v: String(snap) });
    }
    const before = (await db.value<number>(`SELECT count(*) FROM incident_places`)) ?? 0;
    await db.run(`DELETE FROM incident_places WHERE incident_id NOT IN (SELECT id FROM incidents)`);
    const kept = (await db.value<number>(`SELECT count(*) FROM incident_places`)) ?? 0;
    const report: PlacementReport = {
      ...emptyPlacement(snap),
      alreadyPlaced: kept,
      removedOrphans: before - kept,
    };
    const todo =
      (await db.value<number>(
        `SELECT count(*) FROM incidents i ANTI JOIN incident_places p ON p.incident_id = i.id`,
      )) ?? 0;
    if (todo === 0) {
      report.seconds = (performance.now() - started) / 1000;
      return report;
    }
    const s11 = await levelShapes(ws, 'lsoa11');
    const s21 = await levelShapes(ws, 'lsoa21');
    // One-to-one crosswalk entries, for records without a point or with a code of the other vintage.
    const single11to21 = new Map<string, string>();
    const single21to11 = new Map<string, string>();
    for (const r of await db.all<{
      lsoa11_code: string;
      lsoa21_code: string;
      share_of_2011: number;
      share_of_2021: number;
    }>(`SELECT lsoa11_code, lsoa21_code, share_of_2011, share_of_2021 FROM lsoa_crosswalk`)) {
      if (r.share_of_2011 >= 0.999) single11to21.set(r.lsoa11_code, r.lsoa21_code);
      if (r.share_of_2021 >= 0.999) single21to11.set(r.lsoa21_code, r.lsoa11_code);
    }
    // The records to place are read a slice at a time, so that memory stays bounded however many
    // there are (every record is placed again when the LSOA polygons or the crosswalk change).
    await db.run(`DROP TABLE IF EXISTS temp.places_todo`);
    await db.run(
      `CREATE TEMP TABLE places_todo AS
        SELECT row_number() OVER (ORDER BY i.id) AS n, i.id, i.longitude, i.latitude, i.easting,
          i.northing, i.lsoa_code, i.lsoa_vintage
        FROM incidents i ANTI JOIN incident_places p ON p.incident_id = i.id ORDER BY i.id`,
    );
    const appender = await db.connection.createAppender('incident_places');
    const p = new Float64Array(2);
    const count = (m: Record<string, number>, k: string): void => void (m[k] = (m[k] ?? 0) + 1);
    const locate = (shapes: LevelShapes, x: number, y: number): string | null => {
      if (shapes.shapes.length === 0) return null;
      const i = shapes.index.locate(x, y);
      return i < 0 ? null : shapes.codes[i]!;
    };
    const str = (v: string | null): void =>
      v === null ? appender.appendNull() : appender.appendVarchar(v);
    const num = (v: number | null): void =>
      v === null ? appender.appendNull() : appender.appendDouble(v);
    for (let from = 0; from < todo; from += READ_SLICE) {
      const reader = await db.connection.runAndReadAll(
        `SELECT id, longitude, latitude, easting, northing, lsoa_code, lsoa_vintage
          FROM temp.places_todo WHERE n > $from AND n <= $to ORDER BY n`,
        { from, to: from + READ_SLICE },
      );
      const [ids, lons, lats, easts, norths, codes, vintages] =
        reader.getColumns() as unknown[][] as [
          bigint[],
          (number | null)[],
          (number | null)[],
          (number | null)[],
          (number | null)[],
          (string | null)[],
          (number | null)[],
        ];
      for (let r = 0; r < ids.length; r++) {
        let x: number | null = null;
        let y: number | null = null;
        const lon = lons[r];
        const lat = lats[r];
        if (lon != null && lat != null) {
          wgs84ToBng(lon, lat, p);
          x = p[0]!;
          y = p[1]!;
        } else if (easts[r] != null && norths[r] != null) {
          x = easts[r]!;
          y = norths[r]!;
        }
        const code = codes[r] ?? null;
        const vintage =
          code === null ? null : (vintages[r] ?? (is2021OnlyCode(code) ? 2021 : 2011));
        const located = x !== null && y !== null;
        if (located) report.located++;
        const pip11 = located ? locate(s11, x!, y!) : null;
        const pip21 = located ? locate(s21, x!, y!) : null;

        let nearestCode: string | null = null;
        let nearestDistance: number | null = null;
        const shapesForNearest = s11.shapes.length > 0 ? s11 : s21;
        if (
          located &&
          shapesForNearest.shapes.length > 0 &&
          (s11.shapes.length > 0 ? pip11 : pip21) === null
        ) {
          const near = shapesForNearest.index.nearest(x!, y!);
          nearestCode = near === undefined ? null : shapesForNearest.codes[near.index]!;
          nearestDistance = near === undefined ? null : Math.round(near.distance * 10) / 10;
          report.outside.count++;
          if (nearestDistance !== null)
            report.outside.maxDistanceMetres = Math.max(
              report.outside.maxDistanceMetres ?? 0,
              nearestDistance,
            );
          if (nearestDistance !== null && nearestDistance <= snap) report.outside.snapped++;
          if (report.outside.examples.length < 10)
            report.outside.examples.push({
              incidentId: Number(ids[r]),
              easting: Math.round(x!),
              northing: Math.round(y!),
              nearestCode,
              distanceMetres: nearestDistance,
            });
        }
        const snapped = (level: LevelShapes): string | null =>
          level === shapesForNearest && nearestDistance !== null && nearestDistance <= snap
            ? nearestCode
            : null;

        let lsoa11: string | null = null;
        let m11: string;
        if (code !== null && vintage === 2011) [lsoa11, m11] = [code, 'published'];
        else if (code !== null && vintage === 2021 && !is2021OnlyCode(code))
          [lsoa11, m11] = [code, 'published-same-code'];
        else if (located && s11.shapes.length > 0)
          [lsoa11, m11] =
            pip11 !== null
              ? [pip11, 'point-in-polygon']
              : snapped(s11) !== null
                ? [snapped(s11), 'nearest']
                : [null, 'outside'];
        else if (code !== null && single21to11.has(code))
          [lsoa11, m11] = [single21to11.get(code)!, 'crosswalk'];
        else m11 = located ? 'no-boundaries' : 'unlocated';

        let lsoa21: string | null = null;
        let m21: string;
        if (code !== null && vintage === 2021) [lsoa21, m21] = [code, 'published'];
        else if (code !== null && single11to21.has(code))
          [lsoa21, m21] = [single11to21.get(code)!, 'crosswalk'];
        else if (located && s21.shapes.length > 0)
          [lsoa21, m21] =
            pip21 !== null
              ? [pip21, 'point-in-polygon']
              : snapped(s21) !== null
                ? [snapped(s21), 'nearest']
                : [null, 'outside'];
        else if (lsoa11 !== null && single11to21.has(lsoa11))
          [lsoa21, m21] = [single11to21.get(lsoa11)!, 'crosswalk'];
        else m21 = located || code !== null ? 'not-determined' : 'unlocated';

        count(report.lsoa11, m11);
        count(report.lsoa21, m21);

        appender.appendBigInt(ids[r]!);
        num(x);
        num(y);
        str(lsoa11);
        appender.appendVarchar(m11);
        str(pip11);
        str(lsoa21);
        appender.appendVarchar(m21);
        str(pip21);
        str(nearestCode);
        num(nearestDistance);
        if (lsoa11 !== null) {
          appender.appendSmallInt(2011);
          appender.appendVarchar(lsoa11);
        } else if (lsoa21 !== null) {
          appender.appendSmallInt(2021);
          appender.appendVarchar(lsoa21);
        } else {
          appender.appendNull();
          appender.appendNull();
        }
        appender.endRow();
        report.placed++;
        if (report.placed % CHUNK === 0)
          reporter.progress({
            label: 'placing incidents',
            done: report.placed,
            total: todo,
            unit: 'records',
          });
      }
      appender.flushSync();
    }
    await db.run(`DROP TABLE IF EXISTS temp.places_todo`);
    appender.flushSync();
    appender.closeSync();
    reporter.endProgress();
    if (report.outside.count > 0)
      reporter.info(
        `${report.outside.count.toLocaleString('en-GB')} located record(s) fall outside every LSOA polygon (furthest ${report.outside.maxDistanceMetres ?? '?'} m); ${report.outside.snapped.toLocaleString('en-GB')} within ${snap} m were given the nearest LSOA${snap === DEFAULT_SNAP_METRES ? ' (the default snap distance; change it with --snap)' : ''}`,
      );
    report.seconds = (performance.now() - started) / 1000;
    return report;
  });
}
