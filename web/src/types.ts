/** The shapes of the API's answers that the pages read (see /api/openapi.json). */

export interface DefinitionMeta {
  id: string;
  version: number;
  content_hash: string;
  title: string;
  coverage: 'exact' | 'proxy';
}

export interface Meta {
  software: string;
  workspace: string;
  months: { first: string | null; last: string | null };
  areas: { value: string; level: string; code: string; name: string; within: string | null }[];
  defaultArea: string;
  definitions: (DefinitionMeta & {
    classifiedAt: string;
    tiers: { id: string; label: string }[];
  })[];
  defaultDefinition: string | null;
  /** The primary tier of the default definition (pages count it unless "all" is chosen). */
  defaultTier: string | null;
  defaultSource: string | null;
  sources: { source: string; records: number; synthetic: boolean }[];
  syntheticBatches: number;
  hasBoundaries: boolean;
  hasPopulation: boolean;
}

export interface TierCount {
  tier: string;
  label: string;
  n: number | null;
}

export interface SourceCoverage {
  months: string[];
  sources: {
    source: string;
    label: string;
    synthetic: boolean;
    months: (number | null)[];
    firstMonth: string | null;
    lastMonth: string | null;
    rows: number;
    lastIngested: string | null;
  }[];
}

export interface Overview {
  definition: {
    meta: DefinitionMeta;
    classifiedAt: string;
    unclassified: number;
    unavailableTiers: { tier: string; fields: string[] }[];
    notes: string[];
  } | null;
  tiers: TierCount[];
  total: number;
  months: { month: string; n: number }[];
  bySource: { source: string; n: number }[];
  successMeasures: { definition: DefinitionMeta; measures: TierCount[] } | null;
  synthetic: { incidents: number };
  coverage: SourceCoverage;
}

export interface RateRow {
  code: string;
  name: string | null;
  count: number;
  population: number | null;
  rate: number | null;
  lower: number | null;
  upper: number | null;
  small: boolean;
}

export interface MapAnswer {
  level: string;
  rows: RateRow[];
  unplaced: number;
  metadata: {
    per: number;
    interval: string;
    smallCount: number;
    population: { dataset: string; year: number };
    periodNote: string | null;
    notes: string[];
  };
  definition: DefinitionMeta | null;
  places: Record<string, { ward: string | null; district: string | null; street: string | null }>;
  districts: {
    code: string;
    name: string | null;
    label: [number, number] | null;
    rings: [number, number][][];
  }[];
  period: { from: string | null; to: string | null };
  top: string[];
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id: string;
    properties: { code: string; name: string | null };
    geometry: unknown;
  }[];
}

export interface PointsAnswer {
  points: { lon: number; lat: number; n: number }[];
  total: number;
  truncated: boolean;
}

export interface BatchRow {
  batch_id: number;
  source_kind: string;
  file_name: string;
  sha256: string;
  rows_read: number;
  rows_stored: number;
  rows_rejected: number;
  started_at: string;
  finished_at: string | null;
  status: string;
  synthetic: boolean;
  warnings: number;
}

export interface BatchMessage {
  batch_id?: number;
  severity: string;
  code: string;
  message: string;
  count: number;
  first_line?: number | null;
  firstLine?: number;
  field?: string | null;
  example_value?: string | null;
  exampleValue?: string;
}

export interface DescribedRule {
  id: string;
  label: string;
  conditions: string[];
}

export interface DescribedDefinition {
  meta: DefinitionMeta;
  effectiveFrom: string;
  description: string | null;
  sources: string[];
  notes: string | null;
  tiers: { id: string; label: string; rules: DescribedRule[] }[];
  exclusions: DescribedRule[];
  codes: { code: string; name: string; subgroup: string }[];
  sourceText: string;
}

export interface SampleRecord {
  id: number;
  source: string;
  month: string;
  crime_type: string | null;
  offence_code: string | null;
  offence_description: string | null;
  tier: string | null;
}

export interface ExplainAnswer {
  definition: DefinitionMeta;
  record: Record<string, string | number | boolean | null> & {
    id: number;
    source: string;
    month: string;
  };
  stored: { tier: string | null; status: string } | null;
  classification: { tier: string | null; status: string; tiers: string[]; excludedBy: string[] };
  rules: {
    kind: 'rule' | 'exclusion';
    tier: string | null;
    rule: string;
    label: string;
    matched: boolean;
    nearly: boolean;
    checks: { kind: string; needs: string; has: string; holds: boolean }[];
    /** For a matched rule, the kinds of condition that decided (offence code, sub-code …). */
    decidedBy: string[];
  }[];
}

export interface WhatIfAnswer {
  base: DefinitionMeta;
  proposal: DefinitionMeta;
  records: number;
  noData: number;
  changed: number;
  tiers: { tier: string; base: number; proposal: number; change: number; percent: number | null }[];
  transitions: { from: string; to: string; n: number }[];
  breakdowns: {
    by: string;
    rows: { value: string | null; label?: string; from: string; to: string; n: number }[];
  }[];
  headline: string;
  warnings: string[];
}

export interface PartnerFileOutcome {
  file: string;
  status: string;
  batchId?: number;
  existingBatchId?: number;
  synthetic: boolean;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  messages: BatchMessage[];
}

export interface UploadAnswer {
  kind: string;
  report: {
    files: (PartnerFileOutcome & { rows?: number; dataset?: string })[];
    rowsStored: number;
  };
  reclassified: string[];
}

export interface ActionRow {
  id: string;
  priority: string;
  priorityTitle: string;
  objective: string | null;
  title: string;
  leadKind: string;
  leadName: string;
  s8_5: boolean;
  partners: string[];
  owner: string | null;
  start: string | null;
  due: string | null;
  status: string;
  rag: string | null;
  overdue: boolean;
  daysOverdue: number | null;
  lastUpdate: { date: string; by: string | null; text: string } | null;
  updates: number;
}

export interface StrategyAnswer {
  id: string;
  title: string;
  partnership: string | null;
  illustrative: boolean;
  period: { from: string; to: string };
  vision: string;
  reviewMonths: number;
  priorities: {
    id: string;
    title: string;
    description: string | null;
    objectives: { id: string; title: string; actions: string[] }[];
    actions: ActionRow[];
    measures: {
      id: string;
      title: string;
      preset: string | null;
      metric: string;
      period: string;
    }[];
    actionsByStatus: Record<string, number>;
    overdue: number;
  }[];
  revision: { revision: number; reason: string; created_at: string; content_hash: string };
}

export interface PeriodValue {
  period: string;
  description: string;
  first: string;
  last: string;
  count: number | null;
  denominator: number | null;
  value: number | null;
  lower: number | null;
  upper: number | null;
  small: boolean;
  missing: { months: string[]; reason: string } | null;
}

export interface MeasureAnswer {
  id: string;
  priorityId: string;
  title: string;
  metric: 'count' | 'rate' | 'share';
  basis: string;
  unit: string;
  current: PeriodValue | null;
  baseline: PeriodValue | null;
  comparison: { change: number; percentChange: number | null; distinguishable: boolean } | null;
  assessment: {
    status: string;
    targetValue: number | null;
    expected: number | null;
    tolerance: number | null;
    reason: string;
  };
  series: PeriodValue[];
  notes: string[];
  problem: string | null;
}

export interface MeasuresAnswer {
  dataTo: string;
  evaluatedAt: string;
  measures: MeasureAnswer[];
}

export interface ReviewEntry {
  review: {
    review_id: number;
    title: string;
    status: string;
    started_at: string;
    closed_at: string | null;
    data_to: string | null;
    summary: string | null;
  };
  previous: number | null;
  measures: {
    id: string;
    title: string;
    before: { period: string | null; value: number | null; status: string } | null;
    after: { period: string | null; value: number | null; status: string } | null;
    statusChanged: boolean;
  }[];
  actions: {
    id: string;
    title: string;
    before: { status: string; rag: string | null } | null;
    after: { status: string; rag: string | null } | null;
  }[];
  commentary: number;
  consultations: number;
}
