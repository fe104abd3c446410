/**
 * `analyseTrends`: the monthly series of the selected incidents and what it shows — totals by
 * financial year and quarter, rolling 12 months, the change between two periods, the
 * Mann–Kendall trend and the seasonal profile — with months the selected sources never
 * published as gaps. See summariseTrends for the statistics.
 */
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { Params, Warnings } from '../selection/analysisResult.js';
import { resolveSelection, type Selection } from '../selection/selection.js';
import { monthStatuses, selectionCoverage } from '../selection/selectionCoverage.js';
import { warnAboutSelection } from '../selection/selectionWarnings.js';
import { SvdError } from '../../core/errors.js';
import { formatMonthRange, formatRuns } from '../../core/months.js';
import { summariseTrends } from './summariseTrends.js';
import type { AnalysisResult, MonthRange, TrendsResult } from '../../api/analyses.js';
import type { CountsDefinition } from '../../definitions/countsDefinition.js';
import { recordCounting, type IncidentCounting } from '../counts/incidentCounting.js';

export interface TrendsOptions {
  compare?: { earlier: MonthRange; later: MonthRange };
  confidence?: number;
  smallCount?: number;
}

export async function analyseTrends(
  ws: Workspace,
  selection: Selection,
  options: TrendsOptions,
  context: {
    cwd: string;
    reporter: Reporter;
    /** The classified definition a spec names (default `countsDefinition`; a server keeps it). */
    definition?: (ws: Workspace, spec: string) => Promise<CountsDefinition>;
    /** Where the incidents are counted (default: the workspace's records). */
    counting?: IncidentCounting;
  },
): Promise<AnalysisResult<TrendsResult>> {
  const params = new Params();
  const warnings = new Warnings();
  const counting = context.counting ?? recordCounting(ws);
  const resolved = await resolveSelection(ws, selection, {
    cwd: context.cwd,
    reporter: context.reporter,
    params,
    ...(context.definition === undefined ? {} : { definition: context.definition }),
  });
  const selected = await warnAboutSelection(ws, resolved, warnings, counting);
  const coverage = await selectionCoverage(ws, selection, counting);
  if (coverage.first === null || coverage.last === null)
    throw new SvdError({
      kind: 'workspace',
      code: 'NOTHING_HELD',
      message: 'the workspace holds no incidents of the selected sources',
      fix: 'ingest data first (svd ingest --help), or widen --where source=… / force=…',
    });
  const from = params.resolve('from', selection.from, () => ({
    value: coverage.first!,
    explanation: 'the first month the selected sources hold',
  }));
  const to = params.resolve('to', selection.to, () => ({
    value: coverage.last!,
    explanation: 'the last month the selected sources hold',
  }));
  params.given(
    'coverage',
    coverage.units.map((u) => ({
      source: u.source,
      force: u.force,
      basis: u.basis,
      first: u.months[0] ?? null,
      last: u.months.at(-1) ?? null,
      months: u.months.length,
    })),
  );
  for (const u of coverage.units) {
    const empty = u.emptyInBatches.filter((m) => m >= from && m <= to);
    if (empty.length > 0)
      warnings.add(
        'EMPTY_MONTHS_IN_BATCH',
        `${u.source} (${u.force}) has no record in ${empty.length} month${empty.length === 1 ? '' : 's'} inside the span of its batches (${formatRuns(empty)}): taken as not held, not as zero`,
      );
  }
  const confidence = params.resolve('confidence', options.confidence, () => ({
    value: 0.95,
    explanation: 'the usual 95%',
  }));
  const smallCount = params.resolve('smallCount', options.smallCount, () => ({
    value: 10,
    explanation: 'counts below 10 are flagged as small, as svd rates does',
  }));
  if (options.compare !== undefined) params.given('compare', options.compare);
  params.given(
    'timeBasis',
    'calendar months of the record (police.uk: the month published; force extracts: the month of the committed-from date, or of the recorded date under month_basis: recorded)',
  );
  const rows = await counting.db.all<{ month: string; n: number }>(
    `SELECT strftime(i.month, '%Y-%m') AS month, ${counting.count()} AS n FROM ${resolved.sql.from}
      WHERE ${resolved.sql.where} GROUP BY 1`,
    resolved.sql.params,
  );
  const held = new Map(rows.map((r) => [r.month, r.n]));
  const statuses = monthStatuses(coverage, from, to);
  const { result, notes } = summariseTrends(
    statuses.map((s) => ({ month: s.month, status: s.status, held: held.get(s.month) ?? 0 })),
    {
      ...(options.compare === undefined ? {} : { compare: options.compare }),
      confidence,
      smallCount,
      minTrendMonths: 4,
    },
  );
  params.given(
    'trendTest',
    "Mann–Kendall over complete months (exact without ties below 50 months, else normal with tie correction and continuity correction); Sen's slope with the Gilbert (1987) interval",
  );
  params.given(
    'changeTest',
    'exact conditional test for two Poisson counts with days as exposure; Clopper–Pearson interval for the rate ratio (as R poisson.test)',
  );
  for (const a of notes.automatic) params.automatic(a.name, a.value, a.explanation);
  for (const w of notes.warnings) warnings.add(w.code, w.message);
  const outside = [...held.entries()].filter(([m]) => m < from || m > to);
  if (outside.length > 0 && selected.total > 0)
    warnings.add(
      'OUTSIDE_PERIOD',
      `${outside.reduce((s, [, n]) => s + n, 0).toLocaleString('en-GB')} selected incidents fall outside ${formatMonthRange(from, to)}`,
    );
  return { result, params: params.all(), warnings: warnings.list() };
}
