/**
 * The answers of the dashboard's data endpoints: what the filters can offer (`/api/meta`), the
 * overview, the map's rates, boundaries and points, a few records, the coverage, the batches and
 * their reports, and an upload's outcome. Pure type declarations.
 */
import type { RateRow } from './analyses.js';
import type { DefinitionMeta } from './definitions.js';
import type { TargetStatus } from './strategy.js';

/** `/api/meta`: an area the filters offer. */
export interface AreaOption {
  /** The filter value, e.g. `district:E07000178`. */
  value: string;
  level: 'csp' | 'district' | 'force';
  code: string;
  name: string;
  /** The partnership or force an area lies within (for indenting a list). */
  within: string | null;
}

export interface ClassifiedDefinition extends DefinitionMeta {
  classifiedAt: string;
  tiers: { id: string; label: string }[];
}

/**
 * How the dashboard may be reached without sign-in (`/api/session` says when sign-in is on): local single-user:
 * the server listens on loopback only and answers to its own names, and to those given with
 * `--allowed-host` (a reverse proxy that signs people in).
 */
export interface DashboardAccess {
  /** `sign-in`: every answer is a signed-in reader's (see `/api/session`). */
  mode: 'local-single-user' | 'sign-in';
  /** The words the web app shows in its header, e.g. "Local single-user mode: this computer only". */
  label: string;
  /** The names given with `--allowed-host`, besides the loopback names. */
  allowedHosts: string[];
}

export interface DashboardMeta {
  software: string;
  workspace: string;
  /** How the dashboard may be reached (the server's, not the workspace's). */
  access: DashboardAccess;
  months: { first: string | null; last: string | null };
  areas: AreaOption[];
  /** The area a page shows when none is chosen: the partnership, else everything. */
  defaultArea: string;
  definitions: ClassifiedDefinition[];
  /** The definition a page uses when none is chosen. */
  defaultDefinition: string | null;
  /**
   * The tier a page counts when none is chosen: the primary (first) tier of the default
   * definition, so that a page counts serious violence; `tier=all` counts every record.
   */
  defaultTier: string | null;
  /**
   * The source a page shows when none is chosen: the force extract when held (the only source a
   * definition can be applied to exactly, and of which police.uk's rows are the open copy, so
   * adding the two would count incidents twice), else police.uk.
   */
  defaultSource: string | null;
  sources: { source: string; records: number; synthetic: boolean }[];
  syntheticBatches: number;
  hasBoundaries: boolean;
  hasPopulation: boolean;
  /** How each status of a measure against its target reads ("on track"), as the reports write it. */
  targetStatusLabels: Record<TargetStatus, string>;
}

/** `/api/overview`: the definition in use. */
export interface DefinitionInUse {
  meta: DefinitionMeta;
  classifiedAt: string;
  /** Records ingested after the classification (they count as "unclassified"). */
  unclassified: number;
  /** Tiers needing a field no record carries: missing, not zero. */
  unavailableTiers: { tier: string; fields: string[] }[];
  notes: string[];
}

export interface TierCount {
  tier: string;
  label: string;
  /** Null when the tier is missing (no record can carry what it needs). */
  n: number | null;
}

export interface DashboardOverview {
  definition: DefinitionInUse | null;
  /** Each incident once, in its first tier, then none / excluded / no-data / unclassified. */
  tiers: TierCount[];
  total: number;
  /** Incidents of the selection (tier included) by month. */
  months: { month: string; n: number }[];
  bySource: { source: string; n: number }[];
  successMeasures: { definition: DefinitionMeta; measures: TierCount[] } | null;
  synthetic: { incidents: number };
  coverage: SourceCoverage;
}

/**
 * A source's months over the span of all sources (a month not held is missing, never zero), and
 * how fresh it is.
 */
export interface SourceCoverageRow {
  source: string;
  label: string;
  synthetic: boolean;
  /** Rows per month of the span; null where the source holds nothing for that month. */
  months: (number | null)[];
  firstMonth: string | null;
  lastMonth: string | null;
  rows: number;
  lastIngested: string | null;
}

export interface SourceCoverage {
  months: string[];
  sources: SourceCoverageRow[];
}

/** The police.uk datasets whose force-months `svd coverage` counts. */
export type CoverageDataset = 'street' | 'outcomes' | 'stop-and-search';

export interface CoverageCell {
  force: string;
  month: string;
  /** Rows held, or null when the force-month was never ingested. */
  rows: number | null;
  status: 'present' | 'missing';
}

export interface Coverage {
  dataset: CoverageDataset;
  forces: string[];
  months: string[];
  cells: CoverageCell[];
  totalRows: number;
}

/**
 * `/api/coverage`: the police.uk force × month grid of a dataset, and the months of every source.
 */
export interface CoverageAnswer {
  policeUk: Coverage;
  sources: SourceCoverage;
}

/**
 * The rates' metadata as the Map page reads it. computeRates' RatesResult['metadata'] holds more
 * (level, filters, months, age, the population's bands and method, the areas, the placement) and
 * must stay assignable to this (dashboardMap returns it as this).
 */
export interface RatesMetadata {
  per: number;
  interval: string;
  smallCount: number;
  population: { dataset: string; year: number };
  /** The months the rates cover and that they are not per year (null when nothing is counted). */
  periodNote: string | null;
  notes: string[];
}

/** An LSOA named as a reader knows it: its ward, district and most common location text. */
export interface LsoaPlace {
  ward: string | null;
  district: string | null;
  street: string | null;
}

/**
 * `/api/map`: incidents and rates per 1,000 residents by LSOA 2011, named and outlined for the
 * map.
 */
export interface DashboardMap {
  level: 'lsoa11';
  rows: RateRow[];
  unplaced: number;
  metadata: RatesMetadata;
  definition: DefinitionMeta | null;
  /** Per LSOA code. */
  places: Record<string, LsoaPlace>;
  /** The districts of the LSOAs: name and a WGS84 point inside it to write the name at. */
  districts: {
    code: string;
    name: string | null;
    label: [number, number] | null;
    /** The outline, the union of its LSOAs on the map, as WGS84 rings. */
    rings: [number, number][][];
  }[];
  /** The months the map covers (the selection's, else those of the records mapped). */
  period: { from: string | null; to: string | null };
  /** The 10 LSOAs with most incidents (codes, most first). */
  top: string[];
}

/** `/api/boundaries`: LSOA 2011 outlines as WGS84 GeoJSON. */
export interface AreaFeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id: string;
    properties: { code: string; name: string | null };
    geometry: unknown;
  }[];
}

/** A map point (police.uk snaps each crime to one) and the incidents at it. */
export interface MapPoint {
  lon: number;
  lat: number;
  n: number;
}

/** `/api/points`: the selection's located incidents by map point, most first, at most 20,000. */
export interface PointsAnswer {
  points: MapPoint[];
  total: number;
  truncated: boolean;
}

/** `/api/records`: a record of the selection, nothing that identifies a person. */
export interface SampleRecord {
  id: number;
  source: string;
  month: string;
  crime_type: string | null;
  offence_code: string | null;
  offence_description: string | null;
  tier: string | null;
}

/** `/api/batches`: an ingested file and its provenance. */
export interface BatchRow {
  batch_id: number;
  source_kind: string;
  file_name: string;
  file_path: string;
  sha256: string;
  bytes: number;
  rows_read: number;
  rows_stored: number;
  rows_rejected: number;
  started_at: string;
  finished_at: string | null;
  status: string;
  synthetic: boolean;
  force: string | null;
  lsoa_vintage: number | null;
  lsoa_vintage_basis: string | null;
  software_version: string;
  warnings: number;
  /**
   * For a replaced or partly replaced police.uk batch (its rows kept apart, restorable): the
   * batches whose rows are in use now for the force-months it held; empty otherwise.
   */
  replaced_by: number[];
  /**
   * The organisation that supplied the batch (its controller), from `batch_owner`; null for a
   * batch loaded before organisations were recorded ("not recorded").
   */
  controller: string | null;
}

/** `/api/batches/:id/messages`: a line of a batch's validation report as stored. */
export interface BatchMessageRow {
  batch_id: number;
  severity: string;
  code: string;
  message: string;
  count: number;
  first_line: number | null;
  field: string | null;
  example_value: string | null;
}

/**
 * A line of an ingest's validation report as the ingest gives it (stored, it becomes a
 * BatchMessageRow).
 */
export interface IngestMessage {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  count: number;
  firstLine?: number;
  field?: string;
  exampleValue?: string;
}

/** A police.uk file of an upload, as the page reads it (the ingest's FileOutcome holds more). */
export interface PoliceUkFileAnswer {
  file: string;
  sha256: string;
  /** `restored`: the file was a replaced batch's, which is in use again (batchId). */
  status: 'ingested' | 'restored' | 'already-ingested' | 'duplicate-in-run' | 'checked';
  dataset: string;
  force: string;
  batchId?: number;
  /** For already-ingested files: the batch that holds them. */
  existingBatchId?: number;
  rows: number;
  months: string[];
  messages: IngestMessage[];
}

/** A partner file (force extract, ISTV) of an upload, as the page reads it. */
export interface PartnerFileAnswer {
  file: string;
  sha256: string;
  status: 'ingested' | 'already-ingested' | 'checked';
  batchId?: number;
  existingBatchId?: number;
  synthetic: boolean;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  messages: IngestMessage[];
}

/**
 * `POST /api/uploads`: the ingest's report as `svd ingest KIND --json` gives it (declared as the
 * part the page reads; the route checks ingestUpload's answer against it), and the definitions
 * the workspace was classified under again.
 */
export type UploadAnswer =
  | {
      kind: 'police-uk';
      report: { files: PoliceUkFileAnswer[]; rowsStored: number };
      reclassified: string[];
    }
  | {
      kind: 'force-extract' | 'istv';
      report: { files: PartnerFileAnswer[]; rowsStored: number };
      reclassified: string[];
    };
