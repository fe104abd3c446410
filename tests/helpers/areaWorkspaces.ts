/**
 * Two real workspaces for the area invariant (issue 13): WHOLE, built from the whole force's
 * inputs, and ONLY_A, built from the same input files filtered to an area A. Both are built with
 * the same core functions the demo uses (ingest, boundaries, partnership configuration,
 * population, IMD, synthetic partner data, placement, classification).
 *
 * How the inputs are filtered to A (the choice the invariant rests on):
 * - police.uk and force extract rows: kept when the WHOLE workspace placed them in A. A record's
 *   place is a function of its published LSOA code and its coordinates only (placeIncidents: the
 *   published code when of the vintage, else the point in the polygons, else the nearest polygon
 *   within 50 m), so each row is looked up by (LSOA code, longitude, latitude) in the places the
 *   WHOLE workspace gave; a key placed in two areas would make the filter ambiguous and is refused.
 *   The published LSOA name prefix was not used: 2024 rows carry 2021 codes placed by point in
 *   polygon, and a few fall in a neighbouring district's 2011 polygon.
 * - A&E rows: those of the sites in A (the district of each site in the partnership configuration).
 * - LSOA boundaries, population and IMD: the rows of A's LSOAs (both vintages, as the WHOLE
 *   workspace's memberships say). The district boundary file and the partnership configuration
 *   are loaded whole in both: they are the frame areas are named in, not data of an area.
 * - The synthetic partner files are generated once, from the whole force's police.uk rows, and
 *   then filtered like the rest: generating them from the filtered rows would be other data.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCsvLine } from '../../src/core/csvLine.js';
import { silentReporter } from '../../src/core/reporter.js';
import { classifyIncidents } from '../../src/definitions/classifyIncidents.js';
import { shippedDefinition } from '../../src/definitions/shippedDefinitions.js';
import { loadDeprivation } from '../../src/geo/deprivation/loadDeprivation.js';
import { loadIndicators } from '../../src/geo/indicators/loadIndicators.js';
import { loadBoundaries } from '../../src/geo/loadBoundaries.js';
import { OXFORDSHIRE_CONFIG, readPartnershipConfig } from '../../src/geo/partnershipConfig.js';
import { loadPartnershipConfig } from '../../src/geo/loadPartnershipConfig.js';
import { placeIncidents } from '../../src/geo/placeIncidents.js';
import { loadPopulation, type PopulationMapping } from '../../src/geo/population/loadPopulation.js';
import { ingestForceExtract } from '../../src/sources/force-extract/ingestForceExtract.js';
import { ingestIstv } from '../../src/sources/istv/ingestIstv.js';
import { ingestPoliceUk } from '../../src/sources/police-uk/ingestPoliceUk.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { writeSyntheticFile } from '../../src/sources/synthetic/writeSynthetic.js';
import { sharedData } from './paths.js';

/** Both LSOA vintages: 2019-01 (LSOA 2011 codes) and 2024-01…03 (LSOA 2021 codes). */
export const INVARIANT_MONTHS = ['2019-01', '2024-01', '2024-02', '2024-03'] as const;

export const DEFINITION = 'thames-valley-vru';

/** The two population datasets loaded into every workspace. */
export const POPULATIONS = {
  census: 'census2021-lsoa21',
  iod: 'iod2019-mid2015-lsoa11',
} as const;

/** IoD2019 File 6 (wide, mid-2015, LSOA 2011): its mapping, as in population-layouts.test.ts. */
const FILE6_MAPPING: PopulationMapping = {
  code: 'LSOA code (2011)',
  name: 'LSOA name (2011)',
  layout: 'wide',
  year: 2015,
  columns: [
    { column: 'Dependent Children aged 0-15: mid 2015 (excluding prisoners)' },
    { column: 'Population aged 16-59: mid 2015 (excluding prisoners)' },
    { column: 'Older population aged 60 and over: mid 2015 (excluding prisoners)', age: '60+' },
  ],
} as PopulationMapping;

/**
 * The district of each A&E site, as the partnership configuration both workspaces load says
 * (its `sites`: the synthetic departments, each in the district of its hospital).
 */
export const SITE_DISTRICTS: Record<string, string> = Object.fromEntries(
  (readPartnershipConfig(OXFORDSHIRE_CONFIG).config.sites ?? []).map((s) => [s.code, s.district]),
);

export interface Area {
  /** Short name used in test titles. */
  name: string;
  level: 'district' | 'csp';
  code: string;
  /** The districts A covers (LAD codes). */
  districts: string[];
}

/** The indicators both workspaces load whole (see buildWorkspace). */
const INDICATOR_FILES = (): { file: string; dictionary?: string }[] => [
  { file: sharedData('indicators', 'iod2025', 'imd2025_england_lsoa21.csv.gz') },
  { file: sharedData('indicators', 'iod2025', 'imd2025_england_lsoa21_subdomains.csv.gz') },
  {
    file: sharedData('indicators', 'lait', 'lait-sv-indicators-all-la.csv.gz'),
    dictionary: sharedData('indicators', 'lait', 'lait_data_dictionary.csv'),
  },
];

export const AREAS: readonly Area[] = [
  { name: 'Oxford', level: 'district', code: 'E07000178', districts: ['E07000178'] },
  { name: 'Cherwell', level: 'district', code: 'E07000177', districts: ['E07000177'] },
  {
    name: 'Safer Oxfordshire',
    level: 'csp',
    code: 'safer-oxfordshire',
    districts: ['E07000177', 'E07000178', 'E07000179', 'E07000180', 'E07000181'],
  },
];

export interface Inputs {
  street: string[];
  lsoa11: string[];
  districts: string;
  census: string;
  file6: string;
  imd: string;
  forceExtract: string;
  istv: string;
}

export function wholeInputs(dir: string): Omit<Inputs, 'forceExtract' | 'istv'> {
  const streetDir = sharedData('police-uk', 'thames-valley', 'street');
  const lsoaDir = sharedData('boundaries', 'lsoa-2011-by-lad');
  mkdirSync(dir, { recursive: true });
  return {
    street: INVARIANT_MONTHS.map((m) => path.join(streetDir, `${m}-thames-valley-street.csv`)),
    lsoa11: readdirSync(lsoaDir)
      .filter((f) => f.endsWith('.geojson'))
      .sort()
      .map((f) => path.join(lsoaDir, f)),
    districts: sharedData('boundaries', 'lad', 'lad-2019-uk.topojson'),
    census: sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
    file6: sharedData('population', 'File_6_-_IoD2019_Population_Denominators.csv.gz'),
    imd: sharedData('imd', 'File_2_-_IoD2019_Domains_of_Deprivation.csv.gz'),
  };
}

/** The synthetic partner files, generated once from the whole force's police.uk rows. */
export async function syntheticInputs(
  dir: string,
  street: readonly string[],
): Promise<{ forceExtract: string; istv: string }> {
  const forceExtract = path.join(dir, 'synthetic-force-extract.csv');
  const istv = path.join(dir, 'synthetic-istv.csv');
  for (const [kind, out] of [
    ['force-extract', forceExtract],
    ['istv', istv],
  ] as const)
    await writeSyntheticFile({
      kind,
      from: street,
      seed: 1,
      out,
      overwrite: true,
      reporter: silentReporter,
    });
  return { forceExtract, istv };
}

/** Builds a workspace from the inputs, as the demo does (one definition classified). */
export async function buildWorkspace(db: string, inputs: Inputs): Promise<void> {
  const reporter = silentReporter;
  const ws = await openWorkspace(db, { create: true });
  try {
    await ingestPoliceUk(ws, inputs.street, {
      reporter,
      forces: ['thames-valley'],
      datasets: ['street'],
    });
    await loadBoundaries(ws, inputs.lsoa11, { level: 'lsoa11', reporter });
    await loadBoundaries(ws, [inputs.districts], { level: 'district', reporter });
    await loadPartnershipConfig(ws, OXFORDSHIRE_CONFIG, { reporter });
    await loadPopulation(ws, inputs.census, { reporter, dataset: POPULATIONS.census });
    await loadPopulation(ws, inputs.file6, {
      reporter,
      dataset: POPULATIONS.iod,
      mapping: FILE6_MAPPING,
    });
    await loadDeprivation(ws, inputs.imd, { reporter });
    // Published indicators (IoD 2025 by LSOA 2021, LAIT by local authority) are loaded whole in
    // both: statistics published for all of England, the frame comparisons are made in.
    for (const files of INDICATOR_FILES())
      await loadIndicators(ws, [files.file], {
        reporter,
        ...(files.dictionary === undefined ? {} : { dictionary: files.dictionary }),
      });
    await ingestForceExtract(ws, [inputs.forceExtract], {
      mapping: 'svd-synthetic',
      keyFile: `${db}.key`,
      reporter,
    });
    await ingestIstv(ws, [inputs.istv], { reporter });
    await placeIncidents(ws, { reporter });
    await classifyIncidents(ws, shippedDefinition(DEFINITION)!, { reporter, source: 'shipped' });
  } finally {
    ws.close();
  }
}

/** The text of a file, gunzipped when its name ends in .gz. */
function readText(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/**
 * Keeps the header and the rows `keep` accepts, byte for byte (line endings and a BOM as they
 * were). Rows are single lines in every file filtered here.
 */
function filterCsv(
  from: string,
  to: string,
  keep: (row: Record<string, string>, line: string) => boolean,
): number {
  const text = readText(from);
  const lines = text.split('\n');
  const header = parseCsvLine(lines[0]!.replace(/^\uFEFF/, '').replace(/\r$/, ''));
  const out = [lines[0]!];
  let kept = 0;
  for (const line of lines.slice(1)) {
    if (line.replace(/\r$/, '') === '') continue;
    const values = parseCsvLine(line.replace(/\r$/, ''));
    const row = Object.fromEntries(header.map((h, i) => [h, values[i] ?? '']));
    if (keep(row, line)) {
      out.push(line);
      kept++;
    }
  }
  // Lines keep their '\r' (CRLF files stay CRLF); the file ends as the original did.
  writeFileSync(to, out.join('\n') + (text.endsWith('\n') ? '\n' : ''));
  return kept;
}

const placeKey = (lsoa: string | null, lon: number | null, lat: number | null): string =>
  `${lsoa ?? ''}|${lon === null ? '' : String(lon)}|${lat === null ? '' : String(lat)}`;

const numberOrNull = (text: string | undefined): number | null =>
  text === undefined || text.trim() === '' ? null : Number(text);

export interface AreaMembership {
  /** (LSOA code, lon, lat) keys of the records WHOLE placed in A, by source. */
  placed: Map<string, Set<string>>;
  lsoa11: Set<string>;
  lsoa21: Set<string>;
}

/** What the WHOLE workspace says is in A: the places of its records, its LSOAs of each vintage. */
export async function areaMembership(ws: Workspace, area: Area): Promise<AreaMembership> {
  const rows = await ws.db.all<{
    source: string;
    lsoa: string | null;
    lon: number | null;
    lat: number | null;
    inside: boolean;
  }>(
    `SELECT i.source AS source, i.lsoa_code AS lsoa, i.longitude AS lon, i.latitude AS lat,
            coalesce(bool_or(m.area_code IS NOT NULL), false) AS inside
       FROM incidents i LEFT JOIN incident_places p ON p.incident_id = i.id
       LEFT JOIN geo_memberships m ON m.lsoa_vintage = p.base_vintage AND m.lsoa_code = p.base_code
        AND m.level = $level AND m.is_primary AND m.area_code = $code
      GROUP BY ALL`,
    { level: area.level, code: area.code },
  );
  const placed = new Map<string, Set<string>>();
  const outside = new Set<string>();
  for (const r of rows) {
    const key = `${r.source}\u0000${placeKey(r.lsoa, r.lon, r.lat)}`;
    if (r.inside) placed.set(r.source, (placed.get(r.source) ?? new Set()).add(key));
    else outside.add(key);
  }
  for (const keys of placed.values())
    for (const k of keys)
      if (outside.has(k))
        throw new Error(`records at the same place are both in and out of ${area.name}: ${k}`);
  const lsoas = await ws.db.all<{ vintage: number; code: string }>(
    `SELECT DISTINCT lsoa_vintage AS vintage, lsoa_code AS code FROM geo_memberships
      WHERE level = $level AND area_code = $code`,
    { level: area.level, code: area.code },
  );
  return {
    placed,
    lsoa11: new Set(lsoas.filter((l) => Number(l.vintage) === 2011).map((l) => l.code)),
    lsoa21: new Set(lsoas.filter((l) => Number(l.vintage) === 2021).map((l) => l.code)),
  };
}

/** The file's name without .gz: the loaders read the year and kind from names, as for the original. */
const plainName = (file: string): string => path.basename(file).replace(/\.gz$/, '');

/** The whole inputs filtered to A, written under dir; returns the inputs of ONLY_A. */
export function filterInputs(
  whole: Inputs,
  area: Area,
  membership: AreaMembership,
  dir: string,
): { inputs: Inputs; rows: Record<string, number> } {
  const streetDir = path.join(dir, 'street');
  const lsoaDir = path.join(dir, 'lsoa11');
  for (const d of [streetDir, lsoaDir]) if (!existsSync(d)) mkdirSync(d, { recursive: true });
  const rows: Record<string, number> = {};
  const inA = (source: string, row: Record<string, string>, code: string): boolean =>
    membership.placed
      .get(source)
      ?.has(
        `${source}\u0000${placeKey(
          row[code] === '' ? null : (row[code] ?? null),
          numberOrNull(row['Longitude']),
          numberOrNull(row['Latitude']),
        )}`,
      ) ?? false;
  const street = whole.street.map((file) => {
    const out = path.join(streetDir, path.basename(file));
    rows[path.basename(file)] = filterCsv(file, out, (r) => inA('police-uk', r, 'LSOA code'));
    return out;
  });
  const forceExtract = path.join(dir, plainName(whole.forceExtract));
  rows['force-extract'] = filterCsv(whole.forceExtract, forceExtract, (r) =>
    inA('force-extract', r, 'LSOA Code'),
  );
  const istv = path.join(dir, plainName(whole.istv));
  rows['istv'] = filterCsv(whole.istv, istv, (r) =>
    area.districts.includes(SITE_DISTRICTS[r['Site Code'] ?? ''] ?? ''),
  );
  // LSOA 2011 polygons of A: the features of A's LSOAs (one file per district in the data).
  const lsoa11: string[] = [];
  for (const file of whole.lsoa11) {
    const collection = JSON.parse(readFileSync(file, 'utf8')) as {
      features: { properties: Record<string, unknown> }[];
    };
    const features = collection.features.filter((f) =>
      membership.lsoa11.has(String(f.properties['LSOA11CD'])),
    );
    if (features.length === 0) continue;
    const out = path.join(lsoaDir, path.basename(file));
    writeFileSync(out, JSON.stringify({ ...collection, features }));
    lsoa11.push(out);
  }
  rows['lsoa11'] = lsoa11.length;
  const census = path.join(dir, plainName(whole.census));
  rows['census'] = filterCsv(whole.census, census, (r) =>
    membership.lsoa21.has(r['lsoa21_code'] ?? ''),
  );
  const file6 = path.join(dir, plainName(whole.file6));
  rows['file6'] = filterCsv(whole.file6, file6, (r) =>
    membership.lsoa11.has(r['LSOA code (2011)'] ?? ''),
  );
  const imd = path.join(dir, plainName(whole.imd));
  rows['imd'] = filterCsv(whole.imd, imd, (r) =>
    membership.lsoa11.has(r['LSOA code (2011)'] ?? ''),
  );
  return {
    inputs: { ...whole, street, forceExtract, istv, lsoa11, census, file6, imd },
    rows,
  };
}
