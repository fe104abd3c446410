/**
 * The filters a dashboard page carries in its address — period, area, definition and tier,
 * source — and the workspace selection they mean. An area is `LEVEL:CODE` (a district, a
 * community safety partnership or a force area); the selection and its counts are those of
 * `svd counts --where …` with the same filters.
 */
import { usageError } from '../../core/errors.js';
import { isMonth } from '../../core/months.js';
import type { Selection } from '../../analyses/selection/selection.js';
import type { CountFilter } from '../../core/dimension.js';
import { TIER_DIMENSION_NAMES } from '../../definitions/tierDimensions.js';
import { countsDefinition, type CountsDefinition } from '../../definitions/countsDefinition.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { IncidentCounting } from '../../analyses/counts/incidentCounting.js';
import type { IncidentAggregate } from './incidentAggregate.js';

export interface DashboardFilters {
  from?: string;
  to?: string;
  /** `district:E07000178`, `csp:safer-oxfordshire`, `force:thames-valley`, or `all`. */
  area?: string;
  /** A classified definition, `ID` or `ID@VERSION`. */
  definition?: string;
  tier?: string;
  source?: string;
}

export const AREA_FILTER_LEVELS = ['district', 'csp', 'force'] as const;
export type AreaFilterLevel = (typeof AREA_FILTER_LEVELS)[number];

/** The counts dimension an area filter of each level reads. */
const AREA_DIMENSION: Record<AreaFilterLevel, string> = {
  district: 'district_code',
  csp: 'csp_code',
  // The force area's code is the police.uk force slug (see the partnership configuration).
  force: 'force',
};

export function parseArea(area: string): { level: AreaFilterLevel; code: string } | null {
  if (area === '' || area === 'all') return null;
  const m = /^([a-z]+):(.+)$/.exec(area);
  if (m === null || !(AREA_FILTER_LEVELS as readonly string[]).includes(m[1]!))
    throw usageError(
      'BAD_AREA',
      `area ${JSON.stringify(area)} is not LEVEL:CODE`,
      `give e.g. district:E07000178, csp:safer-oxfordshire or force:thames-valley (levels: ${AREA_FILTER_LEVELS.join(', ')}), or all`,
    );
  return { level: m[1] as AreaFilterLevel, code: m[2]! };
}

/** The `--where` filters the dashboard filters mean, without the period and the tier. */
export function areaAndSourceFilters(filters: DashboardFilters): CountFilter[] {
  const where: CountFilter[] = [];
  const area = filters.area === undefined ? null : parseArea(filters.area);
  if (area !== null) where.push({ dimension: AREA_DIMENSION[area.level], values: [area.code] });
  if (filters.source !== undefined && filters.source !== '')
    where.push({ dimension: 'source', values: [filters.source] });
  return where;
}

export function checkFilters(filters: DashboardFilters): void {
  for (const [name, value] of [
    ['from', filters.from],
    ['to', filters.to],
  ] as const)
    if (value !== undefined && !isMonth(value))
      throw usageError('BAD_PERIOD', `${name} ${JSON.stringify(value)} is not a month`, 'YYYY-MM');
  if (filters.tier !== undefined && filters.definition === undefined)
    throw usageError('NEEDS_DEFINITION', 'a tier filter needs a definition', 'add definition=ID');
}

/** The workspace selection of the filters (what every analysis takes). */
export function filtersToSelection(
  filters: DashboardFilters,
  options: { withTier?: boolean } = {},
): Selection {
  checkFilters(filters);
  const where = areaAndSourceFilters(filters);
  if (options.withTier !== false && filters.tier !== undefined && filters.tier !== '')
    where.push({ dimension: 'tier', values: [filters.tier] });
  return {
    ...(filters.from === undefined ? {} : { from: filters.from }),
    ...(filters.to === undefined ? {} : { to: filters.to }),
    where,
    ...(filters.definition === undefined ? {} : { definition: filters.definition }),
  };
}

/** The selection as `svd counts --where` filters: the selection's filters and its months. */
export function selectionWhere(selection: Selection): CountFilter[] {
  const where = [...(selection.where ?? [])];
  if (selection.from !== undefined || selection.to !== undefined)
    where.push({
      dimension: 'month',
      values: [],
      range: { from: selection.from ?? '0001-01', to: selection.to ?? '9999-12' },
    });
  return where;
}

/**
 * The definition's query parameters when the filters or groupings use a tier dimension, else
 * none (DuckDB refuses parameters a statement does not use).
 */
export function tierParamsIfUsed<P>(
  names: readonly string[],
  params: P | undefined,
): P | undefined {
  return names.some((n) => TIER_DIMENSION_NAMES.includes(n)) ? params : undefined;
}

/** What the dashboard's functions need besides the workspace. */
export interface DashboardContext {
  cwd: string;
  /**
   * The classified definition a spec names (`countsDefinition`). A server passes one that keeps
   * the answer until the workspace changes: at ten million incidents it costs seconds.
   */
  definition?: (ws: Workspace, spec: string) => Promise<CountsDefinition>;
  /**
   * The pre-aggregated incidents of the workspace as it is now, when held: a server builds them
   * once per generation (decision 0081); without them, or when
   * they lack a definition asked for, the answers are counted from the records.
   */
  aggregate?: (ws: Workspace) => Promise<IncidentAggregate | undefined>;
  /** Keeps a part of an answer that no filter changes until the workspace changes. */
  keep?: <T>(ws: Workspace, key: string, compute: () => Promise<T>) => Promise<T>;
}

/**
 * Runs fn counting from the aggregate when it holds the classification of every definition
 * given, else from the records (counting undefined).
 */
export async function withCounting<T>(
  ws: Workspace,
  context: DashboardContext,
  definitions: readonly (CountsDefinition | undefined)[],
  fn: (counting: IncidentCounting | undefined) => Promise<T>,
): Promise<T> {
  const aggregate = await context.aggregate?.(ws);
  if (
    aggregate === undefined ||
    !definitions.every(
      (d) =>
        d === undefined ||
        aggregate.holds(String(d.params['cls_id']), Number(d.params['cls_version'])),
    )
  )
    return fn(undefined);
  return aggregate.read(fn);
}

/**
 * Runs fn counting from the aggregate when it holds the classification of the filters'
 * definition (when they name one), else from the records (counting undefined).
 */
export async function withFiltersCounting<T>(
  ws: Workspace,
  filters: DashboardFilters,
  context: DashboardContext,
  fn: (counting: IncidentCounting | undefined) => Promise<T>,
): Promise<T> {
  return withCounting(ws, context, [await filtersDefinition(ws, filters, context)], fn);
}

/** compute(), kept until the workspace changes where the context keeps answers. */
export function kept<T>(
  ws: Workspace,
  context: DashboardContext,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  return context.keep === undefined ? compute() : context.keep(ws, key, compute);
}

/** The classified definition the filters name, or undefined when they name none. */
export async function filtersDefinition(
  ws: Workspace,
  filters: DashboardFilters,
  context: DashboardContext,
): Promise<CountsDefinition | undefined> {
  return filters.definition === undefined
    ? undefined
    : definitionFor(ws, filters.definition, context);
}

export function definitionFor(
  ws: Workspace,
  spec: string,
  context: DashboardContext,
): Promise<CountsDefinition> {
  return context.definition === undefined
    ? countsDefinition(ws, spec, context.cwd)
    : context.definition(ws, spec);
}
