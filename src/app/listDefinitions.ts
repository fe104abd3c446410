/**
 * The definitions there are: those shipped with svd, and the versions stored in a workspace with
 * their latest classification (`svd definitions list`, `/api/definitions`).
 */
import { definitionMeta, latestRuns } from '../definitions/classificationRuns.js';
import { type DefinitionMeta } from '../api/definitions.js';
import { shippedDefinitions } from '../definitions/shippedDefinitions.js';
import { storedVersions } from '../definitions/storeDefinition.js';
import type { Workspace } from '../store/openWorkspace.js';

export type ShippedDefinitionRow = DefinitionMeta & { effective_from: string };

export type StoredDefinitionRow = Awaited<ReturnType<typeof storedVersions>>[number] & {
  classified_at: string | null;
  records_classified: number | null;
  in_tiers: number | null;
};

export function listShippedDefinitions(): ShippedDefinitionRow[] {
  return shippedDefinitions().map((d) => ({
    ...definitionMeta(d),
    effective_from: d.file.effective_from,
  }));
}

/** Every version stored in the workspace, with when it was last classified and how many records. */
export async function listStoredDefinitions(ws: Workspace): Promise<StoredDefinitionRow[]> {
  const runs = await latestRuns(ws);
  return (await storedVersions(ws)).map((s) => {
    const run = runs.find((r) => r.definition_id === s.definition_id && r.version === s.version);
    return {
      ...s,
      classified_at: run?.classified_at ?? null,
      records_classified: run?.records ?? null,
      in_tiers: run?.in_tiers ?? null,
    };
  });
}
