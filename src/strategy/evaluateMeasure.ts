/**
 * A measure evaluated over the workspace: for every period of its basis, the count of the records
 * it selects (a definition's tier, an area, victims' ages, sources, filters) through
 * `countIncidents`, turned into its metric — a count with its exact Poisson interval, a rate per
 * 1,000 residents with the same interval scaled by the population (as `svd rates` computes it), or
 * a share with its Wilson interval. A period with a month that holds no data for the measure is
 * missing, never zero; so is one holding records not yet classified under the definition. The
 * current period is compared with the baseline and assessed against the target
 * (assessTarget.ts), and the provenance of the figures (batches, definition version, population)
 * is returned with them, so that a review can freeze them.
 */
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { countIncidents } from '../analyses/counts/countIncidents.js';
import { type CountFilter } from '../core/dimension.js';
import { DIMENSIONS } from '../analyses/selection/dimensions.js';
import { type Dimension } from '../core/dimension.js';
import { SvdError } from '../core/errors.js';
import { countsDefinition } from '../definitions/countsDefinition.js';
import { TIER_DIMENSIONS } from '../definitions/tierDimensions.js';
import type { AreaLevel } from '../geo/levels.js';
import { parseAgeRange } from '../geo/population/ageLabels.js';
import { populationByArea } from '../geo/population/populationByArea.js';
import { VICTIM_AGE, WITHIN } from '../analyses/rates/computeRates.js';
import { exactPoissonInterval } from '../core/statistics/poissonInterval.js';
import { wilsonInterval } from '../analyses/rates/wilsonInterval.js';
import type { Workspace } from '../store/openWorkspace.js';
import { assessTarget } from './assessTarget.js';
import { evaluateIndicatorMeasure } from './evaluateIndicatorMeasure.js';
import {
  describePeriod,
  latestPeriodBy,
  parsePeriod,
  periodMonths,
  periodsBetween,
  type Period,
} from './periods.js';
import { resolveMeasure } from './presets.js';
import type { Measure, MeasureSelection, Metric } from './schema.js';
import {
  unevaluated,
  type BatchRef,
  type EvaluateContext,
  type MeasureResult,
} from './measureResult.js';
import type { PeriodValue } from '../api/strategy.js';
import type { DefinitionMeta } from '../api/definitions.js';

export type {
  BatchRef,
  EvaluateContext,
  MeasureProvenance,
  MeasureResult,
} from './measureResult.js';

const SMALL = 10;

interface Counted {
  byMonth: Map<string, number>;
  covered: Set<string>;
  unclassified: Map<string, number>;
  definition: DefinitionMeta | null;
  batches: number[];
  sources: string[];
  notes: string[];
}

/** Monthly counts of a selection over a month range, with the months holding data for it. */
async function countSelection(
  ws: Workspace,
  sel: MeasureSelection,
  area: Measure['area'],
  months: { from: string; to: string },
  ctx: EvaluateContext,
  provenanceMonths: readonly string[],
): Promise<Counted> {
  const notes: string[] = [];
  let dimensions: Dimension[] = [...DIMENSIONS, VICTIM_AGE, WITHIN];
  const params: Record<string, DuckDBValue> = {};
  let definition: DefinitionMeta | null = null;
  if (sel.definition !== undefined) {
    const d = await countsDefinition(ws, sel.definition, ctx.cwd);
    for (const note of d.notes) ctx.reporter.info(note);
    const missing = d.unavailableTiers.find((t) => t.tier === sel.tier);
    if (missing !== undefined)
      throw new SvdError({
        kind: 'workspace',
        code: 'TIER_UNAVAILABLE',
        message: `tier ${sel.tier} of ${d.meta.id}@${d.meta.version} needs ${missing.fields.join(', ')}, which no record in this workspace carries: the measure is missing, not zero`,
        fix: 'load data that carries these fields: a force extract for offence codes and flags, hospital admissions for ICD-10 causes',
      });
    definition = d.meta;
    dimensions = [...dimensions, ...TIER_DIMENSIONS];
    Object.assign(params, d.params);
  }
  const scope: CountFilter[] = [{ dimension: 'month', values: [], range: months }];
  if (sel.sources !== undefined) scope.push({ dimension: 'source', values: [...sel.sources] });
  // The params are added to below (the area, the ages) and read by each count as they stand.
  const context = { dimensions, params };
  // Months with data: any record of the sources that the definition can read.
  const coverage = await countIncidents(
    ws,
    { by: definition === null ? ['month', 'source'] : ['month', 'source', 'tier'], where: scope },
    context,
  );
  const covered = new Set<string>();
  const noData = new Map<string, number>();
  for (const r of coverage.rows) {
    const tier = r['tier'];
    if (tier === 'no-data') {
      const s = String(r['source']);
      noData.set(s, (noData.get(s) ?? 0) + r.n);
      continue;
    }
    if (tier === 'unclassified') continue;
    covered.add(String(r['month']));
  }
  for (const [source, n] of noData)
    notes.push(
      `${n.toLocaleString('en-GB')} ${source} records carry none of the fields ${definition?.id} reads and are not counted (unknown, not "not serious violence")`,
    );
  const where: CountFilter[] = [...scope];
  for (const [dimension, values] of Object.entries(sel.filters ?? {}))
    where.push({ dimension, values: [...values] });
  if (area !== undefined) {
    where.push({ dimension: 'within_areas', values: ['yes'] });
    params['within_level'] = area.level;
    params['within_codes'] = listValue([area.code]);
  }
  const age = sel.age === undefined ? undefined : parseAgeRange(sel.age);
  if (age !== undefined) {
    params['age_min'] = age.min;
    params['age_max'] = age.max;
    const unknown = await countIncidents(
      ws,
      { by: ['source'], where: [...where, { dimension: 'victim_age_in_range', values: [null] }] },
      context,
    );
    if (unknown.total > 0)
      notes.push(
        `${unknown.total.toLocaleString('en-GB')} records have no victim age and are not counted in ages ${sel.age}`,
      );
    where.push({ dimension: 'victim_age_in_range', values: ['yes'] });
  }
  const unclassified = new Map<string, number>();
  if (definition !== null) {
    const u = await countIncidents(
      ws,
      { by: ['month'], where: [...where, { dimension: 'tier', values: ['unclassified'] }] },
      context,
    );
    for (const r of u.rows) unclassified.set(String(r['month']), r.n);
    where.push({ dimension: 'matched_tier', values: [sel.tier!] });
  }
  const counted = await countIncidents(ws, { by: ['month'], where }, context);
  const byMonth = new Map(counted.rows.map((r) => [String(r['month']), r.n]));
  // Provenance: the batches holding records of the sources in the months the figures use.
  const batches =
    provenanceMonths.length === 0
      ? { rows: [] }
      : await countIncidents(
          ws,
          {
            by: ['batch', 'source'],
            where: [
              { dimension: 'month', values: [...provenanceMonths] },
              ...scope.filter((f) => f.dimension === 'source'),
            ],
          },
          context,
        );
  return {
    byMonth,
    covered,
    unclassified,
    definition,
    batches: [...new Set(batches.rows.map((r) => Number(r['batch'])))].sort((a, b) => a - b),
    sources: [...new Set(batches.rows.map((r) => String(r['source'])))].sort(),
    notes,
  };
}

function sumMonths(map: Map<string, number>, months: readonly string[]): number {
  return months.reduce((s, m) => s + (map.get(m) ?? 0), 0);
}

const UNITS: Record<Metric, string> = {
  count: 'records',
  rate: 'per 1,000 residents',
  share: 'share (0–1)',
};

/** Evaluates one measure of a priority; problems that stop it are returned, not thrown. */
export async function evaluateMeasure(
  ws: Workspace,
  priorityId: string,
  raw: Measure,
  ctx: EvaluateContext,
): Promise<MeasureResult> {
  const spec = resolveMeasure(raw);
  if (spec.indicator !== undefined) {
    try {
      return await evaluateIndicatorMeasure(ws, priorityId, spec, ctx);
    } catch (error) {
      if (!(error instanceof SvdError)) throw error;
      return unevaluated(
        {
          id: spec.id,
          priorityId,
          title: spec.title ?? spec.id,
          metric: 'count',
          basis: 'as-published',
          unit: 'as published',
          spec,
          dataTo: ctx.to,
        },
        `${error.message}${error.fix === undefined ? '' : ` (${error.fix})`}`,
        { sources: ['indicators'] },
      );
    }
  }
  const metric = spec.metric ?? 'count';
  const basis = spec.period ?? 'financial-year';
  const current = latestPeriodBy(basis, ctx.to);
  const baseline = spec.baseline === undefined ? undefined : parsePeriod(basis, spec.baseline);
  const seriesFrom = [baseline?.last, current.last]
    .filter((m): m is string => m !== undefined)
    .sort()[0]!;
  const periods = periodsBetween(basis, seriesFrom, ctx.to);
  const first = [baseline?.first, ...periods.map((p) => p.first)]
    .filter((m): m is string => m !== undefined)
    .sort()[0]!;
  const base: Omit<
    MeasureResult,
    | 'current'
    | 'baseline'
    | 'comparison'
    | 'assessment'
    | 'series'
    | 'provenance'
    | 'sources'
    | 'notes'
    | 'problem'
  > = {
    id: spec.id,
    priorityId,
    title: spec.title ?? spec.id,
    metric,
    basis,
    unit: UNITS[metric],
    spec,
    dataTo: ctx.to,
  };
  const failed = (problem: string, definitions: DefinitionMeta[] = []): MeasureResult =>
    unevaluated(base, problem, { sources: spec.sources ?? [], definitions });
  const provenanceMonths = [
    ...new Set([
      ...periodMonths(current),
      ...(baseline === undefined ? [] : periodMonths(baseline)),
    ]),
  ];
  let population: number | null = null;
  let num: Counted;
  let den: Counted | null = null;
  try {
    if (spec.area !== undefined) {
      const known = await ws.db.value<number>(
        `SELECT count(*) FROM geo_memberships WHERE level = $level AND area_code = $code`,
        { level: spec.area.level, code: spec.area.code },
      );
      if ((known ?? 0) === 0)
        return failed(
          `the area ${spec.area.level} ${spec.area.code} is not known in this workspace: load the geography (svd geo lookup / svd geo partnerships)`,
        );
    }
    num = await countSelection(
      ws,
      spec,
      spec.area,
      { from: first, to: ctx.to },
      ctx,
      provenanceMonths,
    );
    if (metric === 'share')
      den = await countSelection(
        ws,
        spec.share_of!,
        spec.area,
        { from: first, to: ctx.to },
        ctx,
        provenanceMonths,
      );
    if (metric === 'rate') {
      if (ctx.population === null)
        return failed(
          'no population is loaded, so no rate can be computed (svd population load FILE)',
        );
      const age = spec.age === undefined ? undefined : parseAgeRange(spec.age);
      const pop = await populationByArea(ws, {
        level: spec.area!.level as AreaLevel,
        dataset: ctx.population,
        ...(age === undefined ? {} : { age }),
        within: { level: spec.area!.level, codes: [spec.area!.code] },
      });
      population = pop.values.get(spec.area!.code) ?? null;
      if (population === null || population <= 0)
        return failed(
          `no population for ${spec.area!.level} ${spec.area!.code} in ${ctx.population.dataset}`,
        );
    }
  } catch (error) {
    if (error instanceof SvdError)
      return failed(`${error.message}${error.fix === undefined ? '' : ` (${error.fix})`}`);
    throw error;
  }
  const valueOf = (p: Period): PeriodValue => {
    const months = periodMonths(p);
    const head = { period: p.label, description: describePeriod(p), first: p.first, last: p.last };
    const missing = (m: string[], reason: string): PeriodValue => ({
      ...head,
      count: null,
      denominator: null,
      value: null,
      lower: null,
      upper: null,
      small: false,
      missing: { months: m, reason },
    });
    const gaps = months.filter((m) => !num.covered.has(m) || (den !== null && !den.covered.has(m)));
    if (gaps.length > 0)
      return missing(
        gaps,
        `no data for ${gaps.length === months.length ? 'any month' : `${gaps.length} of its ${months.length} months`}`,
      );
    const unclassified =
      sumMonths(num.unclassified, months) +
      (den === null ? 0 : sumMonths(den.unclassified, months));
    if (unclassified > 0)
      return missing(
        months.filter((m) => (num.unclassified.get(m) ?? 0) + (den?.unclassified.get(m) ?? 0) > 0),
        `${unclassified.toLocaleString('en-GB')} records were added after the classification under ${num.definition?.id ?? den?.definition?.id}: run svd classify`,
      );
    const k = sumMonths(num.byMonth, months);
    if (metric === 'count') {
      const ci = exactPoissonInterval(k);
      return {
        ...head,
        count: k,
        denominator: null,
        value: k,
        lower: ci.lower,
        upper: ci.upper,
        small: k < SMALL,
        missing: null,
      };
    }
    if (metric === 'rate') {
      const ci = exactPoissonInterval(k);
      const per = 1000 / population!;
      return {
        ...head,
        count: k,
        denominator: population,
        value: k * per,
        lower: ci.lower * per,
        upper: ci.upper * per,
        small: k < SMALL,
        missing: null,
      };
    }
    const n = sumMonths(den!.byMonth, months);
    if (n === 0) return missing([], 'no records to take a share of');
    if (k > n)
      return missing(
        [],
        `the share's records (${k}) outnumber those it is a share of (${n}): share_of must include the measure's records`,
      );
    const ci = wilsonInterval(k, n);
    return {
      ...head,
      count: k,
      denominator: n,
      value: k / n,
      lower: ci.lower,
      upper: ci.upper,
      small: n < SMALL,
      missing: null,
    };
  };
  const series = periods.map(valueOf);
  const currentValue = valueOf(current);
  const baselineValue = baseline === undefined ? null : valueOf(baseline);
  const comparison =
    baselineValue?.value != null && currentValue.value !== null
      ? {
          change: currentValue.value - baselineValue.value,
          percentChange:
            baselineValue.value === 0
              ? null
              : ((currentValue.value - baselineValue.value) / baselineValue.value) * 100,
          distinguishable:
            currentValue.lower! > baselineValue.upper! ||
            currentValue.upper! < baselineValue.lower!,
        }
      : null;
  const assessment = assessTarget({
    target: spec.target,
    tolerance: spec.tolerance,
    baseline:
      baselineValue === null ? null : { value: baselineValue.value, lastMonth: baselineValue.last },
    current: { value: currentValue.value, lastMonth: currentValue.last },
  });
  const batchIds = [...new Set([...num.batches, ...(den?.batches ?? [])])];
  const batches =
    batchIds.length === 0
      ? []
      : await ws.db.all<BatchRef>(
          `SELECT batch_id, source_kind, file_name, sha256 FROM batches WHERE list_contains($ids, batch_id) ORDER BY batch_id`,
          { ids: listValue(batchIds) },
        );
  const definitions = [num.definition, den?.definition].filter(
    (d): d is DefinitionMeta => d != null,
  );
  return {
    ...base,
    current: currentValue,
    baseline: baselineValue,
    comparison,
    assessment,
    series,
    sources: [...new Set([...num.sources, ...(den?.sources ?? [])])].sort(),
    provenance: {
      batches,
      definitions: definitions.filter(
        (d, i) => definitions.findIndex((e) => e.content_hash === d.content_hash) === i,
      ),
      population:
        metric === 'rate' && ctx.population !== null
          ? { dataset: ctx.population.dataset, year: ctx.population.year }
          : null,
    },
    notes: [...new Set([...num.notes, ...(den?.notes ?? [])])],
    problem: null,
  };
}
