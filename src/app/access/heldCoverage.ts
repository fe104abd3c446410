/**
 * The coverage of the sources (months held, rows per month) as a signed-in reader may see it
 * (docs/decisions/0074-sign-in-and-enforcement.md): the sources they read, and for a reader held
 * to some districts, the rows of those districts only. Whether a month is held at all is the
 * source's (a month not held is missing for everyone); how many rows it holds is the reader's
 * share. The police.uk force × month grid is whole-force figures: only for readers of all of it.
 */
import { countIncidents } from '../../analyses/counts/countIncidents.js';
import { DIMENSIONS } from '../../analyses/selection/dimensions.js';
import type { Coverage, SourceCoverage } from '../../api/dashboard.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { ReaderScope } from './readerScope.js';

export async function holdSourceCoverage(
  ws: Workspace,
  coverage: SourceCoverage,
  scope: ReaderScope,
): Promise<SourceCoverage> {
  const kept = coverage.sources.filter(
    (row) =>
      scope.recordSources.includes(row.source) ||
      (row.source === 'istv' && scope.healthLive && scope.districts === null),
  );
  if (scope.districts === null) return { ...coverage, sources: kept };
  const counted = await countIncidents(
    ws,
    {
      by: ['source', 'month'],
      where: [
        { dimension: 'source', values: scope.recordSources },
        { dimension: 'district_code', values: scope.districts },
      ],
    },
    { dimensions: DIMENSIONS },
  );
  const n = new Map(counted.rows.map((r) => [`${String(r['source'])}|${String(r['month'])}`, r.n]));
  return {
    ...coverage,
    sources: kept.map((row) => {
      const months = coverage.months.map((m, i) =>
        row.months[i] === null ? null : (n.get(`${row.source}|${m}`) ?? 0),
      );
      return { ...row, months, rows: months.reduce<number>((a, v) => a + (v ?? 0), 0) };
    }),
  };
}

/** The police.uk grid, or an empty one for a reader who does not read all of police.uk. */
export function holdPoliceUkCoverage(coverage: Coverage, scope: ReaderScope): Coverage {
  if (scope.recordSources.includes('police-uk') && scope.districts === null) return coverage;
  return { ...coverage, forces: [], months: [], cells: [], totalRows: 0 };
}
