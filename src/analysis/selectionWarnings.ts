/**
 * Warnings every analysis of incidents gives about what it selected: records from synthetic
 * batches, and police.uk rows mixed with force extract rows (the same crimes twice).
 */
import type { Workspace } from '../store/openWorkspace.js';
import type { Warnings } from './analysisResult.js';
import type { ResolvedSelection } from './selection.js';

export interface SelectedSources {
  /** Incidents selected, by source. */
  bySource: Record<string, number>;
  total: number;
  synthetic: number;
}

export async function warnAboutSelection(
  ws: Workspace,
  resolved: ResolvedSelection,
  warnings: Warnings,
): Promise<SelectedSources> {
  const rows = await ws.db.all<{ source: string; n: number; synthetic: number }>(
    `SELECT i.source AS source, count(*) AS n,
            count(*) FILTER (WHERE i.batch_id IN (SELECT batch_id FROM batches WHERE synthetic)) AS synthetic
       FROM ${resolved.sql.from} WHERE ${resolved.sql.where} GROUP BY 1 ORDER BY 1`,
    resolved.sql.params,
  );
  const bySource = Object.fromEntries(rows.map((r) => [r.source, r.n]));
  const total = rows.reduce((s, r) => s + r.n, 0);
  const synthetic = rows.reduce((s, r) => s + r.synthetic, 0);
  if (synthetic > 0)
    warnings.add(
      'SYNTHETIC',
      `${synthetic.toLocaleString('en-GB')} of the ${total.toLocaleString('en-GB')} incidents selected are SYNTHETIC (generated for tests and demonstrations, not real records)`,
    );
  if ((bySource['police-uk'] ?? 0) > 0 && (bySource['force-extract'] ?? 0) > 0)
    warnings.add(
      'MIXED_SOURCES',
      'the selection holds police.uk rows and force extract rows, which record the same crimes: choose one with --where source=police-uk or --where source=force-extract',
    );
  return { bySource, total, synthetic };
}
