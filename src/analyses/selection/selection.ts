/**
 * The workspace selection every analysis takes: a period of months, filters on any counts
 * dimension (area, source, crime type…), and optionally a classified definition and its tier.
 * It resolves to the same FROM … WHERE that `svd counts` uses, so the dashboard, the report and
 * the CLI select the same incidents for the same selection.
 */
import { definitionStamp } from '../../definitions/definitionLabel.js';
import type { DuckDBValue } from '@duckdb/node-api';
import { usageError } from '../../core/errors.js';
import type { Reporter } from '../../core/reporter.js';
import { isMonth } from '../../core/months.js';
import type { CountFilter } from '../../core/dimension.js';
import { DIMENSIONS } from './dimensions.js';
import { type Dimension } from '../../core/dimension.js';
import { narrowingsOf } from './narrowedSelection.js';
import { incidentFilterSql, type IncidentFilterSql } from './incidentFilter.js';
import { countsDefinition, type CountsDefinition } from '../../definitions/countsDefinition.js';
import {
  refuseTiersWithoutDefinition,
  TIER_DIMENSIONS,
  TIER_DIMENSION_NAMES,
} from '../../definitions/tierDimensions.js';
import { usesAreas } from '../../geo/areaDimensions.js';
import { checkGeography, checkPlacement } from '../../geo/derivedDataState.js';
import { checkAreaFilters, resolveAreaOption, type ResolvedArea } from '../../geo/resolveArea.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { Params } from './analysisResult.js';

export interface Selection {
  /** First and last month, inclusive (YYYY-MM); either may be open. */
  from?: string;
  to?: string;
  /** Filters on counts dimensions, e.g. district=Oxford, source=force-extract, tier=primary. */
  where?: CountFilter[];
  /** A classified definition (`ID`, `ID@VERSION` or a file); required for tier filters. */
  definition?: string;
  /** `--area`: a bare code or name of any level, or LEVEL=VALUE (see resolveAreaOption). */
  area?: string;
}

export interface ResolvedSelection {
  sql: IncidentFilterSql;
  /** The filters the SQL applies, the period included (for core functions that take filters). */
  where: CountFilter[];
  dimensions: readonly Dimension[];
  definition: CountsDefinition | undefined;
}

export async function resolveSelection(
  ws: Workspace,
  selection: Selection,
  context: {
    cwd: string;
    reporter: Reporter;
    params?: Params;
    alsoUsing?: readonly string[];
    /** The classified definition a spec names (default `countsDefinition`; a server keeps it). */
    definition?: (ws: Workspace, spec: string) => Promise<CountsDefinition>;
  },
): Promise<ResolvedSelection> {
  for (const [name, value] of [
    ['from', selection.from],
    ['to', selection.to],
  ] as const) {
    if (value !== undefined && !isMonth(value))
      throw usageError(
        'BAD_PERIOD',
        `--${name} ${JSON.stringify(value)} is not a month`,
        `give --${name} as YYYY-MM`,
      );
  }
  if (selection.from !== undefined && selection.to !== undefined && selection.from > selection.to)
    throw usageError(
      'BAD_PERIOD',
      `--from ${selection.from} is after --to ${selection.to}`,
      'swap them',
    );
  const where = [...(selection.where ?? [])];
  let area: ResolvedArea | undefined;
  if (selection.area !== undefined) {
    if (ws.placementMaintained !== true) await checkGeography(ws);
    area = await resolveAreaOption(ws, selection.area, context.reporter);
    where.push(area.filter);
  }
  const named = [...where.map((w) => w.dimension), ...(context.alsoUsing ?? [])];
  refuseTiersWithoutDefinition(named, selection.definition);
  const dimensions =
    selection.definition === undefined ? DIMENSIONS : [...DIMENSIONS, ...TIER_DIMENSIONS];
  let definition: CountsDefinition | undefined;
  let params: Record<string, DuckDBValue> = {};
  if (selection.definition !== undefined) {
    definition =
      context.definition === undefined
        ? await countsDefinition(ws, selection.definition, context.cwd)
        : await context.definition(ws, selection.definition);
    params = definition.params;
    for (const n of definition.notes) context.reporter.info(n);
  }
  if (selection.from !== undefined || selection.to !== undefined) {
    where.push({
      dimension: 'month',
      values: [],
      range: { from: selection.from ?? '0001-01', to: selection.to ?? '9999-12' },
    });
  }
  if (usesAreas(named)) await checkPlacement(ws);
  await checkAreaFilters(ws, selection.where ?? []);
  context.params?.given('selection', {
    from: selection.from ?? null,
    to: selection.to ?? null,
    where: selection.where ?? [],
    ...(area === undefined
      ? {}
      : { area: { given: selection.area, level: area.level, code: area.code, name: area.name } }),
    definition: definition === undefined ? null : definitionStamp(definition.meta),
  });
  return {
    where,
    sql: incidentFilterSql(where, dimensions, {
      // The definition's parameters only when a tier dimension reads them: the parameters given
      // also decide which narrowing covers a query (one made without a tier was given none).
      params: named.some((n) => TIER_DIMENSION_NAMES.includes(n)) ? params : {},
      ...(context.alsoUsing === undefined ? {} : { alsoUsing: context.alsoUsing }),
      narrowings: narrowingsOf(ws.db),
    }),
    dimensions,
    definition,
  };
}

/**
 * The definition's parameters for a count or rate of the selection, only when a tier filter
 * reads them: DuckDB refuses a statement given a named parameter it does not use.
 */
export function definitionParams(resolved: ResolvedSelection): {
  params?: Record<string, DuckDBValue>;
} {
  return resolved.definition === undefined ||
    !resolved.where.some((w) => TIER_DIMENSION_NAMES.includes(w.dimension))
    ? {}
    : { params: resolved.definition.params };
}
