/**
 * `svd counts`: incidents counted by any combination of dimensions, optionally filtered.
 * Filters are `DIM=VALUE` (repeat a dimension for "any of"), `DIM=FROM..TO` for ordered
 * dimensions such as month, and `DIM=` for "no value".
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { usageError } from '../../core/errors.js';
import type { DefinitionMeta } from '../../api/definitions.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { CountFilter, Dimension } from '../../core/dimension.js';
import { DIMENSIONS, findDimension } from '../selection/dimensions.js';
import { incidentFilterSql } from '../selection/incidentFilter.js';
import { narrowingsOf } from '../selection/narrowedSelection.js';
import { recordCounting, SYNTHETIC_RECORD, type IncidentCounting } from './incidentCounting.js';

export interface CountsQuery {
  by: string[];
  where: CountFilter[];
}

export type CountRow = Record<string, string | number | null> & { n: number };

export interface CountsResult {
  by: string[];
  rows: CountRow[];
  total: number;
  /** How many of the counted incidents come from synthetic (generated) batches. */
  syntheticTotal: number;
}

/** Parses `--where` arguments into filters, merging repeats of one dimension. */
export function parseWhere(
  args: readonly string[],
  dimensions: readonly Dimension[] = DIMENSIONS,
): CountFilter[] {
  const filters = new Map<string, CountFilter>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      throw usageError(
        'BAD_WHERE',
        `--where ${JSON.stringify(arg)} is not DIM=VALUE`,
        'write e.g. --where force=thames-valley or --where month=2024-01..2024-03',
      );
    }
    const name = arg.slice(0, eq).trim();
    const value = arg.slice(eq + 1);
    const dimension = findDimension(name, dimensions);
    const filter = filters.get(name) ?? { dimension: name, values: [] };
    const range = /^(.+)\.\.(.+)$/.exec(value);
    if (range !== null && dimension.ordered === true) {
      for (const end of [range[1]!, range[2]!]) {
        const problem = dimension.validate?.(end);
        if (problem !== undefined) throw usageError('BAD_WHERE', `--where ${name}: ${problem}`);
      }
      filter.range = { from: range[1]!, to: range[2]! };
    } else {
      const problem = value === '' ? undefined : dimension.validate?.(value);
      if (problem !== undefined) throw usageError('BAD_WHERE', `--where ${name}: ${problem}`);
      filter.values.push(value === '' ? null : value);
    }
    filters.set(name, filter);
  }
  return [...filters.values()];
}

export function parseBy(text: string, dimensions: readonly Dimension[] = DIMENSIONS): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0)
    throw usageError('BAD_BY', '--by needs at least one dimension', `e.g. --by month,crime_type`);
  for (const name of names) findDimension(name, dimensions);
  if (new Set(names).size !== names.length)
    throw usageError('BAD_BY', `--by names a dimension twice: ${text}`);
  return names;
}

export interface CountsContext {
  dimensions?: readonly Dimension[];
  /** Values for parameters that dimensions' SQL or joins refer to (e.g. a definition hash). */
  params?: Record<string, DuckDBValue>;
  /** Where the incidents are counted (default: the workspace's records). */
  counting?: IncidentCounting;
}

export async function countIncidents(
  ws: Workspace,
  query: CountsQuery,
  context: CountsContext = {},
): Promise<CountsResult> {
  const counting = context.counting ?? recordCounting(ws);
  const { rows, synthetic } = await groupedCounts(counting, query.by, query.where, context);
  const dimensions = context.dimensions ?? DIMENSIONS;
  if (!query.by.some((name) => findDimension(name, dimensions).several !== undefined))
    return {
      by: query.by,
      rows,
      total: rows.reduce((s, r) => s + r.n, 0),
      syntheticTotal: synthetic,
    };
  // Grouped by partnerships, which nest, the groups overlap: the total is of the records selected,
  // each counted once, not the sum of the groups.
  const whole = await groupedCounts(counting, [], query.where, context);
  return {
    by: query.by,
    rows,
    total: whole.rows[0]?.n ?? 0,
    syntheticTotal: whole.synthetic,
  };
}

/** The records the filters select, by `by` (one row, when `by` is empty), and how many are synthetic. */
async function groupedCounts(
  counting: IncidentCounting,
  by: readonly string[],
  where: readonly CountFilter[],
  context: CountsContext,
): Promise<{ rows: CountRow[]; synthetic: number }> {
  const dimensions = context.dimensions ?? DIMENSIONS;
  const select = by.map((name) => `${findDimension(name, dimensions).sql} AS "${name}", `);
  const filter = incidentFilterSql(where, dimensions, {
    alsoUsing: by,
    ...(context.params === undefined ? {} : { params: context.params }),
    narrowings: narrowingsOf(counting.db),
  });
  // One scan: each group's count, and how many of them come from synthetic batches.
  const sql = `SELECT ${select.join('')}${counting.count()} AS n,
        ${counting.count(SYNTHETIC_RECORD)} AS __synthetic
      FROM ${filter.from} WHERE ${filter.where}
      ${by.length === 0 ? '' : `GROUP BY ALL ORDER BY ${by.map((_, i) => `${i + 1} NULLS LAST`).join(', ')}`}`;
  const counted = await counting.db.allMemo<CountRow & { __synthetic: number }>(sql, filter.params);
  let synthetic = 0;
  const rows = counted.map(({ __synthetic, ...row }) => {
    synthetic += Number(__synthetic);
    return { ...row, n: Number(row.n) } as CountRow;
  });
  return { rows, synthetic };
}

/**
 * The counts of one selection by each of several dimensions in turn — what `countIncidents` gives
 * for `by: [name]`, for each name — from one scan of the records (GROUPING SETS), not one each.
 */
export async function countIncidentsEach<const N extends readonly string[]>(
  ws: Workspace,
  names: N,
  where: readonly CountFilter[],
  context: CountsContext = {},
): Promise<{ [K in keyof N]: CountsResult }> {
  return (await countEach(ws, names, where, context)) as { [K in keyof N]: CountsResult };
}

async function countEach(
  ws: Workspace,
  names: readonly string[],
  where: readonly CountFilter[],
  context: CountsContext,
): Promise<CountsResult[]> {
  if (names.length === 0) return [];
  if (new Set(names).size !== names.length)
    throw new Error(`countIncidentsEach: a dimension named twice: ${names.join(', ')}`);
  const dimensions = context.dimensions ?? DIMENSIONS;
  const counting = context.counting ?? recordCounting(ws);
  // A dimension whose values nest (partnerships) is counted apart: its join gives a record a row
  // for each of its values, and would count the record that many times in the other groupings.
  const apart = names.filter((name) => findDimension(name, dimensions).several !== undefined);
  if (apart.length > 0) {
    const rest = names.filter((name) => !apart.includes(name));
    const counted = new Map<string, CountsResult>();
    (await countEach(ws, rest, where, context)).forEach((r, k) => counted.set(rest[k]!, r));
    const whole = rest.length === 0 ? undefined : counted.get(rest[0]!);
    for (const name of apart)
      counted.set(
        name,
        whole === undefined
          ? await countIncidents(ws, { by: [name], where: [...where] }, { ...context, counting })
          : {
              by: [name],
              // Each record is in one group of another dimension: its total is of the records.
              rows: (await groupedCounts(counting, [name], where, context)).rows,
              total: whole.total,
              syntheticTotal: whole.syntheticTotal,
            },
      );
    return names.map((name) => counted.get(name)!);
  }
  // The groups held in memory (the dashboard's aggregate) answer without a query when they can.
  const held = await counting.heldCounts?.(
    names.map((name) => findDimension(name, dimensions)),
    { filters: where, dimensions, params: context.params ?? {} },
  );
  if (held !== undefined)
    return held.map((values, k) => {
      const name = names[k]!;
      return {
        by: [name],
        rows: values.map((v) => ({ [name]: v.value, n: v.n }) as CountRow),
        total: values.reduce((sum, v) => sum + v.n, 0),
        syntheticTotal: values.reduce((sum, v) => sum + v.synthetic, 0),
      };
    });
  const sqls = names.map((name) => findDimension(name, dimensions).sql);
  const filter = incidentFilterSql(where, dimensions, {
    alsoUsing: names,
    ...(context.params === undefined ? {} : { params: context.params }),
    narrowings: narrowingsOf(counting.db),
  });
  const sql = `SELECT ${sqls.map((sql, k) => `${sql} AS "${names[k]}"`).join(', ')},
        GROUPING(${sqls.join(', ')}) AS __set, ${counting.count()} AS n,
        ${counting.count(SYNTHETIC_RECORD)} AS __synthetic
      FROM ${filter.from} WHERE ${filter.where}
      GROUP BY GROUPING SETS (${sqls.map((sql) => `(${sql})`).join(', ')})
      ORDER BY ${names.length + 1}, ${names.map((_, k) => `${k + 1} NULLS LAST`).join(', ')}`;
  const rows = await counting.db.allMemo<Record<string, string | number | null>>(
    sql,
    filter.params,
  );
  // GROUPING(a, b, …) has a bit per argument, the first the highest, set where it is not grouped;
  // the rows come ordered by set, then as countIncidents orders them.
  const all = 2 ** names.length - 1;
  return names.map((name, k) => {
    const set = all - 2 ** (names.length - 1 - k);
    let synthetic = 0;
    const counted: CountRow[] = [];
    for (const r of rows) {
      if (Number(r['__set']) !== set) continue;
      synthetic += Number(r['__synthetic']);
      counted.push({ [name]: r[name] ?? null, n: Number(r['n']) } as CountRow);
    }
    return {
      by: [name],
      rows: counted,
      total: counted.reduce((sum, r) => sum + r.n, 0),
      syntheticTotal: synthetic,
    };
  });
}

/** Count rows labelled with the definition they were counted under (`svd counts --json`, /api/counts). */
export function labelCountRows(
  rows: CountRow[],
  meta: DefinitionMeta | undefined,
): (CountRow | (CountRow & LabelledBy))[] {
  if (meta === undefined) return rows;
  return rows.map((r) => ({
    ...r,
    definition_id: meta.id,
    definition_version: meta.version,
    definition_hash: meta.content_hash,
    coverage: meta.coverage,
  }));
}

interface LabelledBy {
  definition_id: string;
  definition_version: number;
  definition_hash: string;
  coverage: DefinitionMeta['coverage'];
}
