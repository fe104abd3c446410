import { openWorkspace } from '../../src/store/openWorkspace.js';

const TABLES = [
  'batches',
  'batch_messages',
  'batch_replacements',
  'incidents',
  'police_uk_outcomes',
  'police_uk_stop_searches',
  'svd_schema',
  'pseudonym_keys',
  'batch_mappings',
  'ae_attendances',
  'ae_attendance_counts',
  'home_office_csp_counts',
];

/** Every table's row count and an order-independent hash of its rows: equal means unchanged. */
export async function storeFingerprint(dbPath: string): Promise<Record<string, string>> {
  const ws = await openWorkspace(dbPath, { create: false });
  try {
    const out: Record<string, string> = {};
    for (const table of TABLES) {
      const row = await ws.db.one<{ n: number; h: string | null }>(
        `SELECT count(*) AS n, CAST(sum(hash(t)) AS VARCHAR) AS h FROM ${table} t`,
      );
      out[table] = `${row?.n ?? 0}:${row?.h ?? ''}`;
    }
    return out;
  } finally {
    ws.close();
  }
}
