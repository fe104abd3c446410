/**
 * Checks of a strategy beyond its shape: ids unique, an action's objective among its priority's,
 * dates in order, and each measure complete and meaningful — its preset known, its definition and
 * tier known, its area level, age range, filters, baseline, target and tolerance well formed.
 */
import { didYouMean, suggest } from '../core/suggest.js';
import { formatPath, type Path } from '../definitions/definitionFile.js';
import { AREA_LEVELS } from '../geo/levels.js';
import { parseAgeRange } from '../geo/population/ageLabels.js';
import { findPreset, MEASURE_PRESETS, resolveMeasure } from './presets.js';
import { parsePeriod, PERIOD_EXAMPLES } from './periods.js';
import { PERIOD_BASES, type MeasureSelection, type StrategyFile } from './schema.js';
import type { StrategyIssue } from './strategyIssue.js';

export interface StrategyContext {
  /** Definitions a measure may name (shipped and stored), by id and by id@version: their tiers. */
  definitions: ReadonlyMap<string, readonly string[]>;
  /** Dimensions a measure's filters may use. */
  dimensions: readonly string[];
}

/** Fields of a measure of records that a measure following an indicator must not have. */
const INDICATOR_EXCLUDES = [
  'definition',
  'tier',
  'age',
  'sources',
  'filters',
  'area',
  'metric',
  'share_of',
  'period',
] as const;

/** Dimensions that a measure sets through its own fields rather than through filters. */
const RESERVED_FILTERS = ['tier', 'matched_tier', 'rule', 'source', 'month', 'year'];

export function validateStrategy(file: StrategyFile, context: StrategyContext): StrategyIssue[] {
  const issues: StrategyIssue[] = [];
  const error = (path: Path, code: string, message: string): void => {
    issues.push({ severity: 'error', code, path, message: `${formatPath(path)}: ${message}` });
  };
  const warn = (path: Path, code: string, message: string): void => {
    issues.push({ severity: 'warning', code, path, message: `${formatPath(path)}: ${message}` });
  };
  const seen = new Map<string, Path>();
  const unique = (kind: string, id: string, path: Path): void => {
    const key = `${kind}:${id}`;
    const first = seen.get(key);
    if (first !== undefined)
      error(
        [...path, 'id'],
        'DUPLICATE_ID',
        `the ${kind} id "${id}" is already used at ${formatPath(first)}; ids must be unique in the strategy`,
      );
    else seen.set(key, path);
  };
  if (file.period.from > file.period.to)
    error(
      ['period', 'to'],
      'DATES_OUT_OF_ORDER',
      `the strategy ends (${file.period.to}) before it starts (${file.period.from})`,
    );

  const checkSelection = (sel: MeasureSelection, path: Path): void => {
    if (sel.definition !== undefined) {
      const tiers = context.definitions.get(sel.definition);
      if (tiers === undefined) {
        const ids = [...context.definitions.keys()].filter((k) => !k.includes('@'));
        error(
          [...path, 'definition'],
          'UNKNOWN_DEFINITION',
          `no definition "${sel.definition}"${didYouMean(suggest(sel.definition, ids, { limit: 1 }))}; use one of ${ids.join(', ')}`,
        );
      } else if (sel.tier === undefined)
        error(
          path,
          'MISSING_FIELD',
          `missing "tier": which tier of ${sel.definition} (${tiers.join(', ')})`,
        );
      else if (!tiers.includes(sel.tier))
        error(
          [...path, 'tier'],
          'UNKNOWN_TIER',
          `${sel.definition} has no tier "${sel.tier}"${didYouMean(suggest(sel.tier, [...tiers], { limit: 1 }))}; its tiers are ${tiers.join(', ')}`,
        );
    } else if (sel.tier !== undefined)
      error(
        [...path, 'tier'],
        'TIER_WITHOUT_DEFINITION',
        'a tier needs the definition it belongs to: add "definition"',
      );
    if (sel.age !== undefined && parseAgeRange(sel.age) === undefined)
      error(
        [...path, 'age'],
        'BAD_AGE_RANGE',
        `${JSON.stringify(sel.age)} is not an age range; write e.g. "0-24" or "65+"`,
      );
    for (const name of Object.keys(sel.filters ?? {})) {
      if (RESERVED_FILTERS.includes(name))
        error(
          [...path, 'filters', name],
          'RESERVED_FILTER',
          `"${name}" is set by the measure itself (definition, tier, sources, period), not by a filter`,
        );
      else if (!context.dimensions.includes(name))
        error(
          [...path, 'filters', name],
          'UNKNOWN_DIMENSION',
          `unknown dimension "${name}"${didYouMean(suggest(name, [...context.dimensions], { limit: 1 }))}`,
        );
    }
  };

  file.priorities.forEach((priority, p) => {
    const pp: Path = ['priorities', p];
    unique('priority', priority.id, pp);
    const objectives = (priority.objectives ?? []).map((o) => o.id);
    priority.objectives?.forEach((o, i) => unique('objective', o.id, [...pp, 'objectives', i]));
    priority.actions?.forEach((action, a) => {
      const ap: Path = [...pp, 'actions', a];
      unique('action', action.id, ap);
      if (action.objective !== undefined && !objectives.includes(action.objective))
        error(
          [...ap, 'objective'],
          'UNKNOWN_OBJECTIVE',
          `"${action.objective}" is not an objective of priority ${priority.id}${objectives.length === 0 ? ' (it has none)' : `; its objectives are ${objectives.join(', ')}`}`,
        );
      if (action.start !== undefined && action.due !== undefined && action.due < action.start)
        error(
          [...ap, 'due'],
          'DATES_OUT_OF_ORDER',
          `due ${action.due} is before the start ${action.start}`,
        );
      if (
        action.due !== undefined &&
        (action.due < file.period.from || action.due > file.period.to)
      )
        warn(
          [...ap, 'due'],
          'OUTSIDE_PERIOD',
          `due ${action.due} is outside the strategy's period (${file.period.from} to ${file.period.to})`,
        );
      if (action.status === 'completed' && action.rag !== undefined && action.rag !== 'green')
        warn(
          [...ap, 'rag'],
          'COMPLETED_NOT_GREEN',
          `the action is completed but rated ${action.rag}`,
        );
    });
    priority.measures?.forEach((raw, m) => {
      const mp: Path = [...pp, 'measures', m];
      unique('measure', raw.id, mp);
      if (raw.preset !== undefined && findPreset(raw.preset) === undefined) {
        error(
          [...mp, 'preset'],
          'UNKNOWN_PRESET',
          `no preset "${raw.preset}"${didYouMean(
            suggest(
              raw.preset,
              MEASURE_PRESETS.map((x) => x.id),
              { limit: 1 },
            ),
          )}; the presets are ${MEASURE_PRESETS.map((x) => x.id).join(', ')}`,
        );
        return;
      }
      const measure = resolveMeasure(raw);
      if (measure.indicator !== undefined) {
        if (measure.title === undefined) error(mp, 'MISSING_FIELD', 'missing "title"');
        for (const field of INDICATOR_EXCLUDES)
          if (measure[field] !== undefined)
            error(
              [...mp, field],
              'INDICATOR_MEASURE_FIELD',
              `"${field}" is for a measure of records; a measure that follows an indicator takes its periods, area and unit from the indicator`,
            );
        if (measure.target !== undefined && measure.baseline === undefined)
          error(
            mp,
            'TARGET_NEEDS_BASELINE',
            'a target is measured from a baseline: add "baseline"',
          );
        return;
      }
      checkSelection(measure, mp);
      if (measure.title === undefined) error(mp, 'MISSING_FIELD', 'missing "title"');
      if (measure.period === undefined)
        error(mp, 'MISSING_FIELD', `missing "period": one of ${PERIOD_BASES.join(', ')}`);
      const metric = measure.metric ?? 'count';
      if (
        measure.area !== undefined &&
        !(AREA_LEVELS as readonly string[]).includes(measure.area.level)
      )
        error(
          [...mp, 'area', 'level'],
          'UNKNOWN_LEVEL',
          `unknown area level "${measure.area.level}"${didYouMean(suggest(measure.area.level, [...AREA_LEVELS], { limit: 1 }))}; use one of ${AREA_LEVELS.join(', ')}`,
        );
      if (metric === 'rate' && measure.area === undefined)
        error(
          mp,
          'RATE_NEEDS_AREA',
          'a rate per 1,000 residents needs an "area" (its population is the denominator)',
        );
      if (metric === 'share' && measure.share_of === undefined)
        error(
          mp,
          'SHARE_NEEDS_DENOMINATOR',
          'a share needs "share_of": the records it is a share of',
        );
      if (metric !== 'share' && measure.share_of !== undefined)
        error([...mp, 'share_of'], 'SHARE_OF_WITHOUT_SHARE', 'share_of is only for metric: share');
      if (measure.share_of !== undefined) checkSelection(measure.share_of, [...mp, 'share_of']);
      if (
        measure.baseline !== undefined &&
        measure.period !== undefined &&
        parsePeriod(measure.period, measure.baseline) === undefined
      )
        error(
          [...mp, 'baseline'],
          'BAD_PERIOD',
          `${JSON.stringify(measure.baseline)} is not a ${measure.period} period; write e.g. ${PERIOD_EXAMPLES[measure.period]}`,
        );
      const target = measure.target;
      if (target !== undefined) {
        if (measure.baseline === undefined)
          error(
            mp,
            'TARGET_NEEDS_BASELINE',
            'a target is measured from a baseline: add "baseline"',
          );
        const given = [target.percent, target.value].filter((v) => v !== undefined).length;
        if (target.direction === 'maintain' && given > 0)
          error(
            [...mp, 'target'],
            'MAINTAIN_WITH_VALUE',
            'a "maintain" target keeps the baseline level: give neither percent nor value',
          );
        if (target.direction !== 'maintain' && given !== 1)
          error(
            [...mp, 'target'],
            'TARGET_VALUE',
            `a target to ${target.direction} needs exactly one of "percent" (change from the baseline) or "value"`,
          );
        if (target.direction === 'decrease' && target.percent !== undefined && target.percent > 100)
          error(
            [...mp, 'target', 'percent'],
            'OUT_OF_RANGE',
            `a decrease of ${target.percent}% is more than the whole baseline`,
          );
        if (
          metric === 'share' &&
          target.value !== undefined &&
          (target.value < 0 || target.value > 1)
        )
          error(
            [...mp, 'target', 'value'],
            'OUT_OF_RANGE',
            `a share is between 0 and 1 (e.g. 0.25 for 25%): ${target.value}`,
          );
        if (target.by < file.period.from)
          warn(
            [...mp, 'target', 'by'],
            'OUTSIDE_PERIOD',
            `the target date ${target.by} is before the strategy starts (${file.period.from})`,
          );
      }
      if (measure.tolerance !== undefined) {
        const given = [measure.tolerance.percent, measure.tolerance.value].filter(
          (v) => v !== undefined,
        ).length;
        if (given !== 1)
          error(
            [...mp, 'tolerance'],
            'TOLERANCE_VALUE',
            'give exactly one of "percent" (of the expected value) or "value"',
          );
        if (target === undefined)
          warn(
            [...mp, 'tolerance'],
            'TOLERANCE_WITHOUT_TARGET',
            'a tolerance means nothing without a target',
          );
      }
    });
  });
  return issues;
}
