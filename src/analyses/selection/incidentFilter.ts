/**
 * The FROM … WHERE of a query over incidents, from dimension filters: the joins the dimensions
 * need (each once) and parameterised conditions. `svd counts` and every analysis select their
 * incidents through it, so a filter means the same everywhere.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { findDimension } from './dimensions.js';
import { valueKey } from '../../core/valueKey.js';
import { type Dimension } from '../../core/dimension.js';
import type { CountFilter } from '../../core/dimension.js';

export interface IncidentFilterSql {
  /** `incidents i` and the joins needed, ready to follow FROM. */
  from: string;
  /** The conditions joined by AND, or `true`. */
  where: string;
  params: Record<string, DuckDBValue>;
  /** The parameters given (`options.params`), without those made for the filters' values. */
  given: Record<string, DuckDBValue>;
}

/**
 * A table of the ids of every record some filters select (src/analyses/selection/narrowedSelection.ts).
 * A query whose filters include all of them — each on the same dimension with the same values,
 * and the same parameters given — selects only records among those ids, so it may read the
 * records through the table: the same answer, without joining every record of the workspace.
 */
export interface Narrowing {
  /** The table of ids (column `id`), on the connection the query will run on. */
  readonly table: string;
  /** The filters, each with the dimension it was read through. */
  readonly filters: readonly { readonly filter: CountFilter; readonly dimension: Dimension }[];
  /** The parameters their SQL was given besides those made for the values (a definition's). */
  readonly params: Readonly<Record<string, DuckDBValue>>;
}

export function incidentFilterSql(
  filters: readonly CountFilter[],
  dimensions: readonly Dimension[],
  options: {
    /** Dimensions whose joins are needed for other reasons (e.g. grouped by). */
    alsoUsing?: readonly string[];
    params?: Record<string, DuckDBValue>;
    /** Prefix of generated parameter names, so several filters can share one query. */
    prefix?: string;
    /** Tables of records known to include those selected (the first that covers them is read). */
    narrowings?: readonly Narrowing[];
  } = {},
): IncidentFilterSql {
  const prefix = options.prefix ?? 'f';
  const params: Record<string, DuckDBValue> = { ...options.params };
  const alsoUsing = (options.alsoUsing ?? []).map((n) => findDimension(n, dimensions));
  const joins = new Map<string, string>();
  const join = (d: Dimension, keys?: readonly string[]): void => {
    for (const [key, sql] of Object.entries(d.joins ?? {}))
      if (keys === undefined || keys.includes(key)) joins.set(key, sql);
  };
  for (const d of alsoUsing) join(d);
  const grouped = new Set(joins.keys());
  const semi = filters.map((filter) =>
    semiJoined(filter, findDimension(filter.dimension, dimensions), grouped),
  );
  filters.forEach((filter, i) => {
    const dimension = findDimension(filter.dimension, dimensions);
    join(dimension, semi[i] ? dimension.several?.requires : undefined);
  });
  // The joins some filter needs matched (made inner joins, placed first).
  const inner = new Set<string>();
  const conditions = filters.map((filter, i) => {
    const dimension = findDimension(filter.dimension, dimensions);
    if (rejectsUnmatched(filter, dimension.unmatched ?? null))
      for (const key of (semi[i] ? dimension.several?.requires : dimension.requires) ?? [])
        inner.add(key);
    const several = dimension.several;
    if (semi[i] && several !== undefined) {
      const named = filter.values.flatMap((value, j) => {
        if (value === null) return [];
        params[`${prefix}v${i}_${j}`] = value;
        return [`$${prefix}v${i}_${j}`];
      });
      const parts = [several.anyOf(named)];
      if (filter.values.includes(null)) parts.push(several.none);
      return `(${parts.join(' OR ')})`;
    }
    const sql = dimension.sql;
    if (filter.range !== undefined) {
      const { from, to } = filter.range;
      params[`${prefix}lo${i}`] = from;
      params[`${prefix}hi${i}`] = to;
      const valid = (v: string): boolean => dimension.validate?.(v) === undefined;
      if (dimension.between !== undefined && valid(from) && valid(to))
        return `(${dimension.between(`$${prefix}lo${i}`, `$${prefix}hi${i}`)})`;
      return `(${sql} BETWEEN $${prefix}lo${i} AND $${prefix}hi${i})`;
    }
    const parts = filter.values.map((value, j) => {
      if (value === null) return `${sql} IS NULL`;
      params[`${prefix}v${i}_${j}`] = value;
      return `${sql} = $${prefix}v${i}_${j}`;
    });
    return `(${parts.join(' OR ')})`;
  });
  const given = { ...options.params };
  const narrowing = options.narrowings?.find((n) => covers(n, filters, dimensions, given));
  const ordered = orderedJoins(joins, inner);
  return {
    from:
      narrowing === undefined
        ? `incidents i ${ordered.join(' ')}`
        : `(SELECT * FROM incidents WHERE id IN (SELECT id FROM ${narrowing.table})) i ${ordered.map((j) => narrowedJoin(j, narrowing.table)).join(' ')}`,
    where: conditions.length > 0 ? conditions.join(' AND ') : 'true',
    params,
    given,
  };
}

/** A join of a table of one row per record and more (its place, its classifications) on the record's id. */
const JOIN_ON_RECORD =
  /^(\s*(?:LEFT\s+)?JOIN\s+)(incident_places|incident_classifications)\s+(\w+)(\s+ON\s+\3\.incident_id\s*=\s*i\.id\b)/;

/**
 * A join of the records' places or classifications, reading only the rows of the narrowed ids:
 * it joins on the record's id, and the records read are those ids, so no other row could match.
 * Any other join is left as it is.
 */
function narrowedJoin(join: string, table: string): string {
  return join.replace(
    JOIN_ON_RECORD,
    (_all, head: string, name: string, alias: string, on: string) =>
      `${head}(SELECT * FROM ${name} WHERE incident_id IN (SELECT id FROM ${table})) ${alias}${on}`,
  );
}

/**
 * Whether every filter of the narrowing is among `filters` (the same dimension, values and range)
 * and every parameter it was given is given the same value: every record the filters select is
 * then one of its ids.
 */
function covers(
  narrowing: Narrowing,
  filters: readonly CountFilter[],
  dimensions: readonly Dimension[],
  given: Readonly<Record<string, DuckDBValue>>,
): boolean {
  const same = (a: unknown, b: unknown): boolean => valueKey(a) === valueKey(b);
  for (const [name, value] of Object.entries(narrowing.params))
    if (!Object.hasOwn(given, name) || !same(given[name], value)) return false;
  return narrowing.filters.every(({ filter, dimension }) =>
    filters.some(
      (f) =>
        f.dimension === filter.dimension &&
        findDimension(f.dimension, dimensions) === dimension &&
        same(f.values, filter.values) &&
        same(f.range ?? null, filter.range ?? null),
    ),
  );
}

/**
 * Whether a filter is written as a condition on the record (a semi-join): of several values of a
 * dimension one record may take several of (nested partnerships, tiers matched), when no grouping
 * makes its join. The join would give a record in two of the values two rows, and count it twice;
 * one value matches one row of the record at most, and a grouping by the dimension counts each of
 * its values apart (its join stays).
 */
function semiJoined(
  filter: CountFilter,
  dimension: Dimension,
  grouped: ReadonlySet<string>,
): boolean {
  if (dimension.several === undefined || filter.range !== undefined) return false;
  if (filter.values.filter((v) => v !== null).length < 2) return false;
  return !grouped.has(dimension.several.join);
}

/** Whether a filter drops every record whose dimension takes the value `unmatched`. */
function rejectsUnmatched(filter: CountFilter, unmatched: string | null): boolean {
  // `x BETWEEN a AND b` is never true of NULL; of a value, it depends on the bounds' collation.
  if (filter.range !== undefined) return unmatched === null;
  return !filter.values.includes(unmatched);
}

/**
 * The joins, those in `inner` first and made inner joins, the rest after them as given. A filter
 * drops every record such a join does not match, so the two forms select the same records, and
 * the inner form lets the database join the few records selected rather than all of them. Each
 * dimension's required joins depend only on one another, so moving them first keeps every join
 * after those it refers to.
 */
function orderedJoins(joins: ReadonlyMap<string, string>, inner: ReadonlySet<string>): string[] {
  const first: string[] = [];
  const rest: string[] = [];
  for (const [key, join] of joins) {
    if (!inner.has(key)) rest.push(join);
    else if (/^\s*LEFT JOIN\b/.test(join)) first.push(join.replace(/^\s*LEFT JOIN\b/, 'JOIN'));
    else throw new Error(`join ${key} is required by a dimension but is not a LEFT JOIN: ${join}`);
  }
  return [...first, ...rest];
}
