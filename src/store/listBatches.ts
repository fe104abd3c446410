/** The provenance of everything in the workspace: one row per ingested file. */
import type { Workspace } from './openWorkspace.js';
import type { BatchMessageRow, BatchRow } from '../api/dashboard.js';

export async function listBatches(ws: Workspace): Promise<BatchRow[]> {
  return ws.db.all<BatchRow>(
    `SELECT b.*, CAST(strftime(b.started_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS started_at,
            CAST(strftime(b.finished_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS finished_at,
            (SELECT count(*) FROM batch_messages m WHERE m.batch_id = b.batch_id AND m.severity = 'warning') AS warnings
       FROM batches b ORDER BY b.batch_id`,
  );
}

/** A batch's validation report as stored: errors first, then warnings, then notes. */
export async function batchMessages(ws: Workspace, batchId: number): Promise<BatchMessageRow[]> {
  return ws.db.all<BatchMessageRow>(
    `SELECT * FROM batch_messages WHERE batch_id = $id
      ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, first_line NULLS LAST, code`,
    { id: batchId },
  );
}
