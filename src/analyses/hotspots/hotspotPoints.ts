/**
 * What the hot spot analysis reads of the selected incidents: their points by month, each point
 * with its map position and location text, and the totals. The SQL that reads them is in
 * analyseHotspots.ts; a counting that holds the records' groups in memory may work them out
 * itself (`IncidentCounting.hotspotPoints`), and must then give exactly the same rows.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type { CountFilter, Dimension } from '../../core/dimension.js';

export interface PointRows {
  /** By point and month, ordered by month, easting, northing. */
  points: { x: number[]; y: number[]; month: number[]; n: number[] };
  /**
   * By point, ordered by easting, northing: the least longitude, latitude and location text
   * (in code point order, as the database orders text) of the point's records.
   */
  locations: {
    x: number[];
    y: number[];
    n: number[];
    longitude: (number | null)[];
    latitude: (number | null)[];
    label: (string | null)[];
  };
  /** Of every record selected (with a point or not); null, or zeros, when none is. */
  totals: { selected: number; unlocated: number; police_uk: number; synthetic: number } | null;
}

/** The incidents whose points are read. */
export interface PointsRequest {
  /** The selection's filters, the period included (as `ResolvedSelection.where`). */
  filters: readonly CountFilter[];
  /** The dimensions they are of. */
  dimensions: readonly Dimension[];
  /** The parameters the selection's SQL was given besides its values (a definition's). */
  params: Readonly<Record<string, DuckDBValue>>;
  /**
   * The hot spot area: a record placed in one of its LSOAs (any membership, not only the
   * primary one), or with a point and no LSOA (the boundary decides later).
   */
  area: { level: string; code: string };
}
