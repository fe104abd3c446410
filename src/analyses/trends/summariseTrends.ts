/**
 * Trends from a monthly series (pure): months not held are gaps (null), never zeros; financial
 * years, quarters and rolling 12-month totals are given only when every month in them is held;
 * the change between two periods by the exact test for two Poisson counts, with days as the
 * exposure; the Mann–Kendall trend test with Sen's slope over the months held; and the seasonal
 * profile. Plain-English sentences say what the numbers mean.
 */
import {
  addMonths,
  formatMonth,
  formatMonthRange,
  formatRuns,
  monthRange,
} from '../../core/months.js';
import { stateChange } from './stateChange.js';
import { usageError } from '../../core/errors.js';
import { formatCount, formatInterval, formatNumber, formatP } from '../selection/plainWords.js';
import { comparePoissonCounts } from '../../core/statistics/comparePoissonCounts.js';
import { mannKendall } from '../../core/statistics/mannKendall.js';
import { sensSlope } from '../../core/statistics/sensSlope.js';
import { daysInMonth, financialQuarterOf, financialYearOf } from './financialPeriods.js';
import type {
  MonthRange,
  MonthStatus,
  MonthlyPoint,
  PeriodChange,
  PeriodTotal,
  SeasonalPoint,
  TrendTest,
  TrendsResult,
} from '../../api/analyses.js';

export interface MonthInput {
  month: string;
  status: MonthStatus;
  /** Records held for the month (all that is known, even when the month is partial). */
  held: number;
}

export interface TrendOptions {
  /** Periods to compare; default: chosen from the months held (see `defaultComparison`). */
  compare?: { earlier: MonthRange; later: MonthRange };
  confidence: number;
  smallCount: number;
  /** Fewest months held for a trend test. */
  minTrendMonths: number;
}

export interface TrendNotes {
  warnings: { code: string; message: string }[];
  automatic: { name: string; value: unknown; explanation: string }[];
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function monthsLabel(r: MonthRange): string {
  return formatMonthRange(r.from, r.to);
}

/**
 * The default comparison: the latest 12, 3 or 1 complete months against the same months a year
 * earlier (so the seasons match), the first that is fully held; failing that, the latest complete
 * month against the complete month before it.
 */
export function defaultComparison(
  months: readonly MonthlyPoint[],
): { earlier: MonthRange; later: MonthRange; basis: string; explanation: string } | null {
  const complete = new Set(months.filter((m) => m.status === 'complete').map((m) => m.month));
  const last = [...complete].sort().at(-1);
  if (last === undefined) return null;
  for (const n of [12, 3, 1]) {
    const later = { from: addMonths(last, -(n - 1)), to: last };
    const earlier = { from: addMonths(later.from, -12), to: addMonths(last, -12) };
    const all = [...monthRange(earlier.from, earlier.to), ...monthRange(later.from, later.to)];
    if (all.every((m) => complete.has(m))) {
      const what = n === 1 ? 'the latest complete month' : `the latest ${n} complete months`;
      return {
        earlier,
        later,
        basis: n === 12 ? 'the previous 12 months' : 'the same months a year earlier',
        explanation: `${what} against the same ${n === 1 ? 'month' : 'months'} a year earlier (so the seasons match)`,
      };
    }
  }
  const previous = [...complete].sort().at(-2);
  if (previous === undefined) return null;
  return {
    earlier: { from: previous, to: previous },
    later: { from: last, to: last },
    basis: `${previous}`,
    explanation:
      'the latest complete month against the complete month before it (no complete month a year earlier is held, so seasons may differ)',
  };
}

function periodTotals(
  months: readonly MonthlyPoint[],
  periodOf: (month: string) => { label: string; from: string; to: string },
  smallCount: number,
): PeriodTotal[] {
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const seen = new Map<string, PeriodTotal>();
  for (const m of months) {
    const p = periodOf(m.month);
    if (seen.has(p.label)) continue;
    const inPeriod = monthRange(p.from, p.to).map((x) => byMonth.get(x));
    const held = inPeriod.filter((x) => x !== undefined && x.status === 'complete');
    const complete = held.length === inPeriod.length;
    const count = complete ? held.reduce((s, x) => s + x!.held, 0) : null;
    seen.set(p.label, {
      label: p.label,
      from: p.from,
      to: p.to,
      months: inPeriod.length,
      monthsHeld: held.length,
      count,
      complete,
      small: count !== null && count < smallCount,
    });
  }
  return [...seen.values()];
}

function describeChange(c: Omit<PeriodChange, 'summary'>, confidence: number): string {
  return stateChange({
    earlier: c.earlier,
    later: c.later,
    test: {
      rateRatio: c.rateRatio,
      lower: c.lower,
      upper: c.upper,
      pValue: c.pValue,
      significant: c.significant,
      confidence,
    },
    noun: { one: 'incident', many: 'incidents' },
    ...(c.basis.startsWith('the ') ? { basis: c.basis } : {}),
    small: c.small,
  });
}

function compare(
  months: readonly MonthlyPoint[],
  period: { earlier: MonthRange; later: MonthRange; basis: string },
  options: TrendOptions,
  notes: TrendNotes,
): PeriodChange | null {
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const side = (r: MonthRange, name: string): PeriodChange['later'] | null => {
    const wanted = monthRange(r.from, r.to);
    const held = wanted
      .map((m) => byMonth.get(m))
      .filter((m): m is MonthlyPoint => m !== undefined && m.status === 'complete');
    if (held.length === 0) return null;
    if (held.length < wanted.length)
      notes.warnings.push({
        code: 'COMPARISON_INCOMPLETE',
        message: `the ${name} period ${monthsLabel(r)} has ${wanted.length - held.length} of ${wanted.length} months not fully held; its rate uses the ${held.length} held`,
      });
    return {
      ...r,
      count: held.reduce((s, m) => s + m.held, 0),
      days: held.reduce((s, m) => s + m.days, 0),
      months: held.length,
    };
  };
  const earlier = side(period.earlier, 'earlier');
  const later = side(period.later, 'later');
  if (earlier === null || later === null) {
    const empty = earlier === null ? period.earlier : period.later;
    throw usageError(
      'PERIOD_NOT_HELD',
      `no month of ${monthsLabel(empty)} is held by the selected sources`,
      'compare periods whose months are held (svd coverage shows them)',
    );
  }
  const c = comparePoissonCounts(
    { count: later.count, exposure: later.days },
    { count: earlier.count, exposure: earlier.days },
    options.confidence,
  );
  const partial: Omit<PeriodChange, 'summary'> = {
    basis: period.basis,
    earlier,
    later,
    rateRatio: c.rateRatio,
    lower: c.lower,
    upper: c.upper,
    percentChange: c.rateRatio === null ? null : (c.rateRatio - 1) * 100,
    pValue: c.pValue,
    significant: c.pValue < 1 - options.confidence,
    small: earlier.count < options.smallCount || later.count < options.smallCount,
    test: 'exact conditional test for two Poisson counts (binomial, exposures in days); Clopper–Pearson interval for the rate ratio',
  };
  return { ...partial, summary: describeChange(partial, options.confidence) };
}

function trendTest(
  months: readonly MonthlyPoint[],
  options: TrendOptions,
  notes: TrendNotes,
): TrendTest | null {
  const held = months.filter((m) => m.status === 'complete');
  if (held.length < options.minTrendMonths) {
    notes.warnings.push({
      code: 'TOO_FEW_FOR_TREND',
      message: `only ${held.length} complete month${held.length === 1 ? '' : 's'} held: a trend test needs at least ${options.minTrendMonths}`,
    });
    return null;
  }
  const first = held[0]!.month;
  const index = (m: string): number => monthRange(first, m).length - 1;
  const values = held.map((m) => m.held);
  const mk = mannKendall(values);
  const sen = sensSlope(
    values,
    held.map((m) => index(m.month)),
    mk.varS,
    options.confidence,
  );
  const significant = mk.pValue < 1 - options.confidence;
  const direction = !significant ? 'none' : mk.S > 0 ? 'up' : 'down';
  const slope = `Sen's slope ${sen.slope >= 0 ? '+' : ''}${formatNumber(sen.slope)} incidents a month per month${sen.lower === null || sen.upper === null ? '' : `, ${Math.round(options.confidence * 100)}% interval ${formatInterval(sen.lower, sen.upper)}`}`;
  const over = `over the ${held.length} complete months from ${formatMonth(held[0]!.month)} to ${formatMonth(held.at(-1)!.month)}`;
  const gaps = held.length < index(held.at(-1)!.month) + 1 ? ' (with gaps)' : '';
  const summary =
    direction === 'none'
      ? `no clear trend ${over}${gaps} (Mann–Kendall ${formatP(mk.pValue)}; ${slope})`
      : `an ${direction === 'up' ? 'upward' : 'downward'} trend ${over}${gaps} (Mann–Kendall ${formatP(mk.pValue)}; ${slope})`;
  return {
    test:
      mk.method === 'exact'
        ? 'Mann–Kendall, exact distribution (no ties, fewer than 50 months)'
        : 'Mann–Kendall, normal approximation with tie-corrected variance and continuity correction',
    from: held[0]!.month,
    to: held.at(-1)!.month,
    months: held.length,
    S: mk.S,
    tau: mk.tau,
    varS: mk.varS,
    method: mk.method,
    z: mk.z,
    pValue: mk.pValue,
    direction,
    slope: sen.slope,
    slopeLower: sen.lower,
    slopeUpper: sen.upper,
    summary,
  };
}

export function seasonalProfile(
  months: readonly MonthlyPoint[],
  notes: TrendNotes,
): SeasonalPoint[] {
  const held = months.filter((m) => m.status === 'complete');
  const totalDays = held.reduce((s, m) => s + m.days, 0);
  const overall = totalDays === 0 ? 0 : held.reduce((s, m) => s + m.held, 0) / totalDays;
  const profile = MONTH_NAMES.map((name, i) => {
    const these = held.filter((m) => Number(m.month.slice(5, 7)) === i + 1);
    const days = these.reduce((s, m) => s + m.days, 0);
    const count = these.reduce((s, m) => s + m.held, 0);
    return {
      calendarMonth: i + 1,
      name,
      years: these.length,
      meanCount: these.length === 0 ? null : count / these.length,
      index: these.length === 0 || overall === 0 ? null : count / days / overall,
    };
  });
  const none = profile.filter((p) => p.years === 0).map((p) => p.name.slice(0, 3));
  const one = profile.filter((p) => p.years === 1).map((p) => p.name.slice(0, 3));
  if (none.length + one.length > 0)
    notes.warnings.push({
      code: 'SEASONAL_THIN',
      message: `the seasonal profile ${[
        ...(none.length > 0 ? [`has no held month for ${none.join(', ')}`] : []),
        ...(one.length > 0 ? [`rests on one year for ${one.join(', ')}`] : []),
      ].join(' and ')}: read it with care, since one year mixes season with year-to-year change`,
    });
  return profile;
}

export function summariseTrends(
  input: readonly MonthInput[],
  options: TrendOptions,
): { result: TrendsResult; notes: TrendNotes } {
  const notes: TrendNotes = { warnings: [], automatic: [] };
  if (input.length === 0)
    throw usageError('NO_MONTHS', 'the selection spans no months', 'check --from and --to');
  const months: MonthlyPoint[] = input.map((m) => ({
    month: m.month,
    status: m.status,
    count: m.status === 'complete' ? m.held : null,
    held: m.held,
    days: daysInMonth(m.month),
    small: m.status === 'complete' && m.held < options.smallCount,
  }));
  const missing = months.filter((m) => m.status === 'missing').map((m) => m.month);
  const partial = months.filter((m) => m.status === 'partial').map((m) => m.month);
  if (missing.length > 0)
    notes.warnings.push({
      code: 'MISSING_MONTHS',
      message: `${missing.length} month${missing.length === 1 ? ' is' : 's are'} not held by the selected sources (${formatRuns(missing)}): shown as gaps, not zeros`,
    });
  if (partial.length > 0)
    notes.warnings.push({
      code: 'PARTIAL_MONTHS',
      message: `${partial.length} month${partial.length === 1 ? ' is' : 's are'} held for only some of the selected sources (${formatRuns(partial)}): shown as gaps; what is held is in "held"`,
    });
  const small = months.filter((m) => m.small);
  if (small.length > 0)
    notes.warnings.push({
      code: 'SMALL_NUMBERS',
      message: `${small.length} month${small.length === 1 ? ' has' : 's have'} fewer than ${options.smallCount} incidents (flagged "small"): changes in them are mostly noise`,
    });
  const quarters = periodTotals(months, financialQuarterOf, options.smallCount);
  const financialYears = periodTotals(months, financialYearOf, options.smallCount);
  for (const [what, list] of [
    ['financial year', financialYears],
    ['quarter', quarters],
  ] as const) {
    const incomplete = list.filter((p) => !p.complete);
    const someHeld = incomplete.filter((p) => p.monthsHeld > 0);
    const noneHeld = incomplete.length - someHeld.length;
    if (incomplete.length > 0)
      notes.warnings.push({
        code: 'INCOMPLETE_PERIOD',
        message: `${incomplete.length} ${what}${incomplete.length === 1 ? ' is' : 's are'} incomplete, so no total is given for ${incomplete.length === 1 ? 'it' : 'them'}: ${[
          ...someHeld.map((p) => `${p.label} (${p.monthsHeld} of ${p.months} months held)`),
          ...(noneHeld > 0 ? [`${noneHeld} with no month held`] : []),
        ].join('; ')}`,
      });
  }
  const rolling12: { to: string; count: number | null }[] = [];
  for (let i = 11; i < months.length; i++) {
    const window = months.slice(i - 11, i + 1);
    rolling12.push({
      to: months[i]!.month,
      count: window.every((m) => m.status === 'complete')
        ? window.reduce((s, m) => s + m.held, 0)
        : null,
    });
  }
  let change: PeriodChange | null = null;
  if (options.compare !== undefined) {
    change = compare(
      months,
      {
        ...options.compare,
        basis: monthsLabel(options.compare.earlier),
      },
      options,
      notes,
    );
  } else {
    const chosen = defaultComparison(months);
    if (chosen === null)
      notes.warnings.push({
        code: 'NO_COMPARISON',
        message: 'fewer than two complete months are held: no change between periods is given',
      });
    else {
      notes.automatic.push({
        name: 'compare',
        value: { earlier: chosen.earlier, later: chosen.later },
        explanation: chosen.explanation,
      });
      change = compare(months, chosen, options, notes);
    }
  }
  const trend = trendTest(months, options, notes);
  const seasonal = seasonalProfile(months, notes);
  const total = months.reduce((s, m) => s + m.held, 0);
  const heldMonths = months.filter((m) => m.status === 'complete').length;
  const summary = [
    `${formatCount(total)} incidents from ${formatMonth(months[0]!.month)} to ${formatMonth(months.at(-1)!.month)}; ${heldMonths} of ${months.length} month${months.length === 1 ? '' : 's'} fully held`,
    ...(change === null ? [] : [change.summary]),
    ...(trend === null ? [] : [trend.summary]),
  ];
  return {
    result: {
      from: months[0]!.month,
      to: months.at(-1)!.month,
      total,
      months,
      quarters,
      financialYears,
      rolling12,
      change,
      trend,
      seasonal,
      summary,
    },
    notes,
  };
}
