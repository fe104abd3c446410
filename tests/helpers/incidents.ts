/**
 * Canonical incident rows put straight into a workspace, as a force extract would store them,
 * for tests that need offence codes, flags and ages (police.uk rows have none of these).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncidentRecord } from '../../src/definitions/incidentRecord.js';
import type { Workspace } from '../../src/store/openWorkspace.js';
import { DETAILED_TABLE } from '../../src/store/incidentTables.js';

export interface TestIncident extends IncidentRecord {
  /** YYYY-MM (default 2024-01). */
  month?: string;
  force?: string;
  lsoa_code?: string | null;
  lsoa_name?: string | null;
}

const COLUMNS: Record<string, string> = {
  month: 'VARCHAR',
  force: 'VARCHAR',
  lsoa_code: 'VARCHAR',
  lsoa_name: 'VARCHAR',
  crime_type: 'VARCHAR',
  offence_code: 'VARCHAR',
  offence_subcode: 'VARCHAR',
  offence_description: 'VARCHAR',
  statute: 'VARCHAR',
  flag_knife: 'BOOLEAN',
  flag_firearm: 'BOOLEAN',
  flag_domestic: 'BOOLEAN',
  flag_county_lines: 'BOOLEAN',
  flag_drug_related: 'BOOLEAN',
  flag_alcohol: 'BOOLEAN',
  flag_night_time_economy: 'BOOLEAN',
  victim_age: 'SMALLINT',
  victim_age_band: 'VARCHAR',
  victim_sex: 'VARCHAR',
  suspect_age: 'SMALLINT',
  suspect_age_band: 'VARCHAR',
  suspect_sex: 'VARCHAR',
  location_type: 'VARCHAR',
};

/** Inserts the rows as one synthetic force-extract batch; returns their ids in order. */
export async function insertIncidents(
  ws: Workspace,
  rows: readonly TestIncident[],
  options: { source?: string } = {},
): Promise<number[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'svd-incidents-'));
  try {
    const file = path.join(dir, 'rows.jsonl');
    writeFileSync(
      file,
      rows
        .map((r, i) =>
          JSON.stringify({
            ...Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, null])),
            ...r,
            icd10_cause: undefined,
            month: r.month ?? '2024-01',
            force: r.force ?? 'thames-valley',
            ord: i,
          }),
        )
        .join('\n') + '\n',
    );
    return await ws.db.transaction(async () => {
      const batch =
        (await ws.db.value<number>(`SELECT coalesce(max(batch_id), 0) + 1 FROM batches`)) ?? 1;
      await ws.db.run(
        `INSERT INTO batches (batch_id, source_kind, file_name, file_path, sha256, bytes, rows_read,
           rows_stored, started_at, finished_at, status, synthetic, software_version)
         VALUES ($batch, $source, 'test-rows.jsonl', $file, $sha, 0, $n, $n, now(), now(), 'stored', true, 'test')`,
        {
          batch,
          source: options.source ?? 'force-extract',
          file,
          sha: `test-${batch}`,
          n: rows.length,
        },
      );
      const columns = Object.keys(COLUMNS);
      const first = await ws.db.value<number>(`SELECT nextval('incident_id_seq')`);
      await ws.db.run(
        `INSERT INTO ${DETAILED_TABLE} (id, source, batch_id, ${columns.join(', ')})
         SELECT $first + ord, $source, $batch, ${columns
           .map((c) => (c === 'month' ? `CAST(month || '-01' AS DATE)` : c))
           .join(', ')}
         FROM read_json($file, format = 'newline_delimited',
           columns = {${[...columns, 'ord']
             .map((c) => `'${c}': '${c === 'ord' ? 'BIGINT' : COLUMNS[c]}'`)
             .join(', ')}})`,
        { first: first!, source: options.source ?? 'force-extract', batch, file },
      );
      // Keep the sequence past the ids used.
      if (rows.length > 1)
        await ws.db.run(`SELECT nextval('incident_id_seq') FROM range($n)`, { n: rows.length - 1 });
      return rows.map((_, i) => first! + i);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
