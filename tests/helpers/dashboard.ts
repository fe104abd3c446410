/** A small demo workspace for the dashboard's tests: three months of the shared data, built once per file. */
import path from 'node:path';
import { silentReporter } from '../../src/core/reporter.js';
import { ensureDemoWorkspace } from '../../src/app/demo/ensureDemoWorkspace.js';
import { SHARED_DATA } from './paths.js';

export const TEST_MONTHS = ['2024-01', '2024-02', '2024-03'] as const;

export async function buildTestWorkspace(dir: string): Promise<string> {
  const db = path.join(dir, 'dashboard.duckdb');
  await ensureDemoWorkspace(db, {
    sharedData: SHARED_DATA,
    downloadDir: path.join(dir, 'police-uk'),
    reporter: silentReporter,
    months: TEST_MONTHS,
  });
  return db;
}

/** A small ISTV file with one row in error (an arrival date that is not a date). */
export const BAD_ISTV = [
  'Site Code,Arrival Date,Arrival Time,Assault Date,Assault Time,Assault Location Type,Assault Location Description,Assault Method,Assault Method Other,Synthetic',
  'SYN-OXFORD,02/04/2024,23:10,02/04/2024,22:45,Street/public road,in the street,Knife/blade/sharp object,,SYNTHETIC - NOT REAL DATA',
  'SYN-OXFORD,31/02/2024,01:15,03/04/2024,00:50,Street/public road,outside a pub,"Body part (fist, foot, head)",,SYNTHETIC - NOT REAL DATA',
  'SYN-OXFORD,05/04/2024,02:00,05/04/2024,01:40,Other public place,park,Other,<script>alert(1)</script>,SYNTHETIC - NOT REAL DATA',
].join('\n');
