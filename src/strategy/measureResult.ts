/** What evaluating a measure gives (evaluateMeasure.ts, evaluateIndicatorMeasure.ts), and what it needs. */
import type { Reporter } from '../core/reporter.js';
import type { PopulationDataset } from '../geo/population/populationByArea.js';
import type { PeriodValue, TargetAssessment } from '../api/strategy.js';
import type { DefinitionMeta } from '../api/definitions.js';
import type { Measure, Metric, PeriodBasis } from './schema.js';
import { assessTarget } from './assessTarget.js';

export interface BatchRef {
  batch_id: number;
  source_kind: string;
  file_name: string;
  sha256: string;
}

export interface MeasureProvenance {
  batches: BatchRef[];
  definitions: DefinitionMeta[];
  population: { dataset: string; year: number } | null;
}

export interface MeasureResult {
  id: string;
  priorityId: string;
  title: string;
  metric: Metric;
  /** The measure's periods; `as-published` for a measure following an indicator. */
  basis: PeriodBasis | 'as-published';
  unit: string;
  /** The measure as evaluated, preset fields filled in. */
  spec: Measure;
  current: PeriodValue | null;
  baseline: PeriodValue | null;
  comparison: { change: number; percentChange: number | null; distinguishable: boolean } | null;
  assessment: TargetAssessment;
  series: PeriodValue[];
  /** Record sources of the figures (decides the disclosure rules). */
  sources: string[];
  provenance: MeasureProvenance;
  /** The data the figures were taken up to (last month). */
  dataTo: string;
  notes: string[];
  /** Set when the measure could not be evaluated at all (e.g. a definition never classified). */
  problem: string | null;
}

export interface EvaluateContext {
  reporter: Reporter;
  cwd: string;
  /** The last month of data to evaluate to. */
  to: string;
  /** The population dataset for rates (chosen once for all measures). */
  population: PopulationDataset | null;
}

/** What a measure is, before any figure: the head of its result. */
export type MeasureHead = Pick<
  MeasureResult,
  'id' | 'priorityId' | 'title' | 'metric' | 'basis' | 'unit' | 'spec' | 'dataTo'
>;

/** The result of a measure that could not be computed: missing, with the problem in words. */
export function unevaluated(
  head: MeasureHead,
  problem: string,
  from: { sources: string[]; definitions?: DefinitionMeta[] },
): MeasureResult {
  return {
    ...head,
    current: null,
    baseline: null,
    comparison: null,
    assessment: {
      ...assessTarget({
        target: head.spec.target,
        tolerance: head.spec.tolerance,
        baseline: null,
        current: null,
      }),
      status: 'missing',
      reason: 'the measure could not be computed (see its note)',
    },
    series: [],
    sources: from.sources,
    provenance: { batches: [], definitions: from.definitions ?? [], population: null },
    notes: [],
    problem,
  };
}
