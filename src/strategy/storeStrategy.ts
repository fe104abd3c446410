/**
 * The strategy in the workspace: one revision per change, each the whole document with its
 * content hash, where it came from and why. The newest revision is the strategy as it stands.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { SvdError } from '../core/errors.js';
import { SOFTWARE_VERSION } from '../core/version.js';
import type { Workspace } from '../store/openWorkspace.js';
import { strategyHash, type Strategy } from './readStrategy.js';
import { strategySchema, type StrategyFile } from './schema.js';
import type { StrategyRevision } from '../api/strategy.js';

export interface StoredStrategy extends Strategy {
  revision: StrategyRevision;
}

export async function strategyRevisions(ws: Workspace): Promise<StrategyRevision[]> {
  return ws.db.all<StrategyRevision>(
    `SELECT revision, strategy_id, content_hash, origin, reason,
        strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at
      FROM strategy_revisions ORDER BY revision`,
  );
}

export async function loadStrategy(
  ws: Workspace,
  revision?: number,
): Promise<StoredStrategy | undefined> {
  const row = await ws.db.one<StrategyRevision & { document: string }>(
    `SELECT revision, strategy_id, content_hash, origin, reason, document,
        strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at
      FROM strategy_revisions ${revision === undefined ? '' : 'WHERE revision = $revision'}
      ORDER BY revision DESC LIMIT 1`,
    revision === undefined ? {} : { revision },
  );
  if (row === undefined) return undefined;
  const parsed = strategySchema.safeParse(JSON.parse(row.document));
  if (!parsed.success)
    throw new SvdError({
      kind: 'workspace',
      code: 'STORED_STRATEGY_INVALID',
      message: `strategy revision ${row.revision} in the workspace no longer reads: ${parsed.error.issues[0]?.message ?? ''}`,
      fix: 'import the strategy file again (svd strategy import FILE)',
    });
  const { document: _document, ...revisionRow } = row;
  return { file: parsed.data, contentHash: row.content_hash, revision: revisionRow };
}

/** The strategy as it stands; a workspace error when none was imported. */
export async function requireStrategy(ws: Workspace): Promise<StoredStrategy> {
  const found = await loadStrategy(ws);
  if (found === undefined)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_STRATEGY',
      message: 'no strategy has been imported into this workspace',
      fix: 'import one: svd strategy import FILE (an example: examples/oxfordshire-strategy.yaml)',
    });
  return found;
}

/**
 * Stores the document as a new revision unless it equals the current one. Runs inside the
 * caller's transaction when there is one.
 */
export async function storeStrategyRevision(
  ws: Workspace,
  file: StrategyFile,
  options: { origin: string; reason: string; clock?: Clock },
): Promise<{ revision: number; changed: boolean; contentHash: string }> {
  const clock = options.clock ?? systemClock;
  const hash = strategyHash(file);
  return ws.db.transaction(async () => {
    const current = await ws.db.one<{ revision: number; content_hash: string }>(
      `SELECT revision, content_hash FROM strategy_revisions ORDER BY revision DESC LIMIT 1`,
    );
    if (current !== undefined && current.content_hash === hash)
      return { revision: current.revision, changed: false, contentHash: hash };
    const revision = (current?.revision ?? 0) + 1;
    await ws.db.run(
      `INSERT INTO strategy_revisions VALUES ($revision, $id, $hash, $doc, $origin, $reason, $at, $software)`,
      {
        revision,
        id: file.id,
        hash,
        doc: JSON.stringify(file),
        origin: options.origin,
        reason: options.reason,
        at: clock.now().toISOString(),
        software: SOFTWARE_VERSION,
      },
    );
    return { revision, changed: true, contentHash: hash };
  });
}
