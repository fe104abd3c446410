/**
 * Every measure of the strategy evaluated to one month of data: the month given, else the latest
 * month the workspace holds data for (never later than today), announced either way. A rate
 * measure uses the most recent population dataset unless told otherwise, announced too.
 */
import type { Clock } from '../core/clock.js';
import { usageError } from '../core/errors.js';
import { addMonths, isMonth } from '../core/months.js';
import type { Reporter } from '../core/reporter.js';
import { checkPlacement } from '../geo/derivedDataState.js';
import { chooseDataset, type PopulationDataset } from '../geo/population/populationByArea.js';
import type { Workspace } from '../store/openWorkspace.js';
import { evaluateMeasure, type MeasureResult } from './evaluateMeasure.js';
import { resolveMeasure } from './presets.js';
import type { StrategyFile } from './schema.js';

export interface EvaluateOptions {
  reporter: Reporter;
  clock: Clock;
  cwd: string;
  /** Last month of data (YYYY-MM); default: the latest month with data, not after today. */
  to?: string;
  population?: string;
  /** Only these measures. */
  only?: readonly string[];
}

export interface MeasuresResult {
  dataTo: string;
  dataToBasis: 'given' | 'latest-data';
  evaluatedAt: string;
  measures: MeasureResult[];
}

export async function resolveDataTo(
  ws: Workspace,
  options: Pick<EvaluateOptions, 'to' | 'clock' | 'reporter'>,
): Promise<{ to: string; basis: 'given' | 'latest-data' }> {
  if (options.to !== undefined) {
    if (!isMonth(options.to))
      throw usageError(
        'BAD_MONTH',
        `--to ${options.to} is not a month`,
        'write YYYY-MM, e.g. 2024-03',
      );
    return { to: options.to, basis: 'given' };
  }
  const today = options.clock.now().toISOString().slice(0, 7);
  const latest = await ws.db.value<string | null>(
    `SELECT strftime(max(month), '%Y-%m') FROM incidents WHERE month <= CAST($today || '-01' AS DATE)`,
    { today },
  );
  const to = latest ?? addMonths(today, -1);
  options.reporter.info(
    latest === null || latest === undefined
      ? `no data in the workspace: measures evaluated to ${to}, last month (change with --to)`
      : `measures evaluated to ${to}, the latest month with data (change with --to)`,
  );
  return { to, basis: options.to === undefined ? 'latest-data' : 'given' };
}

export async function evaluateMeasures(
  ws: Workspace,
  file: StrategyFile,
  options: EvaluateOptions,
): Promise<MeasuresResult> {
  const { reporter } = options;
  const wanted = file.priorities.flatMap((p) =>
    (p.measures ?? [])
      .filter((m) => options.only === undefined || options.only.includes(m.id))
      .map((m) => ({ priority: p.id, measure: m })),
  );
  if (options.only !== undefined) {
    const known = file.priorities.flatMap((p) => (p.measures ?? []).map((m) => m.id));
    const unknown = options.only.filter((id) => !known.includes(id));
    if (unknown.length > 0)
      throw usageError(
        'UNKNOWN_MEASURE',
        `no measure "${unknown[0]}" in the strategy`,
        `use one of: ${known.join(', ')}`,
      );
  }
  const { to, basis } = await resolveDataTo(ws, options);
  const resolved = wanted.map((w) => resolveMeasure(w.measure));
  if (resolved.some((m) => m.area !== undefined)) await checkPlacement(ws);
  let population: PopulationDataset | null = null;
  if (resolved.some((m) => (m.metric ?? 'count') === 'rate')) {
    const loaded = await ws.db.value<number>(`SELECT count(*) FROM population_datasets`);
    if ((loaded ?? 0) > 0) population = await chooseDataset(ws, options.population, reporter);
  }
  const measures: MeasureResult[] = [];
  for (const w of wanted)
    measures.push(
      await evaluateMeasure(ws, w.priority, w.measure, {
        reporter,
        cwd: options.cwd,
        to,
        population,
      }),
    );
  return {
    dataTo: to,
    dataToBasis: basis,
    evaluatedAt: options.clock.now().toISOString(),
    measures,
  };
}
