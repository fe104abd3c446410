/**
 * A measure's figures made fit for an audience. Counts pass through the disclosure policy; a rate
 * is withheld with its count (rate × population gives the count back), and computed from the
 * rounded count when counts are rounded; a share is withheld when its records, the records it is a
 * share of, or the difference between them are small; an interval is shown only beside an exact,
 * published count (it would give the count back otherwise); a change or a status explanation that
 * involves a withheld figure is not stated.
 */
import {
  discloseFigure,
  roundCount,
  SUPPRESSED_MARK,
  type DisclosedFigure,
  type DisclosurePolicy,
} from '../disclosure/index.js';
import { WITHHELD_PHRASE } from '../disclosure/describeFigure.js';
import type { MeasureResult } from '../strategy/evaluateMeasure.js';
import {
  formatChange,
  formatInterval,
  formatMeasureValue,
  STATUS_LABELS,
} from '../strategy/formatMeasure.js';
import type { PeriodValue } from '../api/strategy.js';

export interface ShownPeriod {
  period: string;
  description: string;
  /** The value as printed: a number, the withheld mark, or — when the data are missing. */
  value: string;
  interval: string;
  /** The value as a number for charts (null when withheld or missing). */
  plotted: number | null;
  withheld: boolean;
  missing: string | null;
}

export interface ShownMeasure {
  id: string;
  title: string;
  priorityId: string;
  metric: MeasureResult['metric'];
  basis: string;
  unit: string;
  current: ShownPeriod | null;
  baseline: ShownPeriod | null;
  change: string | null;
  target: string | null;
  targetBy: string | null;
  status: string;
  statusLabel: string;
  statusReason: string;
  series: ShownPeriod[];
  notes: string[];
  problem: string | null;
}

function showPeriod(m: MeasureResult, p: PeriodValue, policy: DisclosurePolicy): ShownPeriod {
  const head = { period: p.period, description: p.description };
  if (p.missing !== null || p.value === null || p.count === null)
    return {
      ...head,
      value: '—',
      interval: '',
      plotted: null,
      withheld: false,
      missing: p.missing?.reason ?? 'no value',
    };
  const withheld: ShownPeriod = {
    ...head,
    value: SUPPRESSED_MARK,
    interval: '',
    plotted: null,
    withheld: true,
    missing: null,
  };
  const count: DisclosedFigure = discloseFigure(p.count, policy, m.sources);
  if (count.suppressed !== false) return withheld;
  if (m.metric === 'share') {
    const n = p.denominator ?? 0;
    const rest = discloseFigure(n - p.count, policy, m.sources);
    const all = discloseFigure(n, policy, m.sources);
    if (rest.suppressed !== false || all.suppressed !== false) return withheld;
    return {
      ...head,
      value: formatMeasureValue('share', p.value),
      interval: formatInterval('share', p.lower, p.upper),
      plotted: p.value,
      withheld: false,
      missing: null,
    };
  }
  const exact = !count.rounded && policy.rounding === null;
  const value =
    m.metric === 'rate'
      ? (roundCount(p.count, policy.rounding) * 1000) / (p.denominator ?? 1)
      : count.value!;
  return {
    ...head,
    value: `${exact ? '' : '~'}${formatMeasureValue(m.metric, value)}`,
    interval: exact ? formatInterval(m.metric, p.lower, p.upper) : '',
    plotted: value,
    withheld: false,
    missing: null,
  };
}

export function discloseMeasure(m: MeasureResult, policy: DisclosurePolicy): ShownMeasure {
  const current = m.current === null ? null : showPeriod(m, m.current, policy);
  const baseline = m.baseline === null ? null : showPeriod(m, m.baseline, policy);
  const anyWithheld = current?.withheld === true || baseline?.withheld === true;
  const exact = policy.rounding === null;
  const change =
    m.comparison === null
      ? null
      : anyWithheld
        ? WITHHELD_PHRASE
        : `${formatChange(m.metric, m.comparison.change, m.comparison.percentChange)}${exact ? (m.comparison.distinguishable ? '; beyond chance' : '; within chance') : ''}`;
  const a = m.assessment;
  return {
    id: m.id,
    title: m.title,
    priorityId: m.priorityId,
    metric: m.metric,
    basis: m.basis,
    unit: m.unit,
    current,
    baseline,
    change,
    // The target is derived from the baseline: withheld with it.
    target:
      a.targetValue === null
        ? null
        : baseline?.withheld === true
          ? SUPPRESSED_MARK
          : formatMeasureValue(m.metric, a.targetValue),
    targetBy: m.spec.target?.by ?? null,
    status: a.status,
    statusLabel: STATUS_LABELS[a.status] ?? a.status,
    statusReason: anyWithheld ? `judged on figures that are ${WITHHELD_PHRASE}` : a.reason,
    series: m.series.map((p) => showPeriod(m, p, policy)),
    // Notes name counts of records (e.g. records with no victim age): analysts only.
    notes: policy.audience === 'analyst' ? m.notes : [],
    problem: m.problem,
  };
}
