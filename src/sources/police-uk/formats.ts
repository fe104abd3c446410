/**
 * The three police.uk CSV layouts, described as data: the header names (checked by name, in any
 * order), the canonical column each maps to, and which are required.
 */
export type PoliceUkDataset = 'street' | 'outcomes' | 'stop-and-search';

export interface ColumnSpec {
  /** The header as police.uk writes it. */
  header: string;
  /** The canonical name used in SQL. */
  name: string;
  required: boolean;
}

export interface PoliceUkFormat {
  dataset: PoliceUkDataset;
  /** batches.source_kind */
  sourceKind: string;
  /** The table its rows are read from (`incidents` is a view: see store/incidentTables.ts). */
  table: 'incidents' | 'police_uk_outcomes' | 'police_uk_stop_searches';
  /** The table its rows are written to. */
  storedIn: 'police_uk_street' | 'police_uk_outcomes' | 'police_uk_stop_searches';
  columns: readonly ColumnSpec[];
  /** A header that only this layout has, used to tell the layouts apart. */
  signature: string;
}

const col = (header: string, name: string, required = true): ColumnSpec => ({
  header,
  name,
  required,
});

export const STREET: PoliceUkFormat = {
  dataset: 'street',
  sourceKind: 'police-uk-street',
  table: 'incidents',
  storedIn: 'police_uk_street',
  signature: 'crime type',
  columns: [
    col('Crime ID', 'crime_id'),
    col('Month', 'month'),
    col('Reported by', 'reported_by'),
    col('Falls within', 'falls_within'),
    col('Longitude', 'longitude'),
    col('Latitude', 'latitude'),
    col('Location', 'location'),
    col('LSOA code', 'lsoa_code'),
    col('LSOA name', 'lsoa_name'),
    col('Crime type', 'crime_type'),
    col('Last outcome category', 'last_outcome'),
    col('Context', 'context', false),
  ],
};

export const OUTCOMES: PoliceUkFormat = {
  dataset: 'outcomes',
  sourceKind: 'police-uk-outcomes',
  table: 'police_uk_outcomes',
  storedIn: 'police_uk_outcomes',
  signature: 'outcome type',
  columns: [
    col('Crime ID', 'crime_id'),
    col('Month', 'month'),
    col('Reported by', 'reported_by'),
    col('Falls within', 'falls_within'),
    col('Longitude', 'longitude'),
    col('Latitude', 'latitude'),
    col('Location', 'location'),
    col('LSOA code', 'lsoa_code'),
    col('LSOA name', 'lsoa_name'),
    col('Outcome type', 'outcome_type'),
  ],
};

export const STOP_AND_SEARCH: PoliceUkFormat = {
  dataset: 'stop-and-search',
  sourceKind: 'police-uk-stop-and-search',
  table: 'police_uk_stop_searches',
  storedIn: 'police_uk_stop_searches',
  signature: 'object of search',
  columns: [
    col('Type', 'search_type'),
    col('Date', 'date'),
    col('Part of a policing operation', 'part_of_operation'),
    col('Policing operation', 'policing_operation', false),
    col('Latitude', 'latitude'),
    col('Longitude', 'longitude'),
    col('Gender', 'gender'),
    col('Age range', 'age_range'),
    col('Self-defined ethnicity', 'self_defined_ethnicity'),
    col('Officer-defined ethnicity', 'officer_defined_ethnicity'),
    col('Legislation', 'legislation'),
    col('Object of search', 'object_of_search'),
    col('Outcome', 'outcome'),
    col('Outcome linked to object of search', 'outcome_linked', false),
    col('Removal of more than just outer clothing', 'removal_of_clothing', false),
  ],
};

export const POLICE_UK_FORMATS: readonly PoliceUkFormat[] = [STREET, OUTCOMES, STOP_AND_SEARCH];

/** The 14 street-level crime types police.uk publishes today. */
export const STREET_CRIME_TYPES: readonly string[] = [
  'Anti-social behaviour',
  'Bicycle theft',
  'Burglary',
  'Criminal damage and arson',
  'Drugs',
  'Other crime',
  'Other theft',
  'Possession of weapons',
  'Public order',
  'Robbery',
  'Shoplifting',
  'Theft from the person',
  'Vehicle crime',
  'Violence and sexual offences',
];

/** Categories police.uk used before May 2013; accepted without a warning in older files. */
export const HISTORIC_CRIME_TYPES: readonly string[] = [
  'Public disorder and weapons',
  'Violent crime',
  'Other crime',
];

export const normaliseHeader = (h: string): string =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase();

export interface HeaderMatch {
  format: PoliceUkFormat;
  /** For each column of the file, in file order: the canonical name, or undefined when unknown. */
  fileColumns: (string | undefined)[];
  missingOptional: string[];
  missingRequired: string[];
  unknown: string[];
  duplicated: string[];
}

export function matchHeader(header: readonly string[]): HeaderMatch | undefined {
  const normalised = header.map(normaliseHeader);
  const format = POLICE_UK_FORMATS.find((f) => normalised.includes(f.signature));
  if (format === undefined) return undefined;
  const byHeader = new Map(format.columns.map((c) => [c.header.toLowerCase(), c]));
  const seen = new Set<string>();
  const duplicated: string[] = [];
  const unknown: string[] = [];
  const fileColumns = normalised.map((h, i) => {
    const spec = byHeader.get(h);
    if (spec === undefined) {
      unknown.push(header[i] ?? '');
      return undefined;
    }
    if (seen.has(spec.name)) duplicated.push(spec.header);
    seen.add(spec.name);
    return spec.name;
  });
  const missing = format.columns.filter((c) => !seen.has(c.name));
  return {
    format,
    fileColumns,
    missingRequired: missing.filter((c) => c.required).map((c) => c.header),
    missingOptional: missing.filter((c) => !c.required).map((c) => c.header),
    unknown,
    duplicated,
  };
}

/** `2019-01-thames-valley-street.csv(.gz)` → its month, force slug and dataset. */
export function parsePoliceUkFileName(
  name: string,
): { month: string; force: string; dataset: PoliceUkDataset } | undefined {
  const m = /^(\d{4}-\d{2})-(.+)-(street|outcomes|stop-and-search)\.csv(?:\.gz)?$/i.exec(name);
  if (m === null) return undefined;
  return {
    month: m[1]!,
    force: m[2]!.toLowerCase(),
    dataset: m[3]!.toLowerCase() as PoliceUkDataset,
  };
}
