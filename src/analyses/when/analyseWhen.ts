/**
 * `analyseWhen`: when incidents happen — the hour × day-of-week matrix in Europe/London time, with
 * records known only within a committed-from/to range spread over the hours they cover (aoristic
 * apportionment, see aoristicWeights), and the seasonal pattern by calendar month. Records with no
 * time (every police.uk row: police.uk publishes the month only) are counted apart and reported;
 * when no selected record has a time, there is no matrix, and the result says why.
 */
import { recordCounting, type IncidentCounting } from '../counts/incidentCounting.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { Params, Warnings } from '../selection/analysisResult.js';
import { formatCount, formatPercent } from '../selection/plainWords.js';
import { resolveSelection, type Selection } from '../selection/selection.js';
import { monthStatuses, selectionCoverage } from '../selection/selectionCoverage.js';
import { warnAboutSelection } from '../selection/selectionWarnings.js';
import { utcToLondon } from '../../core/londonTime.js';
import { usageError } from '../../core/errors.js';
import { daysInMonth } from '../trends/financialPeriods.js';
import { seasonalProfile } from '../trends/summariseTrends.js';
import { DAYS, addAoristic } from './aoristicWeights.js';
import type { AnalysisResult, SeasonalPoint, WhenResult } from '../../api/analyses.js';

export interface WhenOptions {
  /** Ranges longer than this many hours are counted apart instead of spread (default: none). */
  maxSpanHours?: number;
  smallCount?: number;
}

const HOUR = 3_600_000;

function isDateOnly(fromMs: number, toMs: number): boolean {
  const a = utcToLondon(fromMs);
  const b = utcToLondon(toMs);
  return (
    a.hour === 0 &&
    a.minute === 0 &&
    a.second === 0 &&
    b.hour === 23 &&
    b.minute === 59 &&
    b.second === 59
  );
}

const hh = (h: number): string => `${String(h).padStart(2, '0')}:00`;

export async function analyseWhen(
  ws: Workspace,
  selection: Selection,
  options: WhenOptions,
  context: {
    cwd: string;
    reporter: Reporter;
    /** Where the incidents are counted (default: the workspace's records). */
    counting?: IncidentCounting;
  },
): Promise<AnalysisResult<WhenResult>> {
  const params = new Params();
  const warnings = new Warnings();
  if (options.maxSpanHours !== undefined && !(options.maxSpanHours > 0))
    throw usageError(
      'BAD_MAX_SPAN',
      `--max-span must be a positive number of hours, not ${options.maxSpanHours}`,
    );
  const resolved = await resolveSelection(ws, selection, { ...context, params });
  const counting = context.counting ?? recordCounting(ws);
  const selected = await warnAboutSelection(ws, resolved, warnings, counting);
  const maxSpanHours = params.resolve('maxSpanHours', options.maxSpanHours, () => ({
    value: null,
    explanation: 'every range is spread over the hours it covers, however long',
  }));
  const smallCount = params.resolve('smallCount', options.smallCount, () => ({
    value: 100,
    explanation: 'a matrix of 168 cells from fewer than 100 records is flagged as small',
  }));
  params.given('timeZone', 'Europe/London (wall-clock hours; clock changes handled)');
  params.given(
    'method',
    'aoristic apportionment: each record spread over the hours of its committed-from/to range in proportion to elapsed time, weights summing to one; a range ending at hh:mm:59 includes that second',
  );
  // Records with the same range weigh the same: each range is read once, with its records.
  const timed = await counting.detailed((c) =>
    c.db.all<{ f: number; t: number | null; source: string; n: number }>(
      `SELECT epoch_ms(i.occurred_from) AS f, epoch_ms(i.occurred_to) AS t, i.source AS source,
              ${c.count()} AS n
         FROM ${resolved.sql.from}
        WHERE ${resolved.sql.where} AND i.occurred_from IS NOT NULL
        GROUP BY 1, 2, 3 ORDER BY 1, 2 NULLS FIRST, 3`,
      resolved.sql.params,
    ),
  );
  // The records with no time, by source: those selected less those timed.
  const timedBySource = new Map<string, number>();
  for (const r of timed)
    timedBySource.set(r.source, (timedBySource.get(r.source) ?? 0) + Number(r.n));
  const untimed = Object.entries(selected.bySource)
    .map(([source, n]) => ({ source, n: n - (timedBySource.get(source) ?? 0) }))
    .filter((r) => r.n > 0);
  const cells = new Float64Array(168);
  const records: WhenResult['records'] = {
    selected: selected.total,
    placed: 0,
    exactTime: 0,
    range: 0,
    dateOnly: 0,
    longerThanDay: 0,
    longerThanWeek: 0,
    noTime: Object.fromEntries(untimed.map((r) => [r.source, r.n])),
    tooLong: 0,
  };
  let exactWeight = 0;
  for (const r of timed) {
    const from = Number(r.f);
    const to = r.t === null ? from : Number(r.t);
    const n = Number(r.n);
    const span = to - from;
    if (maxSpanHours !== null && span > maxSpanHours * HOUR) {
      records.tooLong += n;
      continue;
    }
    addAoristic(cells, from, to, n);
    records.placed += n;
    if (span === 0) {
      records.exactTime += n;
      exactWeight += n;
    } else {
      records.range += n;
      if (isDateOnly(from, to)) records.dateOnly += n;
      if (span > 24 * HOUR) records.longerThanDay += n;
      if (span > 168 * HOUR) records.longerThanWeek += n;
    }
  }
  const noTime = untimed.reduce((s, r) => s + r.n, 0);
  const summary: string[] = [];
  if (noTime > 0) {
    const police = records.noTime['police-uk'] ?? 0;
    warnings.add(
      'NO_TIME',
      `${formatCount(noTime)} selected records have no time and are counted apart${police > 0 ? ` (${formatCount(police)} police.uk rows: police.uk publishes the month only, never the day or time)` : ''}`,
    );
  }
  if (records.tooLong > 0)
    warnings.add(
      'RANGE_TOO_LONG',
      `${formatCount(records.tooLong)} records span more than ${maxSpanHours} hours and are counted apart`,
    );
  if (records.longerThanWeek > 0)
    warnings.add(
      'LONG_RANGES',
      `${formatCount(records.longerThanWeek)} records span more than a week and are spread almost evenly over every hour: they flatten the pattern (count them apart with --max-span 168)`,
    );
  if (records.dateOnly > 0)
    warnings.add(
      'DATE_ONLY',
      `${formatCount(records.dateOnly)} records give a date but no time and are spread over the 24 hours of their day`,
    );
  let matrix: number[][] | null = null;
  let byDay: WhenResult['byDay'] = null;
  let byHour: WhenResult['byHour'] = null;
  let peaks: WhenResult['peaks'] = [];
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  if (records.placed === 0) {
    warnings.add(
      'NO_MATRIX',
      selected.total === 0
        ? 'no incidents are selected'
        : 'no selected record has a time, so there is no hour × day-of-week matrix: police.uk data gives the month only; a force extract gives dates and times',
    );
    summary.push(
      selected.total === 0
        ? 'no incidents are selected'
        : 'no hour × day-of-week pattern: none of the selected records has a time (police.uk gives the month only)',
    );
  } else {
    matrix = DAYS.map((_, d) => Array.from({ length: 24 }, (_, h) => round(cells[d * 24 + h]!)));
    byDay = DAYS.map((day, d) => ({
      day,
      count: round(cells.slice(d * 24, d * 24 + 24).reduce((s, x) => s + x, 0)),
    }));
    byHour = Array.from({ length: 24 }, (_, h) => ({
      hour: h,
      count: round(DAYS.reduce((s, _, d) => s + cells[d * 24 + h]!, 0)),
    }));
    peaks = [...cells]
      .map((count, i) => ({ day: DAYS[Math.floor(i / 24)]!, hour: i % 24, count: round(count) }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 5);
    const topDay = [...byDay].sort((a, b) => b.count - a.count)[0]!;
    const topHour = [...byHour].sort((a, b) => b.count - a.count)[0]!;
    summary.push(
      `${formatCount(records.placed)} records placed in time (${formatPercent(exactWeight / records.placed)} with an exact time, the rest spread over their ranges); the busiest day is ${topDay.day} (${formatPercent(topDay.count / records.placed)}), the busiest hour ${hh(topHour.hour)}–${hh((topHour.hour + 1) % 24)} (${formatPercent(topHour.count / records.placed)})`,
      `the busiest hours of the week: ${peaks
        .slice(0, 3)
        .map((p) => `${p.day} ${hh(p.hour)}`)
        .join(', ')}`,
    );
    if (records.placed < smallCount)
      warnings.add(
        'SMALL_NUMBERS',
        `only ${formatCount(records.placed)} records are placed in time: a pattern over 168 hours of the week from so few is mostly noise`,
      );
  }
  // The seasonal pattern, from every selected record's month (police.uk rows included).
  const coverage = await selectionCoverage(ws, selection, counting);
  let seasonal: SeasonalPoint[] = [];
  if (coverage.first !== null && coverage.last !== null) {
    const rows = await counting.db.all<{ month: string; n: number }>(
      `SELECT strftime(i.month, '%Y-%m') AS month, ${counting.count()} AS n FROM ${resolved.sql.from}
        WHERE ${resolved.sql.where} GROUP BY 1`,
      resolved.sql.params,
    );
    const held = new Map(rows.map((r) => [r.month, r.n]));
    const notes = { warnings: [] as { code: string; message: string }[], automatic: [] };
    seasonal = seasonalProfile(
      monthStatuses(coverage, selection.from ?? coverage.first, selection.to ?? coverage.last).map(
        (s) => ({
          month: s.month,
          status: s.status,
          count: s.status === 'complete' ? (held.get(s.month) ?? 0) : null,
          held: held.get(s.month) ?? 0,
          days: daysInMonth(s.month),
          small: false,
        }),
      ),
      notes,
    );
    for (const w of notes.warnings) warnings.add(w.code, w.message);
  }
  return {
    result: {
      matrix,
      byDay,
      byHour,
      records,
      exactShare: records.placed === 0 ? null : exactWeight / records.placed,
      peaks,
      seasonal,
      summary,
    },
    params: params.all(),
    warnings: warnings.list(),
  };
}
