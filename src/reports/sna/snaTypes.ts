/**
 * The Strategic Needs Assessment in three stages, each with its own shape:
 *
 * 1. `SnaData` — what the analyses found, counts as computed (analysts' eyes only);
 * 2. `DisclosedSna` — the same after the disclosure policy of the audience: every count a
 *    `DisclosedFigure`, every figure derived from a count (rate, share, change) present only when
 *    that count is shown;
 * 3. the HTML, rendered from `DisclosedSna` alone, so nothing withheld can reach it.
 */
import type { DisclosedFigure, DisclosedTable, DisclosurePolicy } from '../../disclosure/index.js';
import type { Shape } from '../../geo/shapes.js';
import type { HotOrCold } from '../../analyses/hotspots/hotspotAnalysis.js';
import type { DocumentControl } from './documentControl.js';
import type { CausesSna, DisclosedCauses } from './causesSection.js';
import type { AnalysisWarning, ResolvedParam } from '../../api/analyses.js';

/** A table of whole counts as computed, rows × columns, with where the counts come from. */
export interface RawTable {
  id: string;
  title: string;
  rowHeader: string;
  rows: string[];
  columns: string[];
  cells: number[][];
  sources: string[];
  note?: string;
  /**
   * The columns count unlike things (police records beside A&E attendances): each column has its
   * total, but no row totals and no grand total are published.
   */
  unlikeColumns?: boolean;
}

export type SectionId =
  | 'summary'
  | 'definition'
  | 'sources'
  | 'volumes'
  | 'trends'
  | 'where'
  | 'when'
  | 'who'
  | 'domestic'
  | 'knife'
  | 'drugs'
  | 'deprivation'
  | 'causes'
  | 'health'
  | 'method';

export const SECTIONS: readonly { id: SectionId; title: string }[] = [
  { id: 'summary', title: 'Executive summary' },
  { id: 'definition', title: 'Definition of serious violence' },
  { id: 'sources', title: 'Data sources, coverage and caveats' },
  { id: 'volumes', title: 'Volumes and rates by district' },
  { id: 'trends', title: 'Trends' },
  { id: 'where', title: 'Where: areas and hotspots' },
  { id: 'when', title: 'When: day of week and time of day' },
  { id: 'who', title: 'Who: victims by age and sex' },
  { id: 'domestic', title: 'Domestic abuse' },
  { id: 'knife', title: 'Knife crime' },
  { id: 'drugs', title: 'Drug supply and county lines' },
  { id: 'deprivation', title: 'Deprivation' },
  { id: 'causes', title: 'Causes and risk factors' },
  { id: 'health', title: 'Police beside health' },
  { id: 'method', title: 'Appendix: method, parameters and provenance' },
];

/** Why the police-beside-health section is absent when A&E data is not among the sources. */
export const NOT_AMONG_SOURCES = 'A&E (ISTV) data is not among the sources of this assessment';

export interface SnaBatch {
  id: number;
  kind: string;
  file: string;
  sha256: string;
  rows: number;
  synthetic: boolean;
}

export interface SnaCoverage {
  source: string;
  held: string[];
  missing: string[];
}

export interface LsoaOnMap {
  code: string;
  name: string | null;
  hotspot: HotOrCold;
  shape: Shape | null;
  /** The ward and district it belongs to, by name (null: not known). */
  ward?: string | null;
  district?: string | null;
  /** The location text its records give most ("On or near …"). */
  street?: string | null;
  population?: number | null;
}

/** An area of a coarser level (ward, MSOA) a public map may be drawn at: the sum of its LSOAs. */
export interface CoarseArea {
  code: string;
  name: string | null;
  district: string | null;
  street: string | null;
  count: number;
  population: number | null;
  shape: Shape | null;
}

/** An outline drawn over the map (districts; wards when the map is of one district). */
export interface MapOutline {
  level: 'district' | 'ward';
  code: string;
  name: string | null;
  shape: Shape;
}

/** A hot spot cell of the grid, named. */
export interface NamedHotCell {
  count: number;
  z: number;
  street: string | null;
  lsoa: string | null;
  ward: string | null;
  district: string | null;
}

export interface SnaData {
  area: { level: string; code: string; name: string };
  period: { from: string; to: string };
  definition: {
    id: string;
    version: number;
    hash: string;
    title: string;
    coverage: string;
    tiers: { id: string; label: string }[];
  };
  generatedAt: string;
  software: { name: string; version: string };
  batches: SnaBatch[];
  coverage: SnaCoverage[];
  caveats: string[];
  tables: {
    volumes: RawTable;
    trend: RawTable;
    where: RawTable;
    when: RawTable | null;
    who: RawTable | null;
    domestic: RawTable;
    knife: RawTable;
    drugs: RawTable;
    deprivation: RawTable | null;
    health: RawTable | null;
    healthMethod: RawTable | null;
  };
  /** Residents per district (rows of the volumes table), and per IMD decile. */
  population: { districts: (number | null)[]; deciles: (number | null)[] };
  missingMonths: string[];
  /** How much of the period is held: months of the period, months fully held. */
  periodHeld: { months: number; held: number };
  change: {
    earlier: { from: string; to: string; count: number; days: number };
    later: { from: string; to: string; count: number; days: number };
    /** How the periods were chosen (the trends analysis's basis). */
    basis: string;
    rateRatio: number | null;
    lower: number;
    upper: number | null;
    confidence: number;
    pValue: number;
    significant: boolean;
  } | null;
  trendTest: { direction: 'up' | 'down' | 'none'; pValue: number; months: number } | null;
  hotspots: {
    lsoas: LsoaOnMap[];
    hot: number;
    cold: number;
    correction: string;
    alpha: number;
    /** Months of the period (for rates per year). */
    months?: number;
    outlines?: MapOutline[];
    /** Coarser levels, in the order a public map falls back to them. */
    coarser?: { level: 'ward' | 'msoa'; areas: CoarseArea[] }[];
    /** The top hot spot cells of the grid, highest Gi* z first. */
    hotCells?: NamedHotCell[];
    cellSize?: number;
  } | null;
  deprivationCorrelations: { domain: string; rho: number | null; pValue: number | null }[];
  /** Serious violence beside its risk and protective factors; null when no indicator is loaded. */
  causes: CausesSna | null;
  /** Each analysis's resolved parameters, automatic ones marked. */
  params: { analysis: string; params: Record<string, ResolvedParam> }[];
  warnings: AnalysisWarning[];
}

/** A table after disclosure, with what it is. */
export interface ShownTable extends DisclosedTable {
  id: string;
  title: string;
  rowHeader: string;
  note?: string;
  unlikeColumns?: boolean;
}

export interface DisclosedSna {
  area: SnaData['area'];
  period: SnaData['period'];
  definition: SnaData['definition'];
  generatedAt: string;
  software: SnaData['software'];
  audience: DisclosurePolicy['audience'];
  /** Author, report version, approvals and protective marking (the front matter). */
  document: DocumentControl;
  policy: { description: string; minimum: number; healthMinimum: number; rounding: number | null };
  /** Rows stored per batch go through the policy too (null: not published). */
  batches: (Omit<SnaBatch, 'rows'> & { rows: number | null })[];
  coverage: SnaCoverage[];
  caveats: string[];
  tables: {
    volumes: ShownTable;
    trend: ShownTable;
    where: ShownTable;
    when: ShownTable | null;
    who: ShownTable | null;
    domestic: ShownTable;
    knife: ShownTable;
    drugs: ShownTable;
    deprivation: ShownTable | null;
    health: ShownTable | null;
    healthMethod: ShownTable | null;
  };
  /**
   * Rates per 1,000 residents per year (annualised over the months held, so that areas and
   * periods compare), present only where the count is shown.
   */
  rates: {
    districts: { district: string; population: number | null; rate: number | null }[];
    deciles: { decile: string; population: number | null; rate: number | null }[];
  };
  missingMonths: string[];
  periodHeld: SnaData['periodHeld'];
  change: {
    earlier: { from: string; to: string; figure: DisclosedFigure };
    later: { from: string; to: string; figure: DisclosedFigure };
    /** Change of the rate per day, in percent; stated only when both counts are shown. */
    percent: number | null;
    significant: boolean | null;
    /** The sentence stating the change (`stateChange`, as the analyses and the dashboard state it). */
    statement: string;
  } | null;
  trendTest: SnaData['trendTest'];
  map: {
    /** The areas drawn (LSOAs, or wards or MSOAs on a public map that falls back to them). */
    lsoas: (Omit<LsoaOnMap, 'shape'> & { figure: DisclosedFigure })[];
    shapes: Record<string, string>;
    viewBox: string;
    hot: number;
    cold: number;
    correction: string;
    alpha: number;
    /** The level drawn, and why when not LSOAs. */
    level?: 'lsoa' | 'ward' | 'msoa';
    fallback?: string | null;
    /** Outlines drawn over the areas, with a point to write each district's name at. */
    outlines?: {
      level: 'district' | 'ward';
      name: string;
      d: string;
      label: { x: number; y: number } | null;
    }[];
    /** Outlines of the LSOA hot and cold spots when the areas drawn are coarser. */
    spotOutlines?: { d: string; hotspot: 'hotspot' | 'coldspot' }[];
    /** The busiest areas drawn, by published count (at most 10). */
    top?: {
      code: string;
      name: string | null;
      ward: string | null;
      district: string | null;
      street: string | null;
      figure: DisclosedFigure;
      /** Per 1,000 residents per year, from the published count. */
      rate: number | null;
    }[];
    hotCells?: (Omit<NamedHotCell, 'count'> & { figure: DisclosedFigure })[];
    cellSize?: number | null;
  } | null;
  deprivationCorrelations: SnaData['deprivationCorrelations'];
  causes: DisclosedCauses | null;
  summary: string[];
  params: SnaData['params'];
  warnings: AnalysisWarning[];
}
