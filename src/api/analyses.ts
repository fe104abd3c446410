/**
 * The answers of the analyses' endpoints (`/api/trends`, `/api/when`, `/api/who`,
 * `/api/health-vs-police`, `/api/deprivation`, `/api/hotspots/cells`): each analysis's result as
 * `svd analyse … --json` prints it, in the `{ result, params, warnings }` every analysis returns.
 * Pure type declarations: the analyses produce these shapes and the web app reads them.
 */

export interface ResolvedParam {
  value: unknown;
  /** True when svd chose the value (a default derived from the data, or a fixed default). */
  automatic: boolean;
  /** Why this value, in words, for automatic ones (e.g. "50 cells across the shorter side"). */
  explanation?: string;
  unit?: string;
}

export interface AnalysisWarning {
  code: string;
  message: string;
  /** How many times the same warning arose. */
  count: number;
}

export interface AnalysisResult<T> {
  result: T;
  params: Record<string, ResolvedParam>;
  warnings: AnalysisWarning[];
}

/**
 * How a month is held: `complete` when every unit (source and force) of the selection holds it,
 * `partial` when only some do, `missing` when none.
 */
export type MonthStatus = 'complete' | 'partial' | 'missing';

export interface MonthlyPoint {
  month: string;
  status: MonthStatus;
  /** The month's count, or null when the month is not fully held (a gap, not a zero). */
  count: number | null;
  /** What is held for a partial month (0 for a missing one). */
  held: number;
  days: number;
  small: boolean;
}

export interface PeriodTotal {
  label: string;
  from: string;
  to: string;
  months: number;
  monthsHeld: number;
  /** The total, or null unless every month of the period is held. */
  count: number | null;
  complete: boolean;
  small: boolean;
}

export interface MonthRange {
  from: string;
  to: string;
}

export interface PeriodChange {
  basis: string;
  earlier: MonthRange & { count: number; days: number; months: number };
  later: MonthRange & { count: number; days: number; months: number };
  /** Later rate per day ÷ earlier rate per day; null when the earlier count is 0. */
  rateRatio: number | null;
  lower: number;
  upper: number | null;
  /** (rate ratio − 1) as a percentage. */
  percentChange: number | null;
  pValue: number;
  significant: boolean;
  small: boolean;
  test: string;
  summary: string;
}

export interface TrendTest {
  test: string;
  from: string;
  to: string;
  months: number;
  S: number;
  tau: number;
  varS: number;
  method: 'exact' | 'normal';
  z: number | null;
  pValue: number;
  direction: 'up' | 'down' | 'none';
  /** Sen's slope in incidents a month, per month; its interval (null when too few months). */
  slope: number;
  slopeLower: number | null;
  slopeUpper: number | null;
  summary: string;
}

export interface SeasonalPoint {
  calendarMonth: number;
  name: string;
  /** How many held months of this calendar month the profile rests on. */
  years: number;
  meanCount: number | null;
  /** Rate per day in this calendar month ÷ the rate per day over all months held (1 = average). */
  index: number | null;
}

export interface TrendsResult {
  from: string;
  to: string;
  total: number;
  months: MonthlyPoint[];
  quarters: PeriodTotal[];
  financialYears: PeriodTotal[];
  rolling12: { to: string; count: number | null }[];
  change: PeriodChange | null;
  trend: TrendTest | null;
  seasonal: SeasonalPoint[];
  summary: string[];
}

export interface WhenResult {
  /** 7 rows (Monday first) × 24 hours of apportioned counts, or null when no record has a time. */
  matrix: number[][] | null;
  byDay: { day: string; count: number }[] | null;
  byHour: { hour: number; count: number }[] | null;
  records: {
    selected: number;
    /** Placed in the matrix. */
    placed: number;
    /** An exact time (from = to). */
    exactTime: number;
    /** A range, spread over its hours. */
    range: number;
    /** Of the ranges: a whole day or days with no time (date only). */
    dateOnly: number;
    /** Of the ranges: longer than a day, and longer than a week. */
    longerThanDay: number;
    longerThanWeek: number;
    /** Not placed: no time at all (by source), or a range longer than maxSpanHours. */
    noTime: Record<string, number>;
    tooLong: number;
  };
  /** The share of placed weight that comes from exact times rather than spread ranges. */
  exactShare: number | null;
  peaks: { day: string; hour: number; count: number }[];
  seasonal: SeasonalPoint[];
  summary: string[];
}

export interface AgeSexTable {
  /** One row per age band (youngest first, "unknown" last), a count per sex. */
  rows: { band: string; counts: Record<string, number>; total: number }[];
  sexes: string[];
  total: number;
  /** Records with neither an age nor a sex for this person (e.g. offences with no victim). */
  noPerson: number;
  /** Cells below the small-count threshold (not zero). */
  smallCells: number;
}

export interface Share {
  name: string;
  description: string;
  /** Records with the quality, of `total` with the value known. */
  count: number;
  total: number;
  unknown: number;
  share: number | null;
  lower: number | null;
  upper: number | null;
  small: boolean;
}

export interface WhoResult {
  records: { selected: number; withPersonData: number; policeUk: number };
  victims: AgeSexTable;
  suspects: AgeSexTable;
  shares: Share[];
  locationTypes: { type: string; class: string; count: number }[];
  summary: string[];
}

export interface SideBySide {
  police: number;
  ae: number;
  /** A&E attendances per police-recorded assault with injury (null when police is 0). */
  aePerPolice: number | null;
}

export interface HealthVsPoliceResult {
  /** Months both sides hold fully: only these are compared. */
  comparedMonths: string[];
  byMonth: ({
    month: string;
    police: number | null;
    ae: number | null;
    compared: boolean;
  } & Pick<SideBySide, 'aePerPolice'>)[];
  byMethod: ({ method: string; policeMeaning: string } & SideBySide)[];
  bySite: { site: string; name: string | null; ae: number; area: string | null }[];
  byArea: ({ area: string; name: string | null } & SideBySide)[] | null;
  total: SideBySide;
  /** Share of A&E assault attendances with no police counterpart, in aggregate. */
  unreported: {
    share: number | null;
    lower: number | null;
    upper: number | null;
    attendShare: number;
    bound: 'lower bound' | 'estimate';
    method: string;
    summary: string;
  };
  summary: string[];
}

/**
 * An area's incidents and rate per `per` residents with its exact Poisson interval, as
 * `svd rates` gives it (the rates' own RateRow must stay assignable to this; see dashboardMap).
 */
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

export interface DomainCorrelation {
  domain: string;
  /** LSOAs with a rate and a rank. */
  lsoas: number;
  /** Spearman's ρ between the LSOA rate and deprivation (positive: more deprived, higher rate). */
  rho: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
}

export interface DeprivationResult {
  per: number;
  months: { from: string | null; to: string | null };
  /**
   * Complete months of the period selected (every selected source holds them): the rates per
   * year scale the counts over these months to twelve, as the SNA's rates do.
   */
  monthsHeld: number;
  deciles: (RateRow & {
    decile: number;
    /** The rate and its interval per `per` residents per year (null without months held). */
    perYear: { rate: number | null; lower: number | null; upper: number | null };
  })[];
  /** Rate in decile 1 ÷ rate in decile 10, with its exact 95% interval. */
  ratio: {
    rateRatio: number | null;
    lower: number;
    upper: number | null;
    pValue: number;
    summary: string;
  } | null;
  correlations: DomainCorrelation[];
  /** Incidents selected but in no LSOA with a decile (no location, outside the areas). */
  unplaced: number;
  summary: string[];
}

/**
 * A hotspot grid cell's properties in the GeoJSON of `/api/hotspots/cells` (and of
 * `svd analyse hotspots --geojson`): flat numbers and strings, so that a GIS can style by them.
 */
export interface HotspotCellProperties {
  id: number;
  row: number;
  col: number;
  easting: number;
  northing: number;
  /** Share of the cell inside the area (1 unless the boundary cuts it). */
  area_share: number;
  count: number;
  /** Quartic-kernel density, incidents per km². */
  kde: number;
  gistar_z: number | null;
  p_value: number | null;
  p_adjusted: number | null;
  class: 'hotspot' | 'coldspot' | 'not significant';
  /** With a change or classes over time: the counts before and after, and the change. */
  before?: number;
  after?: number;
  change?: number;
  /** The cell's class over time (persistent hotspot, emerging coldspot …). */
  trend_class?: string;
  /** A cell with no incident whose Gi* is high through its neighbours only. */
  near_hotspot?: true;
  /** The top hot spots are named. */
  street?: string | null;
  lsoa?: string | null;
  lsoa_name?: string | null;
  ward?: string | null;
  district?: string | null;
}

export interface HotspotCellFeature {
  type: 'Feature';
  id: number;
  /** The cell's outline in WGS84 longitude/latitude, counter-clockwise. */
  geometry: { type: 'Polygon'; coordinates: [number, number][][] };
  properties: HotspotCellProperties;
}

/** The area, period, grid and summary of a hotspot analysis (domain names as type parameters). */
export interface HotspotArea {
  level: string;
  code: string;
  name: string | null;
  areaKm2: number;
  boundary: string;
}

export interface HotspotPeriod {
  from: string | null;
  to: string | null;
  monthsWithData: string[];
}

export interface HotspotGridSummary<Shape extends string = string> {
  shape: Shape;
  cellSize: number;
  cells: number;
  cutCells: number;
  cellAreaKm2: number;
}

export interface HotspotSummary<Correction extends string = string> {
  hotspots: number;
  coldspots: number;
  /** Cells without incidents whose Gi* is significantly high (not counted as hot spots). */
  nearHotspots: number;
  alpha: number;
  correction: Correction;
  /** Whether the data are too sparse for the grid (see the SPARSE_DATA warning). */
  sparse: boolean;
}

/**
 * `/api/hotspots/cells`: the hotspot grid cells as WGS84 GeoJSON. The `svd` member holds parts of
 * the analysis's HotspotsResult, declared here with their domain names (grid shape, correction)
 * as strings; hotspotGeoJson is typed to answer this.
 */
export interface HotspotCellsAnswer {
  type: 'FeatureCollection';
  name: string;
  /** Foreign member: how the layer was made (ignored by GIS software). */
  svd: {
    area: HotspotArea;
    period: HotspotPeriod;
    grid: HotspotGridSummary;
    summary: HotspotSummary;
    units: { kde: string };
    params: Record<string, ResolvedParam>;
  };
  features: HotspotCellFeature[];
}

export type TrendsAnswer = AnalysisResult<TrendsResult>;
export type WhenAnswer = AnalysisResult<WhenResult>;
export type WhoAnswer = AnalysisResult<WhoResult>;
export type HealthVsPoliceAnswer = AnalysisResult<HealthVsPoliceResult>;
export type DeprivationAnswer = AnalysisResult<DeprivationResult>;
