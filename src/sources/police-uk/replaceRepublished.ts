import type { Workspace } from '../../store/openWorkspace.js';
import type { PoliceUkDataset } from './formats.js';
import type { Replacement, StoredBatch } from './ingestTypes.js';

const monthText = (m: unknown): string => String(m).slice(0, 7);

/** Finds rows of older batches for the same force-months and removes them, logging why. */
export async function replaceRepublished(
  ws: Workspace,
  table: string,
  dataset: PoliceUkDataset,
  stored: StoredBatch[],
  replacedAt: string,
): Promise<Map<number, Replacement[]>> {
  const { db } = ws;
  const byBatch = new Map<number, Replacement[]>();
  const newIds = stored.map((s) => s.batchId);
  const sourceFilter = table === 'incidents' ? `AND source = 'police-uk'` : '';
  const rows = await db.all<{
    new_batch: number;
    old_batch: number;
    force: string;
    month: string;
    removed: number;
    added: number;
  }>(
    `WITH fresh AS (
       SELECT batch_id AS new_batch, force, month, count(*) AS added FROM ${table}
        WHERE batch_id BETWEEN $lo AND $hi GROUP BY ALL)
     SELECT f.new_batch, t.batch_id AS old_batch, t.force, t.month, count(*) AS removed, any_value(f.added) AS added
       FROM ${table} t JOIN fresh f ON t.force = f.force AND t.month = f.month
      WHERE t.batch_id NOT BETWEEN $lo AND $hi ${sourceFilter}
      GROUP BY ALL ORDER BY t.month, t.force, old_batch`,
    { lo: Math.min(...newIds), hi: Math.max(...newIds) },
  );
  for (const r of rows) {
    await db.run(
      `DELETE FROM ${table} WHERE batch_id = $old AND force = $force AND month = $month`,
      {
        old: r.old_batch,
        force: r.force,
        month: r.month,
      },
    );
    await db.run(
      `INSERT INTO batch_replacements VALUES ($new, $old, $dataset, $force, $month, $removed, $added, $at)`,
      {
        new: r.new_batch,
        old: r.old_batch,
        dataset,
        force: r.force,
        month: r.month,
        removed: r.removed,
        added: r.added,
        at: replacedAt,
      },
    );
    const list = byBatch.get(r.new_batch) ?? [];
    list.push({
      oldBatchId: r.old_batch,
      force: r.force,
      month: monthText(r.month),
      rowsRemoved: r.removed,
      rowsAdded: r.added,
    });
    byBatch.set(r.new_batch, list);
  }
  const oldIds = [...new Set(rows.map((r) => r.old_batch))];
  for (const old of oldIds) {
    const left =
      (await db.value<number>(`SELECT count(*) FROM ${table} WHERE batch_id = $old`, { old })) ?? 0;
    await db.run(`UPDATE batches SET status = $status WHERE batch_id = $old`, {
      old,
      status: left === 0 ? 'superseded' : 'partly-superseded',
    });
  }
  return byBatch;
}
