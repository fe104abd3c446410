/**
 * The demo workspace for the Safer Oxfordshire Partnership: the Thames Valley police.uk months
 * (from the shared open data beside the repository when present, else downloaded from police.uk),
 * then coverage and the Oxfordshire counts. Re-running reuses what is already in the workspace.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter } from '../core/reporter.js';
import { SvdError } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';
import { getCoverage, type Coverage } from '../coverage/getCoverage.js';
import { countIncidents, type CountsResult } from '../counts/countIncidents.js';
import { ingestPoliceUk, type PoliceUkIngestReport } from '../sources/police-uk/ingestPoliceUk.js';
import { fetchPoliceUk } from '../sources/police-uk/fetchPoliceUk.js';

export const OXFORDSHIRE_DISTRICTS = [
  'Cherwell',
  'Oxford',
  'South Oxfordshire',
  'Vale of White Horse',
  'West Oxfordshire',
] as const;

/** The months of Thames Valley data the demo uses (those in the shared open data). */
export const DEMO_MONTHS = { from: '2018-10', to: '2024-03' } as const;

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

export interface DemoResult {
  dataSource: 'shared' | 'downloaded';
  dataPath: string;
  ingest: PoliceUkIngestReport;
  coverage: Coverage;
  oxfordshire: CountsResult;
}

export interface DemoOptions {
  sharedData: string | undefined;
  downloadDir: string;
  reporter: Reporter;
  /** Archive location used when the shared data is absent. */
  baseUrl?: string;
}

export async function runDemo(ws: Workspace, options: DemoOptions): Promise<DemoResult> {
  let dataPath: string;
  let dataSource: DemoResult['dataSource'];
  if (options.sharedData !== undefined) {
    dataPath = path.join(options.sharedData, 'police-uk', 'thames-valley', 'street');
    dataSource = 'shared';
    options.reporter.info(`using the open data in ${dataPath}`);
  } else {
    options.reporter.info(
      `no shared data found; downloading Thames Valley ${DEMO_MONTHS.from}…${DEMO_MONTHS.to} from police.uk`,
    );
    const fetched = await fetchPoliceUk({
      force: 'thames-valley',
      ...DEMO_MONTHS,
      dest: options.downloadDir,
      reporter: options.reporter,
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
    dataSource = 'downloaded';
  }
  const ingest = await ingestPoliceUk(ws, [dataPath], {
    reporter: options.reporter,
    forces: ['thames-valley'],
  });
  const coverage = await getCoverage(ws, 'street');
  const oxfordshire = await countIncidents(ws, {
    by: ['month', 'lsoa_district'],
    where: [{ dimension: 'lsoa_district', values: [...OXFORDSHIRE_DISTRICTS] }],
  });
  return { dataSource, dataPath, ingest, coverage, oxfordshire };
}
