/** What a strategy file is checked against: the definitions (shipped and stored) and dimensions. */
import { DIMENSIONS } from '../analyses/selection/dimensions.js';
import { shippedDefinitions } from '../definitions/shippedDefinitions.js';
import { loadStoredDefinition, storedVersions } from '../definitions/storeDefinition.js';
import type { Workspace } from '../store/openWorkspace.js';
import type { StrategyContext } from './validateStrategy.js';

export async function strategyContext(ws?: Workspace): Promise<StrategyContext> {
  const definitions = new Map<string, string[]>();
  for (const d of shippedDefinitions()) {
    const tiers = d.file.tiers.map((t) => t.id);
    definitions.set(d.file.id, tiers);
    definitions.set(`${d.file.id}@${d.file.version}`, tiers);
  }
  if (ws !== undefined) {
    for (const row of await storedVersions(ws)) {
      const d = await loadStoredDefinition(ws, row.definition_id, row.version);
      if (d === undefined) continue;
      const tiers = d.file.tiers.map((t) => t.id);
      definitions.set(`${row.definition_id}@${row.version}`, tiers);
      // The id alone means the newest stored version (rows come oldest first).
      definitions.set(row.definition_id, tiers);
    }
  }
  return { definitions, dimensions: DIMENSIONS.map((d) => d.name) };
}
