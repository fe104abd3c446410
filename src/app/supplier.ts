/**
 * Which organisation supplied the batches an ingest stores — their controller, whose data they
 * stay (docs/decisions/0074-sign-in-and-enforcement.md). Checked before anything is read, so a
 * misspelt organisation stores nothing; recorded for every batch the ingest added.
 */
import { requireOrganisation } from '../access/organisations.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';

export async function suppliedBy<T>(
  ws: Workspace,
  supplier: string | undefined,
  reporter: Reporter,
  run: () => Promise<T>,
): Promise<T> {
  if (supplier === undefined) {
    const organisations =
      ws.path === ':memory:'
        ? 0
        : ((await ws.db.value<number>(`SELECT count(*) FROM organisations`)) ?? 0);
    if (organisations > 0)
      reporter.info(
        'the supplier of these files is not recorded (give --supplier ORG): only readers whose agreements cover the dataset from any supplier will see it',
      );
    return run();
  }
  const organisation = await requireOrganisation(ws, supplier, '--supplier');
  const before = (await ws.db.value<number>(`SELECT coalesce(max(batch_id), 0) FROM batches`)) ?? 0;
  const result = await run();
  await ws.db.run(
    `INSERT INTO batch_owner
       SELECT batch_id, $org FROM batches
        WHERE batch_id > $before AND batch_id NOT IN (SELECT batch_id FROM batch_owner)`,
    { org: organisation.id, before },
  );
  return result;
}
