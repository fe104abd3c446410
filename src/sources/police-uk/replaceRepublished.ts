/**
 * A force-month that arrives again in a file with other contents (police.uk re-published it)
 * replaces the rows held for it: they move to the table of replaced rows, where no analysis reads
 * them and `svd batches restore` can bring them back, and the replacement is logged. A file that
 * would leave markedly fewer rows is refused unless the replacement is meant (replacementShrinks.ts).
 */
import type { Db } from '../../store/db.js';
import { copyRows, deleteRows } from '../../store/incidentTables.js';
import {
  PARTLY_REPLACED,
  REPLACED,
  REPLACED_ROWS_TABLE,
  type ReplaceableTable,
} from '../../store/batchStatus.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { PoliceUkDataset } from './formats.js';
import type { Replacement, StoredBatch } from './ingestTypes.js';
import {
  ReplacementShrinksError,
  shrinks,
  type ForceMonthReplacement,
} from './replacementShrinks.js';

const monthText = (m: unknown): string => String(m).slice(0, 7);

export interface ReplaceOptions {
  replacedAt: string;
  /** Replace even with markedly fewer rows (`--replace`). */
  allowShrink: boolean;
}

/** Moves one batch's rows of a force-month from one table to the other, by column name. */
export async function moveForceMonth(
  db: Db,
  from: string,
  to: string,
  key: { batch: number; force: string; month: string },
): Promise<void> {
  const where = `batch_id = $batch AND force = $force AND month = CAST($month AS DATE)`;
  await copyRows(db, from, to, where, key);
  await deleteRows(db, from, where, key);
}

/** After some of its rows moved away: replaced when none is left in use, else partly replaced. */
export async function markSetAside(db: Db, table: string, batchIds: number[]): Promise<void> {
  for (const id of batchIds) {
    const left =
      (await db.value<number>(`SELECT count(*) FROM ${table} WHERE batch_id = $id`, { id })) ?? 0;
    await db.run(`UPDATE batches SET status = $status WHERE batch_id = $id`, {
      id,
      status: left === 0 ? REPLACED : PARTLY_REPLACED,
    });
  }
}

/** Finds rows of older batches for the same force-months and sets them aside, logging why. */
export async function replaceRepublished(
  ws: Workspace,
  table: ReplaceableTable,
  dataset: PoliceUkDataset,
  stored: StoredBatch[],
  options: ReplaceOptions,
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
  if (!options.allowShrink) {
    const files = new Map(stored.map((s) => [s.batchId, s.file.input.display]));
    const byForceMonth = new Map<string, ForceMonthReplacement>();
    for (const r of rows) {
      const key = `${r.new_batch}|${r.force}|${monthText(r.month)}`;
      const found = byForceMonth.get(key) ?? {
        file: files.get(r.new_batch) ?? '',
        dataset,
        force: r.force,
        month: monthText(r.month),
        held: 0,
        heldBatches: [],
        given: r.added,
      };
      found.held += r.removed;
      found.heldBatches.push(r.old_batch);
      byForceMonth.set(key, found);
    }
    const shrinking = [...byForceMonth.values()].filter(shrinks);
    // Thrown inside the ingest's transaction: everything of the run is rolled back.
    if (shrinking.length > 0) throw new ReplacementShrinksError(shrinking);
  }
  for (const r of rows) {
    await moveForceMonth(db, table, REPLACED_ROWS_TABLE[table], {
      batch: r.old_batch,
      force: r.force,
      month: r.month,
    });
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
        at: options.replacedAt,
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
  await markSetAside(db, table, [...new Set(rows.map((r) => r.old_batch))]);
  return byBatch;
}
