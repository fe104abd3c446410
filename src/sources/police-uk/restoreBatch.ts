/**
 * Bringing back a police.uk batch that a later file replaced: its rows kept apart return to use
 * and the rows that replaced them, force-month by force-month, are set aside in their turn (so a
 * restore can itself be undone), all in one transaction and logged as a replacement. See
 * docs/decisions/0070-replacement-and-restore.md.
 */
import { SvdError } from '../../core/errors.js';
import {
  ACTIVE,
  PARTLY_SUPERSEDED,
  REPLACED_ROWS_TABLE,
  RESTORABLE_STATUSES,
  SUPERSEDED,
} from '../../store/batchStatus.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { POLICE_UK_FORMATS, type PoliceUkDataset } from './formats.js';
import type { Replacement } from './ingestTypes.js';
import { markSetAside, moveForceMonth } from './replaceRepublished.js';
import {
  ReplacementShrinksError,
  shrinks,
  type ForceMonthReplacement,
} from './replacementShrinks.js';

export interface RestoreOptions {
  restoredAt: string;
  /** Restore even when the batch holds markedly fewer rows than those in use (`--replace`). */
  allowShrink: boolean;
  /** The file named in a refusal (default: the batch's file as it was ingested). */
  file?: string;
}

export interface RestoredBatch {
  batchId: number;
  dataset: PoliceUkDataset;
  /** The batch's file as it was ingested. */
  file: string;
  force: string | null;
  /** Rows brought back into use. */
  rows: number;
  months: string[];
  /** The rows set aside in their place: oldBatchId is the batch set aside, rowsAdded the rows back. */
  setAside: Replacement[];
}

const monthText = (m: unknown): string => String(m).slice(0, 7);

function notRestorable(batchId: number, message: string, fix: string): SvdError {
  return new SvdError({
    kind: 'usage',
    code: 'NOT_RESTORABLE',
    message: `batch ${batchId} ${message}`,
    fix,
  });
}

/** Restores one replaced or partly replaced police.uk batch; runs in the caller's transaction if any. */
export async function restoreBatch(
  ws: Workspace,
  batchId: number,
  options: RestoreOptions,
): Promise<RestoredBatch> {
  const { db } = ws;
  return db.transaction(async () => {
    const batch = await db.one<{
      source_kind: string;
      status: string;
      file_path: string;
      force: string | null;
    }>(`SELECT source_kind, status, file_path, force FROM batches WHERE batch_id = $id`, {
      id: batchId,
    });
    if (batch === undefined) {
      const last = await db.value<number>(`SELECT max(batch_id) FROM batches`);
      throw new SvdError({
        kind: 'usage',
        code: 'NO_SUCH_BATCH',
        message: `there is no batch ${batchId} in this workspace${last == null ? ' (it holds no batches)' : ` (batches are numbered 1 to ${last})`}`,
        fix: 'see the batches and their status with svd batches',
      });
    }
    const format = POLICE_UK_FORMATS.find((f) => f.sourceKind === batch.source_kind);
    if (format === undefined)
      throw notRestorable(
        batchId,
        `is a ${batch.source_kind} batch: only police.uk batches are replaced by a later file and restored`,
        'load that file again to bring it back into use',
      );
    if (batch.status === SUPERSEDED || batch.status === PARTLY_SUPERSEDED)
      throw notRestorable(
        batchId,
        `was ${batch.status} by an svd that did not keep the rows it replaced`,
        `ingest its file again (${batch.file_path}): it replaces what is held for its force-months`,
      );
    if (!RESTORABLE_STATUSES.includes(batch.status))
      throw notRestorable(
        batchId,
        `is ${batch.status}: all its rows are in use, there is nothing to restore`,
        'see which batches were replaced, and by what, with svd batches',
      );
    const table = format.table;
    const apart = REPLACED_ROWS_TABLE[table];
    const sourceFilter = table === 'incidents' ? `AND t.source = 'police-uk'` : '';
    const kept = await db.all<{ force: string; month: string; rows: number }>(
      `SELECT force, month, count(*) AS rows FROM ${apart} WHERE batch_id = $id
        GROUP BY ALL ORDER BY month, force`,
      { id: batchId },
    );
    if (kept.length === 0)
      throw notRestorable(
        batchId,
        'has no rows kept apart',
        'see which batches were replaced, and by what, with svd batches',
      );
    const inUse = await db.all<{ batch_id: number; force: string; month: string; rows: number }>(
      `SELECT t.batch_id, t.force, t.month, count(*) AS rows FROM ${table} t
        SEMI JOIN (SELECT DISTINCT force, month FROM ${apart} WHERE batch_id = $id) k
          ON t.force = k.force AND t.month = k.month
        WHERE t.batch_id <> $id ${sourceFilter}
        GROUP BY ALL ORDER BY t.month, t.force, t.batch_id`,
      { id: batchId },
    );
    const keyOf = (r: { force: string; month: string }): string =>
      `${r.force}|${monthText(r.month)}`;
    const back = new Map(kept.map((k) => [keyOf(k), k.rows]));
    if (!options.allowShrink) {
      const held = new Map<string, ForceMonthReplacement>();
      for (const r of inUse) {
        const found = held.get(keyOf(r)) ?? {
          file: options.file ?? batch.file_path,
          dataset: format.dataset,
          force: r.force,
          month: monthText(r.month),
          held: 0,
          heldBatches: [],
          given: back.get(keyOf(r)) ?? 0,
        };
        found.held += r.rows;
        found.heldBatches.push(r.batch_id);
        held.set(keyOf(r), found);
      }
      const shrinking = [...held.values()].filter(shrinks);
      if (shrinking.length > 0) throw new ReplacementShrinksError(shrinking);
    }
    const setAside: Replacement[] = [];
    for (const r of inUse) {
      await moveForceMonth(db, table, apart, { batch: r.batch_id, force: r.force, month: r.month });
      const added = back.get(keyOf(r)) ?? 0;
      await db.run(
        `INSERT INTO batch_replacements VALUES ($new, $old, $dataset, $force, $month, $removed, $added, $at)`,
        {
          new: batchId,
          old: r.batch_id,
          dataset: format.dataset,
          force: r.force,
          month: r.month,
          removed: r.rows,
          added,
          at: options.restoredAt,
        },
      );
      setAside.push({
        oldBatchId: r.batch_id,
        force: r.force,
        month: monthText(r.month),
        rowsRemoved: r.rows,
        rowsAdded: added,
      });
    }
    for (const k of kept)
      await moveForceMonth(db, apart, table, { batch: batchId, force: k.force, month: k.month });
    await db.run(`UPDATE batches SET status = $status WHERE batch_id = $id`, {
      id: batchId,
      status: ACTIVE,
    });
    await markSetAside(db, table, [...new Set(inUse.map((r) => r.batch_id))]);
    return {
      batchId,
      dataset: format.dataset,
      file: batch.file_path,
      force: batch.force,
      rows: kept.reduce((sum, k) => sum + k.rows, 0),
      months: [...new Set(kept.map((k) => monthText(k.month)))].sort(),
      setAside,
    };
  });
}
