/**
 * The answer of `svd analyse causes --json` and `/api/causes`: serious violence beside its risk
 * and protective factors (docs/decisions/0080-causes.md). Four parts, each read on its own:
 * the association of violence with each small-area indicator, the neighbourhood risk index and
 * its quadrants, the area against comparators, and the indicators' trends beside violence's.
 * Pure type declarations.
 */
import type { AnalysisResult } from './analyses.js';

export type IndicatorPolarity = 'higher-is-worse' | 'higher-is-better' | 'neutral' | 'unknown';

/** A regression's rate ratio for one step of the covariate, with its 95% Wald interval. */
export interface RateRatio {
  rateRatio: number;
  lower: number;
  upper: number;
  pValue: number;
}

export interface MoranSummary {
  statistic: number;
  expectation: number;
  variance: number;
  /** The standard deviate (I − E) / √V. */
  z: number;
  /** One-sided, greater: positive autocorrelation left in the residuals. */
  pValue: number;
}

export interface AssociationRow {
  indicator: string;
  name: string;
  unit: string | null;
  polarity: IndicatorPolarity;
  period: string;
  /** Small areas with both a count and a value of the indicator. */
  areas: number;
  /** Small areas of the selection without a value of the indicator (suppressed or not published). */
  missing: number;
  mean: number;
  sd: number;
  /** Rate ratio per standard deviation of the indicator: Poisson and negative binomial. */
  perSd: { poisson: RateRatio | null; negativeBinomial: RateRatio | null };
  /** Rate ratio per decile of the indicator across the areas (10 = highest values). */
  perDecile: { poisson: RateRatio | null; negativeBinomial: RateRatio | null };
  /** Pearson χ² / residual df of the Poisson fit: far above 1 means the Poisson intervals are too narrow. */
  dispersion: number | null;
  /** The negative binomial's θ (variance = μ + μ²/θ) and its standard error. */
  theta: { value: number; se: number } | null;
  spearman: { rho: number; lower: number | null; upper: number | null; pValue: number } | null;
  /** Moran's I of the negative binomial fit's Pearson residuals over contiguous areas. */
  moran: MoranSummary | null;
  /** True when the indicator is itself built from recorded crime (the IMD crime domain). */
  circular: boolean;
  /** A plain-words reading of the row. */
  summary: string;
}

export interface Association {
  level: 'lsoa21';
  areas: number;
  incidents: number;
  population: number;
  /** Areas with no contiguous neighbour among the areas (Moran's I gives them no weight). */
  isolated: number;
  rows: AssociationRow[];
}

export type Quadrant =
  | 'high-risk-high-violence'
  | 'high-risk-low-violence'
  | 'low-risk-high-violence'
  | 'low-risk-low-violence';

export interface RiskComponent {
  indicator: string;
  name: string;
  weight: number;
  /** +1 when higher values mean more risk, −1 when lower values do. */
  direction: 1 | -1;
  period: string | null;
  mean: number | null;
  sd: number | null;
  /** Areas without a value of this component (their index is not computed). */
  missing: number;
  held: boolean;
}

export interface RiskArea {
  code: string;
  name: string | null;
  /**
   * The 2011 LSOAs the area is drawn with on a map of 2011 boundaries: itself when unchanged,
   * its parts when merged; a 2011 LSOA split in 2021 is listed by each of its parts.
   */
  lsoa11: string[];
  score: number | null;
  /** 1 = highest risk among the areas. */
  rank: number | null;
  count: number;
  population: number | null;
  /** Incidents per 1,000 residents over the period. */
  rate: number | null;
  quadrant: Quadrant | null;
}

export interface RiskIndex {
  weights: { id: string; version: number; title: string; file: string; sha256: string };
  components: RiskComponent[];
  thresholds: { risk: number | null; violence: number | null; rule: string };
  quadrants: Record<Quadrant, number>;
  areas: RiskArea[];
}

export interface ComparatorValue {
  code: string;
  name: string | null;
  value: number | null;
  lower: number | null;
  upper: number | null;
}

export interface ComparatorRow {
  indicator: string;
  name: string;
  unit: string | null;
  polarity: IndicatorPolarity;
  period: string;
  /** Whether the value is the area's own or that of the county it lies in. */
  areaBasis: 'area' | 'county';
  area: ComparatorValue;
  england: ComparatorValue | null;
  region: ComparatorValue | null;
  neighbours: (ComparatorValue & { distance: number })[];
  neighboursMedian: number | null;
  /** Position among every local authority with a value (1 = highest value). */
  rank: { position: number; of: number } | null;
  /** Against England: by the intervals where published, else by the value alone. */
  versusEngland: 'higher' | 'lower' | 'similar' | 'not-compared';
  note: string | null;
}

export interface ViolenceComparator {
  code: string;
  name: string | null;
  level: string;
  count: number;
  population: number | null;
  rate: number | null;
  lower: number | null;
  upper: number | null;
}

export interface Comparators {
  /**
   * The upper-tier local authority compared: the area's own, or the county a district lies in
   * (then each row's `areaBasis` is `county`).
   */
  area: { code: string; name: string | null; level: 'county' } | null;
  method: string;
  features: string[];
  similar: { code: string; name: string | null; distance: number }[];
  rows: ComparatorRow[];
  /**
   * Serious violence per 1,000 residents a year in the area and in the partnerships and districts
   * within it (never beyond the area: its figures are the area's whatever else is held).
   */
  violence: ViolenceComparator[];
}

export interface TrendPoint {
  period: string;
  value: number | null;
  england: number | null;
  region: number | null;
}

export interface IndicatorTrend {
  indicator: string;
  name: string;
  unit: string | null;
  polarity: IndicatorPolarity;
  areaBasis: 'area' | 'county';
  points: TrendPoint[];
  /** First to last value held, in words. */
  change: string | null;
}

export interface ViolenceYear {
  period: string;
  months: number;
  count: number;
  rate: number | null;
}

export interface CausesTrends {
  violence: ViolenceYear[];
  indicators: IndicatorTrend[];
}

export interface CausesResult {
  area: { code: string | null; name: string | null; level: string | null };
  months: { from: string | null; to: string | null };
  indicatorsHeld: number;
  association: Association;
  riskIndex: RiskIndex | null;
  comparators: Comparators;
  trends: CausesTrends;
  cautions: string[];
  summary: string[];
}

export type CausesAnswer = AnalysisResult<CausesResult>;
