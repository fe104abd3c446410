/** The provenance of everything in the workspace: one row per ingested file. */
import type { Workspace } from './openWorkspace.js';
import type { BatchMessageRow, BatchRow } from '../api/dashboard.js';
import { REPLACED_ROWS_TABLE } from './batchStatus.js';

export async function listBatches(ws: Workspace): Promise<BatchRow[]> {
  const rows = await ws.db.all<Omit<BatchRow, 'replaced_by'>>(
    `SELECT b.*, CAST(strftime(b.started_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS started_at,
            CAST(strftime(b.finished_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS finished_at,
            (SELECT count(*) FROM batch_messages m WHERE m.batch_id = b.batch_id AND m.severity = 'warning') AS warnings,
            o.organisation AS controller
       FROM batches b LEFT JOIN batch_owner o ON o.batch_id = b.batch_id ORDER BY b.batch_id`,
  );
  const replacedBy = await batchesInUseInstead(ws);
  return rows.map((r) => ({ ...r, replaced_by: replacedBy.get(r.batch_id) ?? [] }));
}

/**
 * For each batch with rows kept apart (replaced, restorable): the batches whose rows are in use
 * now for the same force-months — those a restore would set aside.
 */
async function batchesInUseInstead(ws: Workspace): Promise<Map<number, number[]>> {
  const tables = Object.entries(REPLACED_ROWS_TABLE);
  const apartRows = await ws.db.value<number>(
    `SELECT ${tables.map(([, apart]) => `(SELECT count(*) FROM ${apart})`).join(' + ')}`,
  );
  if ((apartRows ?? 0) === 0) return new Map();
  const apart = tables
    .map(([t, a]) => `SELECT DISTINCT '${t}' AS t, batch_id, force, month FROM ${a}`)
    .join(' UNION ALL ');
  const holders = tables
    .map(
      ([t]) => `SELECT DISTINCT '${t}' AS t, x.batch_id, x.force, x.month FROM ${t} x
        SEMI JOIN apart a ON a.t = '${t}' AND a.force = x.force AND a.month = x.month
        ${t === 'incidents' ? `WHERE x.source = 'police-uk'` : ''}`,
    )
    .join(' UNION ALL ');
  const found = await ws.db.all<{ batch_id: number; replaced_by: number[] }>(
    `WITH apart AS (${apart}), holders AS (${holders})
     SELECT a.batch_id, list_sort(list(DISTINCT h.batch_id)) AS replaced_by
       FROM apart a JOIN holders h
         ON h.t = a.t AND h.force = a.force AND h.month = a.month AND h.batch_id <> a.batch_id
      GROUP BY a.batch_id`,
  );
  return new Map(found.map((f) => [f.batch_id, f.replaced_by.map(Number)]));
}

/** A batch's validation report as stored: errors first, then warnings, then notes. */
export async function batchMessages(ws: Workspace, batchId: number): Promise<BatchMessageRow[]> {
  return ws.db.all<BatchMessageRow>(
    `SELECT * FROM batch_messages WHERE batch_id = $id
      ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, first_line NULLS LAST, code`,
    { id: batchId },
  );
}
