/**
 * Provenance of reference files (boundaries, lookups, population, deprivation, partnership
 * configuration): each loaded file is a row in `batches`, like an ingested police.uk file. A newer
 * load of the same kind supersedes the older batches.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { SOFTWARE_VERSION } from '../core/version.js';
import type { Workspace } from '../store/openWorkspace.js';

export interface FileIdentity {
  path: string;
  name: string;
  sha256: string;
  bytes: number;
}

export function identifyFile(file: string, bytes?: Buffer): FileIdentity {
  const data = bytes ?? readFileSync(file);
  return {
    path: file,
    name: path.basename(file),
    sha256: createHash('sha256').update(data).digest('hex'),
    bytes: data.length,
  };
}

export async function recordReferenceBatch(
  ws: Workspace,
  input: {
    kind: string;
    file: FileIdentity;
    rowsRead: number;
    rowsStored: number;
    clock: Clock;
  },
): Promise<number> {
  const id =
    ((await ws.db.value<number>(`SELECT coalesce(max(batch_id), 0) FROM batches`)) ?? 0) + 1;
  const now = input.clock.now().toISOString();
  await ws.db.run(
    `INSERT INTO batches (batch_id, source_kind, file_name, file_path, sha256, bytes, rows_read,
       rows_stored, rows_rejected, started_at, finished_at, status, software_version)
     VALUES ($id, $kind, $name, $path, $sha, $bytes, $read, $stored, 0, $now, $now, 'active', $software)`,
    {
      id,
      kind: input.kind,
      name: input.file.name,
      path: input.file.path,
      sha: input.file.sha256,
      bytes: input.file.bytes,
      read: input.rowsRead,
      stored: input.rowsStored,
      now,
      software: SOFTWARE_VERSION,
    },
  );
  return id;
}

/** Marks every active batch of this kind superseded; returns their ids. */
export async function supersedeBatches(ws: Workspace, kind: string): Promise<number[]> {
  const rows = await ws.db.all<{ batch_id: number }>(
    `SELECT batch_id FROM batches WHERE source_kind = $kind AND status = 'active' ORDER BY batch_id`,
    { kind },
  );
  await ws.db.run(
    `UPDATE batches SET status = 'superseded' WHERE source_kind = $kind AND status = 'active'`,
    { kind },
  );
  return rows.map((r) => r.batch_id);
}

/** The sha256 values of the active batches of a kind. */
export async function activeHashes(ws: Workspace, kind: string): Promise<string[]> {
  const rows = await ws.db.all<{ sha256: string }>(
    `SELECT sha256 FROM batches WHERE source_kind = $kind AND status = 'active' ORDER BY sha256`,
    { kind },
  );
  return rows.map((r) => r.sha256);
}
