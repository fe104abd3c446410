/**
 * The answers of the strategy's endpoints: the strategy as a tree (`/api/strategy`), its actions
 * (`/api/actions`), its measures evaluated (`/api/measures`) and the review history
 * (`/api/reviews`). Pure type declarations.
 */

/** An action's status (the strategy file's vocabulary; its schema checks the list against this). */
export type ActionStatus = 'not-started' | 'in-progress' | 'completed' | 'on-hold' | 'cancelled';

/** `/api/actions`: an action with its priority, lead, dates, status and whether it is overdue. */
export interface ActionRow {
  id: string;
  priority: string;
  priorityTitle: string;
  objective: string | null;
  title: string;
  leadKind: string;
  leadName: string;
  /** True when the lead is a school, prison or youth custody body given the action under s8(5). */
  s8_5: boolean;
  partners: string[];
  owner: string | null;
  start: string | null;
  due: string | null;
  status: ActionStatus;
  rag: string | null;
  overdue: boolean;
  daysOverdue: number | null;
  lastUpdate: { date: string; by: string | null; text: string } | null;
  updates: number;
}

/** `/api/strategy`: priorities with their objectives, actions and measures. */
export interface StrategyTree {
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
}

/** A revision of the strategy stored in the workspace. */
export interface StrategyRevision {
  revision: number;
  strategy_id: string;
  content_hash: string;
  origin: string;
  reason: string;
  created_at: string;
}

/** `/api/strategy`: the strategy as it stands, and the revision it is. */
export type StrategyAnswer = StrategyTree & { revision: StrategyRevision };

/** A measure's value over one period. */
export interface PeriodValue {
  period: string;
  description: string;
  first: string;
  last: string;
  /** The records counted (the numerator of a rate or share); null when missing. */
  count: number | null;
  /** Population (rate) or the records the share is of (share); null for counts. */
  denominator: number | null;
  value: number | null;
  lower: number | null;
  upper: number | null;
  /** Fewer than 10 records: the value is too uncertain to read much into. */
  small: boolean;
  /** Why there is no value: the months without data, or records not classified. */
  missing: { months: string[]; reason: string } | null;
}

/** Whether a measure is on track for its target (see assessTarget). */
export type TargetStatus =
  'met' | 'on-track' | 'within-tolerance' | 'off-track' | 'missed' | 'missing' | 'no-target';

export interface TargetAssessment {
  status: TargetStatus;
  /** The value to reach (null without a target or a baseline). */
  targetValue: number | null;
  /** Where the trajectory says the measure should be at the end of the current period. */
  expected: number | null;
  tolerance: number | null;
  /** Share of the time from baseline to target date elapsed at the end of the current period. */
  elapsed: number | null;
  reason: string;
}

/**
 * A measure evaluated, as the Measures page reads it. evaluateMeasure's MeasureResult also holds
 * the measure as evaluated, the record sources and the provenance of the figures; the route
 * checks it against this.
 */
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
  assessment: TargetAssessment;
  series: PeriodValue[];
  /** The data the figures were taken up to (last month). */
  dataTo: string;
  notes: string[];
  /** Set when the measure could not be evaluated at all (e.g. a definition never classified). */
  problem: string | null;
}

/** `/api/measures`: every measure of the strategy evaluated to one month of data. */
export interface MeasuresAnswer {
  dataTo: string;
  dataToBasis: 'given' | 'latest-data';
  evaluatedAt: string;
  measures: MeasureAnswer[];
}

/** A review of the strategy. */
export interface ReviewRow {
  review_id: number;
  title: string;
  status: 'open' | 'closed';
  started_at: string;
  started_revision: number;
  closed_at: string | null;
  closed_revision: number | null;
  data_to: string | null;
  summary: string | null;
}

/** A measure's value and status at a review and at the one before. */
export interface MeasureChange {
  id: string;
  title: string;
  before: { period: string | null; value: number | null; status: string } | null;
  after: { period: string | null; value: number | null; status: string } | null;
  statusChanged: boolean;
}

/** An action's status and RAG at a review and at the one before (every action at the first). */
export interface ActionMove {
  id: string;
  title: string;
  before: { status: string; rag: string | null } | null;
  after: { status: string; rag: string | null } | null;
}

/** `/api/reviews`: a closed review and what changed since the one before. */
export interface ReviewHistoryEntry {
  review: ReviewRow;
  previous: number | null;
  measures: MeasureChange[];
  actions: ActionMove[];
  commentary: number;
  consultations: number;
}
