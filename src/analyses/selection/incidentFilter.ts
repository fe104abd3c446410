/**
 * The FROM … WHERE of a query over incidents, from dimension filters: the joins the dimensions
 * need (each once) and parameterised conditions. `svd counts` and every analysis select their
 * incidents through it, so a filter means the same everywhere.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { findDimension } from './dimensions.js';
import { type Dimension } from '../../core/dimension.js';
import type { CountFilter } from '../../core/dimension.js';

export interface IncidentFilterSql {
  /** `incidents i` and the joins needed, ready to follow FROM. */
  from: string;
  /** The conditions joined by AND, or `true`. */
  where: string;
  params: Record<string, DuckDBValue>;
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
  } = {},
): IncidentFilterSql {
  const prefix = options.prefix ?? 'f';
  const params: Record<string, DuckDBValue> = { ...options.params };
  const used = [...(options.alsoUsing ?? []), ...filters.map((w) => w.dimension)].map((n) =>
    findDimension(n, dimensions),
  );
  const joins = new Map<string, string>();
  for (const d of used)
    for (const [key, join] of Object.entries(d.joins ?? {})) joins.set(key, join);
  const conditions = filters.map((filter, i) => {
    const sql = findDimension(filter.dimension, dimensions).sql;
    if (filter.range !== undefined) {
      params[`${prefix}lo${i}`] = filter.range.from;
      params[`${prefix}hi${i}`] = filter.range.to;
      return `(${sql} BETWEEN $${prefix}lo${i} AND $${prefix}hi${i})`;
    }
    const parts = filter.values.map((value, j) => {
      if (value === null) return `${sql} IS NULL`;
      params[`${prefix}v${i}_${j}`] = value;
      return `${sql} = $${prefix}v${i}_${j}`;
    });
    return `(${parts.join(' OR ')})`;
  });
  return {
    from: `incidents i ${[...joins.values()].join(' ')}`,
    where: conditions.length > 0 ? conditions.join(' AND ') : 'true',
    params,
  };
}
