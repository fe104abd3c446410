/**
 * A measure bound to a published indicator (first-time entrants, exclusions, NEET…): its value for
 * the area in each period the publisher gives, the latest held to the evaluation's month as the
 * current value, the baseline a period as published, assessed against the target like any measure
 * and frozen in reviews with the indicator's batches as provenance. A suppressed or unpublished
 * value is missing, never zero. Intervals are the publisher's where published.
 */
import { SvdError } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';
import type { PeriodValue } from '../api/strategy.js';
import { assessTarget } from './assessTarget.js';
import type { Measure } from './schema.js';
import { unevaluated, type EvaluateContext, type MeasureResult } from './measureResult.js';
import { listValue } from '@duckdb/node-api';

interface Row {
  period: string;
  first: string | null;
  last: string | null;
  value: number | null;
  lower: number | null;
  upper: number | null;
  numerator: number | null;
  denominator: number | null;
  marker: string | null;
  batch_id: number;
}

export async function evaluateIndicatorMeasure(
  ws: Workspace,
  priorityId: string,
  spec: Measure,
  ctx: EvaluateContext,
): Promise<MeasureResult> {
  const bound = spec.indicator!;
  const meta = await ws.db.one<{ name: string; unit: string | null; polarity: string }>(
    `SELECT name, unit, polarity FROM indicators WHERE indicator_id = $id`,
    { id: bound.id },
  );
  const base = {
    id: spec.id,
    priorityId,
    title: spec.title ?? meta?.name ?? bound.id,
    metric: 'count' as const,
    basis: 'as-published' as const,
    unit: meta?.unit ?? 'as published',
    spec,
    dataTo: ctx.to,
  };
  const failed = (problem: string): MeasureResult =>
    unevaluated(base, problem, { sources: ['indicators'] });
  if (meta === undefined)
    return failed(
      `no indicator ${bound.id} is loaded in this workspace: load it with svd indicators load (svd indicators list shows what is held)`,
    );
  const rows = await ws.db.all<Row>(
    `SELECT period, strftime(period_start, '%Y-%m') AS first, strftime(period_end, '%Y-%m') AS last,
            value, lower, upper, numerator, denominator, marker, batch_id
       FROM indicator_values
      WHERE indicator_id = $id AND area_code = $area AND breakdown = ''
      ORDER BY period_end NULLS FIRST, period`,
    { id: bound.id, area: bound.area },
  );
  if (rows.length === 0) return failed(`${bound.id} holds no value for the area ${bound.area}`);
  const valueOf = (r: Row): PeriodValue => ({
    period: r.period,
    description: r.period,
    first: r.first ?? r.period,
    last: r.last ?? r.period,
    count: r.numerator,
    denominator: r.denominator,
    value: r.value,
    lower: r.lower,
    upper: r.upper,
    small: false,
    missing:
      r.value === null
        ? {
            months: [],
            reason: `not published${r.marker === null || r.marker === '' ? '' : ` (marked ${JSON.stringify(r.marker)} by the publisher)`}`,
          }
        : null,
  });
  // Periods that end after the month evaluated to were not yet known then.
  const known = rows.filter((r) => r.last === null || r.last <= ctx.to);
  const series = known.map(valueOf);
  const current = series.at(-1) ?? null;
  let baseline: PeriodValue | null = null;
  if (spec.baseline !== undefined) {
    const b = rows.find((r) => r.period === spec.baseline);
    if (b === undefined)
      throw new SvdError({
        kind: 'input',
        code: 'BAD_BASELINE',
        message: `${bound.id} has no period ${JSON.stringify(spec.baseline)} for ${bound.area}`,
        fix: `use one of its periods: ${rows.map((r) => r.period).join(', ')}`,
      });
    baseline = valueOf(b);
  }
  const comparison =
    baseline?.value != null && current?.value != null
      ? {
          change: current.value - baseline.value,
          percentChange:
            baseline.value === 0 ? null : ((current.value - baseline.value) / baseline.value) * 100,
          distinguishable:
            current.lower !== null &&
            current.upper !== null &&
            baseline.lower !== null &&
            baseline.upper !== null &&
            (current.lower > baseline.upper || current.upper < baseline.lower),
        }
      : null;
  const assessment = assessTarget({
    target: spec.target,
    tolerance: spec.tolerance,
    baseline: baseline === null ? null : { value: baseline.value, lastMonth: baseline.last },
    current: current === null ? null : { value: current.value, lastMonth: current.last },
  });
  const batchIds = [...new Set(known.map((r) => r.batch_id))];
  const batches = await ws.db.all<MeasureResult['provenance']['batches'][number]>(
    `SELECT batch_id, source_kind, file_name, sha256 FROM batches
      WHERE list_contains($ids, batch_id) ORDER BY batch_id`,
    { ids: listValue(batchIds.map(Number)) },
  );
  return {
    ...base,
    current,
    baseline,
    comparison,
    assessment,
    series,
    sources: ['indicators'],
    provenance: { batches, definitions: [], population: null },
    notes: [
      `${meta.name}, as published (indicator ${bound.id}, area ${bound.area}); ${meta.polarity === 'higher-is-better' ? 'higher is better' : meta.polarity === 'higher-is-worse' ? 'higher is worse' : 'polarity not stated'}`,
    ],
    problem: null,
  };
}
