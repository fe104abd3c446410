/**
 * The table of DfE 3-digit local authority numbers with their current ONS codes
 * (`reference/dfe-la-codes.csv`, written by scripts/reference/dfe-la-codes.ts), as the temporary
 * table `ind_la` (la_number, ons_code, name) for the layouts that place areas by number.
 */
import { packageFile } from '../../core/packageFiles.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { CSV_SOURCE } from '../referenceCsv.js';

export const DFE_LA_CODES = (): string => packageFile('reference', 'dfe-la-codes.csv');

export async function createLaNumberTable(ws: Workspace): Promise<void> {
  await ws.db.run(
    `CREATE OR REPLACE TEMP TABLE ind_la AS
       SELECT CAST(la_number AS INTEGER) AS la_number, ons_code, name FROM ${CSV_SOURCE}`,
    { file: DFE_LA_CODES() },
  );
}
