/**
 * Which force-months the workspace holds, and how many rows each: the grid spans every month
 * from the first to the last ingested, so a month that was never ingested shows as missing —
 * never as zero.
 */
import { monthRange } from '../../core/months.js';
import { usageError } from '../../core/errors.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { Coverage, CoverageCell, CoverageDataset } from '../../api/dashboard.js';

export const COVERAGE_DATASETS = [
  'street',
  'outcomes',
  'stop-and-search',
] as const satisfies readonly CoverageDataset[];

const SOURCES: Record<CoverageDataset, string> = {
  street: `SELECT force, month FROM incidents WHERE source = 'police-uk'`,
  outcomes: `SELECT force, month FROM police_uk_outcomes`,
  'stop-and-search': `SELECT force, month FROM police_uk_stop_searches`,
};

export function parseCoverageDataset(value: string): CoverageDataset {
  if ((COVERAGE_DATASETS as readonly string[]).includes(value)) return value as CoverageDataset;
  throw usageError(
    'BAD_DATASET',
    `invalid dataset: ${value}`,
    `use one of ${COVERAGE_DATASETS.join(', ')}`,
  );
}

export async function getCoverage(ws: Workspace, dataset: CoverageDataset = 'street'): Promise<Coverage> {
  const rows = await ws.db.all<{ force: string; month: string; n: number }>(
    `SELECT force, strftime(month, '%Y-%m') AS month, count(*) AS n
       FROM (${SOURCES[dataset]}) GROUP BY ALL ORDER BY force, month`,
  );
  const forces = [...new Set(rows.map((r) => r.force))].sort();
  const present = rows.map((r) => r.month).sort();
  const months = present.length === 0 ? [] : monthRange(present[0]!, present[present.length - 1]!);
  const held = new Map(rows.map((r) => [`${r.force}|${r.month}`, r.n]));
  const cells: CoverageCell[] = [];
  for (const force of forces) {
    for (const month of months) {
      const n = held.get(`${force}|${month}`);
      cells.push({ force, month, rows: n ?? null, status: n === undefined ? 'missing' : 'present' });
    }
  }
  return { dataset, forces, months, cells, totalRows: rows.reduce((s, r) => s + r.n, 0) };
}
