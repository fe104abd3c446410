/**
 * The demo workspace for the Safer Oxfordshire Partnership: the Thames Valley police.uk months
 * (from the shared open data beside the repository when present, else downloaded from police.uk),
 * LSOA 2011 and district boundaries, the partnership configuration, Census 2021 population and
 * IMD 2019, a SYNTHETIC force extract and SYNTHETIC A&E (ISTV) attendances generated from the
 * police.uk rows, every record placed in its areas and classified under the shipped definitions.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Reporter } from '../../core/reporter.js';
import { SvdError } from '../../core/errors.js';
import { PACKAGE_ROOT, packageFile } from '../../core/packageFiles.js';
import { fixedClock } from '../../core/clock.js';
import { importStrategy } from '../../strategy/importStrategy.js';
import { closeReview, startReview } from '../../strategy/reviews.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { getCoverage } from '../../analyses/coverage/getCoverage.js';
import { countIncidents, type CountsResult } from '../../analyses/counts/countIncidents.js';
import {
  ingestPoliceUk,
  type PoliceUkIngestReport,
} from '../../sources/police-uk/ingestPoliceUk.js';
import { fetchPoliceUk } from '../../sources/police-uk/fetchPoliceUk.js';
import { loadBoundaries } from '../../geo/loadBoundaries.js';
import { OXFORDSHIRE_CONFIG } from '../../geo/partnershipConfig.js';
import { loadPartnershipConfig } from '../../geo/loadPartnershipConfig.js';
import { loadPopulation } from '../../geo/population/loadPopulation.js';
import { loadDeprivation } from '../../geo/deprivation/loadDeprivation.js';
import { loadIndicators } from '../../geo/indicators/loadIndicators.js';
import { writeSyntheticFile } from '../../sources/synthetic/writeSynthetic.js';
import { ingestForceExtract } from '../../sources/force-extract/ingestForceExtract.js';
import { ingestIstv } from '../../sources/istv/ingestIstv.js';
import type { PartnerRunReport } from '../../sources/partner/partnerBatch.js';
import { classifyRecords, refreshDerivedData } from '../deriveData.js';
import { shippedDefinition } from '../../definitions/shippedDefinitions.js';
import type { Coverage } from '../../api/dashboard.js';

export const OXFORDSHIRE_DISTRICTS = [
  'Cherwell',
  'Oxford',
  'South Oxfordshire',
  'Vale of White Horse',
  'West Oxfordshire',
] as const;

/** The months of Thames Valley data the demo uses (those in the shared open data). */
export const DEMO_MONTHS = { from: '2018-10', to: '2024-03' } as const;

/** The definitions every demo record is classified under; the first is the one in use. */
export const DEMO_DEFINITIONS = [
  'thames-valley-vru',
  'home-office-success-measures',
  'police-uk-proxy',
] as const;

/** The seed of the synthetic partner data (the same seed gives the same files). */
export const DEMO_SEED = 1;

/** Where the shared open data is: --data, $SVD_SHARED_DATA, else ../shared/data beside the package. */
export function locateSharedData(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const candidates = [option, env['SVD_SHARED_DATA'], path.resolve(PACKAGE_ROOT, '../shared/data')];
  return candidates.find(
    (c): c is string => c !== undefined && c !== '' && existsSync(path.join(c, 'police-uk')),
  );
}

/** The reference files the demo loads from the shared open data (paths inside it). */
export const DEMO_REFERENCE_FILES = {
  lsoa11Dir: ['boundaries', 'lsoa-2011-by-lad'],
  /** Wards (2013) and MSOAs (2011): outlines and the coarser levels a public map may fall back to. */
  wardDir: ['boundaries', 'wards-2013-by-lad'],
  msoaDir: ['boundaries', 'msoa-2011-by-lad'],
  districts: ['boundaries', 'lad', 'lad-2019-uk.topojson'],
  population: ['population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'],
  deprivation: ['imd', 'File_2_-_IoD2019_Domains_of_Deprivation.csv.gz'],
} as const;

/**
 * The published risk and protective factors the demo loads (shared open data, `indicators/`):
 * IoD 2025 and Census 2021 household deprivation by LSOA 2021, and by local authority DfE LAIT
 * (youth justice, exclusions, absence, NEET, social care, hospital admissions, free school meals;
 * read with its data dictionary), the Fingertips injury admissions, NEET 2023 and the factors
 * identified at children's social care assessments (exploitation, gangs, going missing).
 */
export const DEMO_INDICATOR_FILES: readonly {
  file: readonly string[];
  dictionary?: readonly string[];
}[] = [
  { file: ['indicators', 'iod2025', 'imd2025_england_lsoa21.csv.gz'] },
  { file: ['indicators', 'iod2025', 'imd2025_england_lsoa21_subdomains.csv.gz'] },
  { file: ['indicators', 'census2021', 'census21_deprivation_england_wales_lsoa21.csv.gz'] },
  {
    file: ['indicators', 'lait', 'lait-sv-indicators-all-la.csv.gz'],
    dictionary: ['indicators', 'lait', 'lait_data_dictionary.csv'],
  },
  { file: ['indicators', 'fingertips', 'la_hospital_admissions_2324.csv'] },
  { file: ['indicators', 'neet', 'UD_NEETNK_LA_dashboard_2023_final.csv'] },
  {
    file: [
      'indicators',
      'dfe-childrens-social-care',
      'c3_factors_identified_at_end_of_assessment_2018_to_2025.csv',
    ],
  },
];

/**
 * The folders of Thames Valley street files the demo reads in the shared data: the months of
 * `street/` and the recent year of `street-2025/` (2025-07 is missing at source: coverage and
 * trends show it as missing, never zero).
 */
export const DEMO_STREET_FOLDERS = ['street', 'street-2025'] as const;

/** The police.uk street files of the demo in the shared data, optionally only some months. */
export function demoStreetFiles(sharedData: string, months?: readonly string[]): string[] {
  return DEMO_STREET_FOLDERS.flatMap((folder) => {
    const dir = path.join(sharedData, 'police-uk', 'thames-valley', folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => /^\d{4}-\d{2}-thames-valley-street\.csv(\.gz)?$/.test(f))
      .filter((f) => months === undefined || months.includes(f.slice(0, 7)))
      .map((f) => path.join(dir, f));
  }).sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
}

/** The GeoJSON files of a folder of the shared data, sorted. */
function geojsonIn(sharedData: string, parts: readonly string[]): string[] {
  const dir = path.join(sharedData, ...parts);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.geojson'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every input file the demo reads from the shared data (what its "up to date" stamp covers). */
export function demoInputFiles(sharedData: string, months?: readonly string[]): string[] {
  return [
    ...demoStreetFiles(sharedData, months),
    ...geojsonIn(sharedData, DEMO_REFERENCE_FILES.lsoa11Dir),
    ...geojsonIn(sharedData, DEMO_REFERENCE_FILES.wardDir),
    ...geojsonIn(sharedData, DEMO_REFERENCE_FILES.msoaDir),
    path.join(sharedData, ...DEMO_REFERENCE_FILES.districts),
    path.join(sharedData, ...DEMO_REFERENCE_FILES.population),
    path.join(sharedData, ...DEMO_REFERENCE_FILES.deprivation),
    ...DEMO_INDICATOR_FILES.flatMap((x) =>
      [x.file, ...(x.dictionary === undefined ? [] : [x.dictionary])].map((parts) =>
        path.join(sharedData, ...parts),
      ),
    ),
    OXFORDSHIRE_CONFIG,
    DEMO_STRATEGY,
  ];
}

export interface DemoResult {
  dataSource: 'shared' | 'downloaded';
  dataPath: string;
  ingest: PoliceUkIngestReport;
  /** Whether boundaries, population and IMD were loaded (they come from the shared data only). */
  geography: boolean;
  partner: { forceExtract: PartnerRunReport; istv: PartnerRunReport };
  classified: { id: string; version: number; records: number }[];
  /** The illustrative strategy and the reviews closed on it. */
  strategy: { id: string; revision: number; reviews: number[] };
  coverage: Coverage;
  oxfordshire: CountsResult;
}

export interface DemoOptions {
  sharedData: string | undefined;
  downloadDir: string;
  /** Where the synthetic files are written (beside the workspace). */
  workDir: string;
  /** The pseudonymisation key file of the workspace (the synthetic extract's references). */
  keyFile: string;
  reporter: Reporter;
  /** Archive location used when the shared data is absent. */
  baseUrl?: string;
  /** Only these months of the shared data (tests use a few to stay quick). */
  months?: readonly string[];
}

export async function runDemo(ws: Workspace, options: DemoOptions): Promise<DemoResult> {
  const { reporter } = options;
  let streetFiles: string[];
  let dataPath: string;
  let dataSource: DemoResult['dataSource'];
  if (options.sharedData !== undefined) {
    dataPath = path.join(options.sharedData, 'police-uk', 'thames-valley');
    streetFiles = demoStreetFiles(options.sharedData, options.months);
    dataSource = 'shared';
    reporter.info(`using the open data in ${options.sharedData}`);
  } else {
    reporter.info(
      `no shared data found; downloading Thames Valley ${DEMO_MONTHS.from}…${DEMO_MONTHS.to} from police.uk`,
    );
    const fetched = await fetchPoliceUk({
      force: 'thames-valley',
      ...DEMO_MONTHS,
      dest: options.downloadDir,
      reporter,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    });
    if (fetched.files.length === 0) {
      throw new SvdError({
        kind: 'network',
        code: 'NO_DEMO_DATA',
        message: 'police.uk returned no Thames Valley files for the demo months',
        fix: 'put the shared open data beside the repository (../shared/data) or set SVD_SHARED_DATA',
      });
    }
    dataPath = options.downloadDir;
    streetFiles = [options.downloadDir];
    dataSource = 'downloaded';
  }
  const ingest = await ingestPoliceUk(ws, streetFiles, {
    reporter,
    forces: ['thames-valley'],
    datasets: ['street'],
  });

  let geography = false;
  if (options.sharedData !== undefined) {
    const shared = (parts: readonly string[]): string => path.join(options.sharedData!, ...parts);
    const files = (parts: readonly string[]): string[] => geojsonIn(options.sharedData!, parts);
    await loadBoundaries(ws, files(DEMO_REFERENCE_FILES.lsoa11Dir), { level: 'lsoa11', reporter });
    await loadBoundaries(ws, files(DEMO_REFERENCE_FILES.wardDir), { level: 'ward', reporter });
    await loadBoundaries(ws, files(DEMO_REFERENCE_FILES.msoaDir), { level: 'msoa', reporter });
    await loadBoundaries(ws, [shared(DEMO_REFERENCE_FILES.districts)], {
      level: 'district',
      reporter,
    });
    await loadPartnershipConfig(ws, OXFORDSHIRE_CONFIG, { reporter });
    await loadPopulation(ws, shared(DEMO_REFERENCE_FILES.population), { reporter });
    await loadDeprivation(ws, shared(DEMO_REFERENCE_FILES.deprivation), { reporter });
    for (const x of DEMO_INDICATOR_FILES)
      await loadIndicators(ws, [shared(x.file)], {
        reporter,
        ...(x.dictionary === undefined ? {} : { dictionary: shared(x.dictionary) }),
      });
    geography = true;
  } else {
    reporter.warn(
      'boundaries, population and IMD come from the shared open data, which is not here: the map and rates will say that no boundaries are loaded (set SVD_SHARED_DATA to the folder and run again)',
    );
  }

  // SYNTHETIC partner data, anchored on the police.uk rows just stored.
  await mkdir(options.workDir, { recursive: true });
  const extractFile = path.join(options.workDir, `synthetic-force-extract-seed${DEMO_SEED}.csv`);
  const istvFile = path.join(options.workDir, `synthetic-istv-seed${DEMO_SEED}.csv`);
  for (const [kind, out] of [
    ['force-extract', extractFile],
    ['istv', istvFile],
  ] as const)
    await writeSyntheticFile({
      kind,
      from: streetFiles,
      seed: DEMO_SEED,
      out,
      overwrite: true,
      reporter,
    });
  const forceExtract = await ingestForceExtract(ws, [extractFile], {
    mapping: 'svd-synthetic',
    keyFile: options.keyFile,
    reporter,
  });
  const istv = await ingestIstv(ws, [istvFile], { reporter });

  if (geography) await refreshDerivedData(ws, { reporter });
  const classified: DemoResult['classified'] = [];
  for (const id of DEMO_DEFINITIONS) {
    const definition = shippedDefinition(id);
    if (definition === undefined) continue;
    const report = await classifyRecords(ws, definition, { reporter, source: 'shipped' });
    classified.push({
      id: report.definition.id,
      version: report.definition.version,
      records: report.records,
    });
  }
  const strategy = await demoStrategy(ws, reporter);
  return {
    dataSource,
    dataPath,
    ingest,
    geography,
    partner: { forceExtract, istv },
    classified,
    strategy,
    ...(await demoSummary(ws)),
  };
}

/** The illustrative Oxfordshire strategy shipped in examples/, imported as it is. */
export const DEMO_STRATEGY = packageFile('examples', 'oxfordshire-strategy.yaml');

/**
 * The illustrative strategy, and two reviews closed on it as if held after the February and the
 * March 2024 data arrived, so that the review history has something to compare.
 */
async function demoStrategy(ws: Workspace, reporter: Reporter): Promise<DemoResult['strategy']> {
  const imported = await importStrategy(ws, DEMO_STRATEGY, {
    cwd: PACKAGE_ROOT,
    clock: fixedClock('2024-03-15T12:00:00Z'),
  });
  const reviews: number[] = [];
  for (const [dataTo, closedOn] of [
    ['2024-02', '2024-03-15T12:00:00Z'],
    ['2024-03', '2024-04-15T12:00:00Z'],
  ] as const) {
    const clock = fixedClock(closedOn);
    const months = await ws.db.value<number>(
      `SELECT count(*) FROM incidents WHERE strftime(month, '%Y-%m') = $m`,
      { m: dataTo },
    );
    if ((months ?? 0) === 0) continue;
    const review = await startReview(ws, { clock, reporter });
    await closeReview(ws, review.review_id, {
      clock,
      reporter,
      cwd: PACKAGE_ROOT,
      to: dataTo,
      summary: `Illustrative review on the data to ${dataTo} (demo).`,
    });
    reviews.push(review.review_id);
  }
  return { id: imported.id, revision: imported.revision, reviews };
}

/** What the demo prints about a workspace, built or reused: coverage and Oxfordshire counts. */
export async function demoSummary(
  ws: Workspace,
): Promise<{ coverage: Coverage; oxfordshire: CountsResult }> {
  const coverage = await getCoverage(ws, 'street');
  const oxfordshire = await countIncidents(ws, {
    by: ['month', 'lsoa_district'],
    where: [
      { dimension: 'lsoa_district', values: [...OXFORDSHIRE_DISTRICTS] },
      { dimension: 'source', values: ['police-uk'] },
    ],
  });
  return { coverage, oxfordshire };
}
