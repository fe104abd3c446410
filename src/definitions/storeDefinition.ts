/**
 * Definitions kept in the workspace, by content hash. The same content is always the same stored
 * version; new content is a new version: the version the file declares when it is free, else the
 * next free number (announced, so the file can be brought into step). Stored text is kept
 * exactly as given, so any version can be shown, compared and re-run later.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { SvdError } from '../core/errors.js';
import { SOFTWARE_VERSION } from '../core/version.js';
import type { Workspace } from '../store/openWorkspace.js';
import { readDefinitionText } from './readDefinition.js';
import { type Definition } from './definitionFile.js';

export interface StoredDefinitionRow {
  definition_id: string;
  version: number;
  content_hash: string;
  title: string;
  coverage: string;
  effective_from: string;
  origin: string;
  stored_at: string;
}

export interface StoreOutcome {
  /** The definition as stored (its `file.version` is the stored version). */
  definition: Definition;
  /** True when this call added it; false when the same content was stored already. */
  added: boolean;
  /** Set when the stored version differs from the one the file declares. */
  note?: string;
}

export async function storedVersions(ws: Workspace, id?: string): Promise<StoredDefinitionRow[]> {
  return ws.db.allMemo<StoredDefinitionRow>(
    `SELECT definition_id, version, content_hash, title, coverage,
        strftime(effective_from, '%Y-%m-%d') AS effective_from, origin,
        strftime(stored_at, '%Y-%m-%dT%H:%M:%SZ') AS stored_at
      FROM definitions ${id === undefined ? '' : 'WHERE definition_id = $id'}
      ORDER BY definition_id, version`,
    id === undefined ? {} : { id },
  );
}

/**
 * Loads one stored version, re-validated against this svd's reference data. Reading and
 * validating the text takes 10–15 ms and every dashboard answer loads the definition it names, so
 * each version is read once for each state of the workspace (`Db.memo`: until the next write);
 * each caller gets a copy of its own.
 */
export async function loadStoredDefinition(
  ws: Workspace,
  id: string,
  version: number,
): Promise<Definition | undefined> {
  const read = await ws.db.memo(`storedDefinition\u0000${id}\u0000${version}`, () =>
    readStoredDefinition(ws, id, version),
  );
  return read === undefined ? undefined : structuredClone(read);
}

async function readStoredDefinition(
  ws: Workspace,
  id: string,
  version: number,
): Promise<Definition | undefined> {
  const [row] = await ws.db.allMemo<{ source_text: string; content_hash: string; origin: string }>(
    `SELECT source_text, content_hash, origin FROM definitions
      WHERE definition_id = $id AND version = $version`,
    { id, version },
  );
  if (row === undefined) return undefined;
  const result = readDefinitionText(row.source_text, row.origin);
  if (result.definition === undefined) {
    throw new SvdError({
      kind: 'workspace',
      code: 'STORED_DEFINITION_INVALID',
      message: `${id}@${version} is stored in the workspace but no longer validates: ${result.issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.message)
        .join('; ')}`,
      fix: 'store a corrected version (svd classify --definition FILE), or use an older svd to read it',
    });
  }
  return {
    ...result.definition,
    file: { ...result.definition.file, version },
    contentHash: row.content_hash,
  };
}

export async function storeDefinition(
  ws: Workspace,
  definition: Definition,
  clock: Clock = systemClock,
): Promise<StoreOutcome> {
  const { id, version: declared } = definition.file;
  return ws.db.transaction(async () => {
    const same = await ws.db.value<number>(
      `SELECT version FROM definitions WHERE definition_id = $id AND content_hash = $hash
        ORDER BY version LIMIT 1`,
      { id, hash: definition.contentHash },
    );
    if (same !== undefined) {
      return {
        definition: { ...definition, file: { ...definition.file, version: same } },
        added: false,
        ...(same === declared
          ? {}
          : {
              note: `${id}: the file says version ${declared}, but its content is the stored version ${same}; using ${id}@${same}`,
            }),
      };
    }
    const taken = await ws.db.value<number>(
      `SELECT count(*) FROM definitions WHERE definition_id = $id AND version = $version`,
      { id, version: declared },
    );
    let version = declared;
    let note: string | undefined;
    if ((taken ?? 0) > 0) {
      const max = (await ws.db.value<number>(
        `SELECT max(version) FROM definitions WHERE definition_id = $id`,
        { id },
      ))!;
      version = max + 1;
      note = `${id}: version ${declared} is already stored with other content, so this edit is stored as version ${version} (set \`version: ${version}\` in the file to keep them in step)`;
    }
    await ws.db.run(
      `INSERT INTO definitions VALUES ($id, $version, $hash, $title, $coverage, CAST($from AS DATE),
        $origin, $text, $at, $software)`,
      {
        id,
        version,
        hash: definition.contentHash,
        title: definition.file.title,
        coverage: definition.file.coverage,
        from: definition.file.effective_from,
        origin: definition.origin,
        text: definition.sourceText,
        at: clock.now().toISOString(),
        software: SOFTWARE_VERSION,
      },
    );
    return {
      definition: { ...definition, file: { ...definition.file, version } },
      added: true,
      ...(note === undefined ? {} : { note }),
    };
  });
}
