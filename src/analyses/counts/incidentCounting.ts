/**
 * Where incidents are counted: the workspace's records, one row each, or a pre-aggregated copy of
 * them — one row per group of records alike in everything a dashboard filter or grouping reads,
 * with the group's number of records in `i.n` — which answers the same SQL when each row is
 * weighted by its number. The queries that may be answered from the aggregate count through
 * `count`, so that both give the same figures (decision 0081; the aggregate is
 * src/app/dashboard/incidentAggregate.ts).
 */
import type { Db } from '../../store/db.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { DuckDBValue } from '@duckdb/node-api';
import type { CountFilter, Dimension } from '../../core/dimension.js';
import type { PointRows, PointsRequest } from '../hotspots/hotspotPoints.js';

/** SQL true of a record from a synthetic (generated) batch. */
export const SYNTHETIC_RECORD = 'i.batch_id IN (SELECT batch_id FROM batches WHERE synthetic)';

export interface IncidentCounting {
  /** The database the counting queries run on (the workspace's, or the aggregate's). */
  db: Db;
  /** SQL of the number of incidents of the rows counted (those matching `filter`, when given). */
  count(filter?: string): string;
  /**
   * Runs fn counting rows that keep the records' location text (`i.location_text`): an
   * aggregate groups by it only there.
   */
  located<T>(fn: (counting: IncidentCounting) => Promise<T>): Promise<T>;
  /**
   * Runs fn counting rows that keep every column of the records the analyses read besides
   * those of the filters: the location text and point (`i.longitude`, `i.latitude`,
   * `p.easting`, `p.northing`), the times, the people, the flags, the location type and the
   * offence code.
   */
  detailed<T>(fn: (counting: IncidentCounting) => Promise<T>): Promise<T>;
  /**
   * The hot spot analysis's points of a selection, worked out without a query when the counting
   * holds its groups in memory and every filter is one it can read there; undefined otherwise
   * (the analysis then asks its SQL). The same rows as the SQL, always.
   */
  hotspotPoints?(request: PointsRequest): Promise<PointRows | undefined>;
  /**
   * The counts of a selection by each of several dimensions in turn (what `countIncidentsEach`
   * counts), worked out without a query as `hotspotPoints`; undefined when the counting cannot.
   */
  heldCounts?(
    names: readonly Dimension[],
    selection: HeldSelection,
  ): Promise<HeldCount[][] | undefined>;
}

/** A selection as groups held in memory read it: its filters, their dimensions and parameters. */
export interface HeldSelection {
  filters: readonly CountFilter[];
  dimensions: readonly Dimension[];
  /** The parameters the selection's SQL is given besides its values (a definition's). */
  params: Readonly<Record<string, DuckDBValue>>;
}

/** One value's records, and how many of them come from synthetic batches. */
export interface HeldCount {
  value: string | null;
  n: number;
  synthetic: number;
}

/** Counting the workspace's records themselves. */
export function recordCounting(ws: Workspace): IncidentCounting {
  const counting: IncidentCounting = {
    db: ws.db,
    count: (filter) => (filter === undefined ? 'count(*)' : `count(*) FILTER (WHERE ${filter})`),
    located: (fn) => fn(counting),
    detailed: (fn) => fn(counting),
  };
  return counting;
}
