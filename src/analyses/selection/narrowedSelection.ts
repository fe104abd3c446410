/**
 * A selection narrowed once for the many counts that refine it. A report asks a dozen questions of
 * one selection (an area, a tier, a period): each joined every record of the workspace to its
 * place and classification again, seconds each at ten million records, to find the same few
 * thousand. Narrowing keeps the ids of the records the selection selects in a scratch table of
 * the connection; every later count whose filters include all of the selection's reads only
 * those records (`Narrowing`, src/analyses/selection/incidentFilter.ts). The answers are the
 * same: such a count selects no record outside them. The table describes the workspace until the
 * next statement that may write, and a statement naming it after that is refused (`Db.scratchTable`).
 */
import type { Db } from '../../store/db.js';
import type { CountFilter, Dimension } from '../../core/dimension.js';
import type { IncidentFilterSql, Narrowing } from './incidentFilter.js';
import { findDimension } from './dimensions.js';

/**
 * A selection is narrowed only when it keeps at most this share of the records: reading a
 * larger part through its ids gains little over reading them all.
 */
const MOST_KEPT = 0.25;

const held = new WeakMap<Db, Narrowing[]>();

/** The narrowings made on db's connection that still describe the workspace. */
export function narrowingsOf(db: Db): readonly Narrowing[] {
  const all = held.get(db);
  return all === undefined ? [] : all.filter((n) => db.scratchCurrent(n.table));
}

/** What a selection is resolved to: its filters, dimensions and SQL. */
interface ResolvedSelection {
  where: readonly CountFilter[];
  dimensions: readonly Dimension[];
  sql: IncidentFilterSql;
}

/**
 * Narrows the counts that refine `resolved` on db's connection, until `releaseNarrowings` or the
 * next write. Returns whether it did (not when the selection keeps most of the records).
 */
export async function narrowSelection(db: Db, resolved: ResolvedSelection): Promise<boolean> {
  return (await makeNarrowing(db, resolved)) !== undefined;
}

/**
 * Runs `work` with the counts that refine `resolved` narrowed, and drops the narrowing it made
 * when `work` ends, even on error (any other narrowing of the connection is left as it is).
 * `work` is told whether the selection was narrowed.
 */
export async function withNarrowedSelection<T>(
  db: Db,
  resolved: ResolvedSelection,
  work: (narrowed: boolean) => Promise<T>,
): Promise<T> {
  const narrowing = await makeNarrowing(db, resolved);
  try {
    return await work(narrowing !== undefined);
  } finally {
    if (narrowing !== undefined) {
      const left = (held.get(db) ?? []).filter((n) => n !== narrowing);
      if (left.length > 0) held.set(db, left);
      else held.delete(db);
      await db.dropScratch(narrowing.table);
    }
  }
}

async function makeNarrowing(db: Db, resolved: ResolvedSelection): Promise<Narrowing | undefined> {
  const { sql } = resolved;
  const table = await db.scratchTable(
    `SELECT i.id FROM ${sql.from} WHERE ${sql.where}`,
    sql.params,
  );
  const sizes = await db.one<{ kept: number; records: number }>(
    `SELECT (SELECT count(*) FROM ${table}) AS kept, (SELECT count(*) FROM incidents) AS records`,
  );
  if (sizes === undefined || sizes.kept > MOST_KEPT * sizes.records) {
    await db.dropScratch(table);
    return undefined;
  }
  const narrowing: Narrowing = {
    table,
    filters: resolved.where.map((filter) => ({
      filter,
      dimension: findDimension(filter.dimension, resolved.dimensions),
    })),
    params: sql.given,
  };
  held.set(db, [...narrowingsOf(db), narrowing]);
  return narrowing;
}

/** Drops the narrowings made on db's connection. */
export async function releaseNarrowings(db: Db): Promise<void> {
  const all = held.get(db) ?? [];
  held.delete(db);
  for (const n of all) await db.dropScratch(n.table);
}
