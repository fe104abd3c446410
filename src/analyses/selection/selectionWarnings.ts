/**
 * Warnings every analysis of incidents gives about what it selected: records from synthetic
 * batches, police.uk rows mixed with force extract rows (the same crimes twice), and a period
 * asked for (`--from`/`--to`) of which only some months are held.
 */
import { formatMonthRange, formatRuns, monthsHeldPhrase } from '../../core/months.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { Warnings } from './analysisResult.js';
import type { ResolvedSelection } from './selection.js';
import type { CountsResult } from '../counts/countIncidents.js';
import { monthStatuses, selectionCoverage } from './selectionCoverage.js';
import {
  recordCounting,
  SYNTHETIC_RECORD,
  type IncidentCounting,
} from '../counts/incidentCounting.js';

export interface PeriodHeld {
  from: string;
  to: string;
  /** Months of the period. */
  months: number;
  /** Months every selected source holds. */
  held: number;
  /** Months not fully held. */
  notHeld: string[];
}

/**
 * How much of the period a selection asks for is held (null when it asks for none: the period
 * is then the span of the months held). An open end is the first or last month held.
 */
export async function periodHeld(
  ws: Workspace,
  resolved: ResolvedSelection,
  counting?: IncidentCounting,
): Promise<PeriodHeld | null> {
  const range = resolved.where.find((w) => w.dimension === 'month' && w.range !== undefined)?.range;
  if (range === undefined) return null;
  const coverage = await selectionCoverage(
    ws,
    { where: resolved.where.filter((w) => w.dimension !== 'month') },
    counting,
  );
  if (coverage.first === null || coverage.last === null) return null;
  const from = range.from === '0001-01' ? coverage.first : range.from;
  const to = range.to === '9999-12' ? coverage.last : range.to;
  if (from > to) return null;
  const statuses = monthStatuses(coverage, from, to);
  return {
    from,
    to,
    months: statuses.length,
    held: statuses.filter((m) => m.status === 'complete').length,
    notHeld: statuses.filter((m) => m.status !== 'complete').map((m) => m.month),
  };
}

/** PART_PERIOD when the period the selection asks for is only partly held. */
export async function warnAboutPeriod(
  ws: Workspace,
  resolved: ResolvedSelection,
  warnings: Warnings,
  counting?: IncidentCounting,
): Promise<PeriodHeld | null> {
  const period = await periodHeld(ws, resolved, counting);
  if (period !== null && period.held < period.months)
    warnings.add(
      'PART_PERIOD',
      `the period asked for is only partly held: ${describePeriodHeld(period)}; every figure covers the months held only, and a total or rate over it is not a figure for the whole period (nor annual)`,
    );
  return period;
}

/** "Apr 2023 – Mar 2024: 3 of 12 months held (not held: Apr 2023 – Dec 2023)". */
export function describePeriodHeld(p: PeriodHeld): string {
  return `${formatMonthRange(p.from, p.to)}: ${monthsHeldPhrase(p.held, p.months)}${p.notHeld.length === 0 ? '' : ` (not held: ${formatRuns(p.notHeld)})`}`;
}

export interface SelectedSources {
  /** Incidents selected, by source. */
  bySource: Record<string, number>;
  total: number;
  synthetic: number;
}

export async function warnAboutSelection(
  ws: Workspace,
  resolved: ResolvedSelection,
  warnings: Warnings,
  /** Where the incidents are counted (default: the workspace's records). */
  counting: IncidentCounting = recordCounting(ws),
  /**
   * The selection counted by source, when the caller counted it in a scan of its own (with
   * `countIncidentsEach`, beside the other dimensions it needs); else it is counted here.
   */
  bySourceCounted?: CountsResult,
): Promise<SelectedSources> {
  let rows: { source: string; n: number }[];
  let synthetic: number;
  if (bySourceCounted !== undefined) {
    rows = bySourceCounted.rows.map((r) => ({ source: String(r['source']), n: r.n }));
    synthetic = bySourceCounted.syntheticTotal;
  } else {
    const counted = await counting.db.allMemo<{ source: string; n: number; synthetic: number }>(
      `SELECT i.source AS source, ${counting.count()} AS n,
              ${counting.count(SYNTHETIC_RECORD)} AS synthetic
         FROM ${resolved.sql.from} WHERE ${resolved.sql.where} GROUP BY 1 ORDER BY 1`,
      resolved.sql.params,
    );
    rows = counted;
    synthetic = counted.reduce((s, r) => s + r.synthetic, 0);
  }
  const bySource = Object.fromEntries(rows.map((r) => [r.source, r.n]));
  const total = rows.reduce((s, r) => s + r.n, 0);
  if (synthetic > 0)
    warnings.add(
      'SYNTHETIC',
      `${synthetic.toLocaleString('en-GB')} of the ${total.toLocaleString('en-GB')} incidents selected are SYNTHETIC (generated for tests and demonstrations, not real records)`,
    );
  if ((bySource['police-uk'] ?? 0) > 0 && (bySource['force-extract'] ?? 0) > 0)
    warnings.add(
      'MIXED_SOURCES',
      'the selection holds police.uk rows and force extract rows, which record the same crimes: choose one with --where source=police-uk or --where source=force-extract',
    );
  await warnAboutPeriod(ws, resolved, warnings, counting);
  return { bySource, total, synthetic };
}
