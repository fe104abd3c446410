/**
 * What `svd counts --definition` needs: the classified definition version the counts are of, its
 * dimensions and parameters, and what to tell the person about records it does not cover.
 */
import { SvdError } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';
import {
  definitionMeta,
  latestRuns,
  unavailableTiers,
  type ClassificationRun,
} from './classificationRuns.js';
import { compileDefinition } from './compileDefinition.js';
import { definitionLabel, resolveDefinition } from './resolveDefinition.js';
import { loadStoredDefinition } from './storeDefinition.js';
import { tierParams } from './tierDimensions.js';
import type { DefinitionMeta } from '../api/definitions.js';

export interface CountsDefinition {
  meta: DefinitionMeta;
  run: ClassificationRun;
  params: ReturnType<typeof tierParams>;
  /** Records with no classification under this version (ingested after it). */
  unclassified: number;
  /** Records in more than one tier (the tier dimension shows each once). */
  multiTier: number;
  /** How the version was chosen, when that was automatic. */
  notes: string[];
  /** Tiers needing a field that no record carries: missing from the counts, not zero. */
  unavailableTiers: { tier: string; fields: string[] }[];
}

export async function countsDefinition(
  ws: Workspace,
  spec: string,
  cwd: string,
): Promise<CountsDefinition> {
  const resolved = await resolveDefinition(spec, { ws, cwd });
  let definition = resolved.definition;
  if (resolved.source !== 'workspace') {
    // A file or a shipped definition counts through the stored version with the same content.
    const version = await ws.db.value<number>(
      `SELECT version FROM definitions WHERE definition_id = $id AND content_hash = $hash ORDER BY version LIMIT 1`,
      { id: definition.file.id, hash: definition.contentHash },
    );
    if (version !== undefined)
      definition = (await loadStoredDefinition(ws, definition.file.id, version))!;
  }
  const run = (
    await latestRuns(ws, { id: definition.file.id, version: definition.file.version })
  )[0];
  if (run === undefined || run.content_hash !== definition.contentHash) {
    throw new SvdError({
      kind: 'usage',
      code: 'NOT_CLASSIFIED',
      message: `the records in this workspace have not been classified under ${definitionLabel(definition)} yet`,
      fix: `run \`svd classify --definition ${spec}\` first`,
    });
  }
  const params = tierParams(definition.file.id, definition.file.version);
  // Asked by every analysis of a report, of the same data: answered once until something is written.
  const { unclassified, multiTier } = await ws.db.memo(
    `classification-state:${definition.file.id}@${definition.file.version}`,
    async () => ({
      unclassified:
        (await ws.db.value<number>(
          `SELECT count(*) FROM incidents i LEFT JOIN incident_classifications ic
            ON ic.incident_id = i.id AND ic.definition_id = $cls_id AND ic.version = $cls_version
            WHERE ic.incident_id IS NULL`,
          params,
        )) ?? 0,
      multiTier:
        (await ws.db.value<number>(
          `SELECT count(*) FROM incident_classifications ic JOIN classification_patterns cp
            ON cp.definition_id = ic.definition_id AND cp.version = ic.version AND cp.mask = ic.mask
            JOIN incidents i ON i.id = ic.incident_id
            WHERE ic.definition_id = $cls_id AND ic.version = $cls_version AND len(cp.tiers) > 1`,
          params,
        )) ?? 0,
    }),
  );
  return {
    notes: resolved.notes,
    meta: definitionMeta(definition),
    run,
    params,
    unclassified,
    multiTier,
    unavailableTiers: await unavailableTiers(ws, compileDefinition(definition)),
  };
}
