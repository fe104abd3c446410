import { openWorkspace } from '../../src/store/openWorkspace.js';

/**
 * Every table's and view's row count and an order-independent hash of its rows: equal means
 * unchanged. Views are included because readers read some of them as tables (`incidents`).
 */
export async function storeFingerprint(dbPath: string): Promise<Record<string, string>> {
  const ws = await openWorkspace(dbPath, { create: false });
  try {
    const out: Record<string, string> = {};
    // Every table and view of the workspace, so that those added by later schema steps are
    // covered too.
    const tables = await ws.db.all<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'main' AND table_type IN ('BASE TABLE', 'VIEW') ORDER BY table_name`,
    );
    for (const { name: table } of tables) {
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
