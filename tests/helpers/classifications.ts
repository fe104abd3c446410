/**
 * A workspace's classifications made as a workspace classified before schema 13 holds them:
 * one row per record in `incident_classification_rows`, and `incident_classifications` a view of
 * those rows alone (src/store/migrations/0013-classification-values.ts). The records `condition`
 * names lose theirs, so that they are unclassified, as records ingested after a classification
 * are, without being new.
 */
import type { Workspace } from '../../src/store/openWorkspace.js';

export async function keepPerRecordExcept(ws: Workspace, condition: string): Promise<void> {
  await ws.db.run(
    `CREATE TEMP TABLE kept_classifications AS
       SELECT * FROM incident_classifications WHERE NOT (${condition})`,
  );
  const tables = await ws.db.all<{ value_table: string }>(
    'SELECT value_table FROM classification_values',
  );
  await ws.db.run(
    `CREATE OR REPLACE VIEW incident_classifications AS
       SELECT definition_id, version, incident_id, mask FROM incident_classification_rows`,
  );
  for (const { value_table } of tables) await ws.db.run(`DROP TABLE ${value_table}`);
  await ws.db.run('DELETE FROM classification_values');
  await ws.db.run('DELETE FROM incident_classification_rows');
  await ws.db.run(
    'INSERT INTO incident_classification_rows SELECT * FROM temp.kept_classifications',
  );
  await ws.db.run('DROP TABLE temp.kept_classifications');
}
