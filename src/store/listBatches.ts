/** The provenance of everything in the workspace: one row per ingested file. */
import type { Workspace } from './openWorkspace.js';

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
}

export async function listBatches(ws: Workspace): Promise<BatchRow[]> {
  return ws.db.all<BatchRow>(
    `SELECT b.*, CAST(strftime(b.started_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS started_at,
            CAST(strftime(b.finished_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS finished_at,
            (SELECT count(*) FROM batch_messages m WHERE m.batch_id = b.batch_id AND m.severity = 'warning') AS warnings
       FROM batches b ORDER BY b.batch_id`,
  );
}

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

/** A batch's validation report as stored: errors first, then warnings, then notes. */
export async function batchMessages(ws: Workspace, batchId: number): Promise<BatchMessageRow[]> {
  return ws.db.all<BatchMessageRow>(
    `SELECT * FROM batch_messages WHERE batch_id = $id
      ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, first_line NULLS LAST, code`,
    { id: batchId },
  );
}
