/**
 * `svd batches restore`: a police.uk batch that a later file replaced is brought back into use
 * (and the rows that replaced it set aside, restorable in turn), in one transaction; then the
 * derived data are brought up to date as after an upload — the records placed in their areas and
 * classified again under every definition the workspace was classified under — so that the
 * figures count the restored records at once.
 */
import { systemClock, type Clock } from '../core/clock.js';
import type { Reporter } from '../core/reporter.js';
import { restoreBatch, type RestoredBatch } from '../sources/police-uk/restoreBatch.js';
import type { Workspace } from '../store/openWorkspace.js';
import { reclassifyHeld, refreshDerivedDataWhenAreasHeld } from './deriveData.js';

export interface RestoreBatchOptions {
  reporter: Reporter;
  clock?: Clock;
}

export interface RestoreBatchReport extends RestoredBatch {
  /** The definitions (ID@VERSION) the records were classified under again. */
  reclassified: string[];
}

export async function restoreReplacedBatch(
  ws: Workspace,
  batchId: number,
  options: RestoreBatchOptions,
): Promise<RestoreBatchReport> {
  const { reporter } = options;
  const restored = await restoreBatch(ws, batchId, {
    restoredAt: (options.clock ?? systemClock).now().toISOString(),
    // Asked for by its number: the person chose this batch, whatever its size.
    allowShrink: true,
  });
  let reclassified: string[] = [];
  if (restored.dataset === 'street') {
    await refreshDerivedDataWhenAreasHeld(ws, { reporter });
    reclassified = await reclassifyHeld(ws, reporter);
  }
  return { ...restored, reclassified };
}
