/**
 * Which months each source holds — police.uk street records, force extract records, A&E (ISTV)
 * attendances — over one span from the first month any source holds to the last, so a month a
 * source did not send shows as missing, never as zero; and how fresh each source is (its last
 * month, and when it was last ingested).
 */
import { listValue } from '@duckdb/node-api';
import { monthRange } from '../../core/months.js';
import { SQL_BATCH_IN_USE } from '../../store/batchStatus.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { SourceCoverage } from '../../api/dashboard.js';

const SOURCES: { source: string; label: string; sql: string; kinds: string[] }[] = [
  {
    source: 'police-uk',
    label: 'police.uk street-level crime',
    sql: `SELECT month, 1 AS n FROM incidents WHERE source = 'police-uk'`,
    kinds: ['police-uk-street'],
  },
  {
    source: 'force-extract',
    label: 'Force crime extract',
    sql: `SELECT month, 1 AS n FROM incidents WHERE source = 'force-extract'`,
    kinds: ['force-extract'],
  },
  {
    source: 'istv',
    label: 'A&E assault attendances (ISTV)',
    sql: `SELECT month, 1 AS n FROM ae_attendances
          UNION ALL SELECT month, attendances AS n FROM ae_attendance_counts`,
    kinds: ['istv'],
  },
];

export async function sourceCoverage(ws: Workspace): Promise<SourceCoverage> {
  const held = new Map<string, Map<string, number>>();
  const meta = new Map<string, { synthetic: boolean; lastIngested: string | null }>();
  for (const s of SOURCES) {
    const rows = await ws.db.all<{ month: string; n: number }>(
      `SELECT strftime(month, '%Y-%m') AS month, CAST(sum(n) AS BIGINT) AS n FROM (${s.sql}) GROUP BY 1 ORDER BY 1`,
    );
    if (rows.length === 0) continue;
    held.set(s.source, new Map(rows.map((r) => [r.month, r.n])));
    const m = await ws.db.one<{ synthetic: boolean; last: string | null }>(
      `SELECT coalesce(bool_or(synthetic), false) AS synthetic,
          CAST(strftime(max(finished_at), '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS last
        FROM batches WHERE list_contains($kinds, source_kind) AND ${SQL_BATCH_IN_USE}`,
      { kinds: listValue(s.kinds) },
    );
    meta.set(s.source, { synthetic: m?.synthetic ?? false, lastIngested: m?.last ?? null });
  }
  const all = [...held.values()].flatMap((m) => [...m.keys()]).sort();
  const months = all.length === 0 ? [] : monthRange(all[0]!, all.at(-1)!);
  return {
    months,
    sources: SOURCES.filter((s) => held.has(s.source)).map((s) => {
      const byMonth = held.get(s.source)!;
      const present = [...byMonth.keys()].sort();
      return {
        source: s.source,
        label: s.label,
        synthetic: meta.get(s.source)?.synthetic ?? false,
        months: months.map((m) => byMonth.get(m) ?? null),
        firstMonth: present[0] ?? null,
        lastMonth: present.at(-1) ?? null,
        rows: [...byMonth.values()].reduce((a, b) => a + b, 0),
        lastIngested: meta.get(s.source)?.lastIngested ?? null,
      };
    }),
  };
}
