/**
 * `svd geo partnerships`: the partnership configuration stored in the workspace (superseding the
 * one before), and the areas rebuilt from it.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';
import {
  PARTNERSHIP_KIND,
  readPartnershipConfig,
  type PartnershipConfig,
} from './partnershipConfig.js';
import { rebuildGeography, type RebuildReport } from './rebuildGeography.js';
import { identifyFile, recordReferenceBatch, supersedeBatches } from './referenceBatches.js';

export async function loadPartnershipConfig(
  ws: Workspace,
  file: string,
  options: { reporter: Reporter; clock?: Clock },
): Promise<{ config: PartnershipConfig; batchId: number; geography: RebuildReport }> {
  const { config, bytes } = readPartnershipConfig(file);
  const clock = options.clock ?? systemClock;
  return ws.db.transaction(async () => {
    await supersedeBatches(ws, PARTNERSHIP_KIND);
    const batchId = await recordReferenceBatch(ws, {
      kind: PARTNERSHIP_KIND,
      file: identifyFile(file, bytes),
      rowsRead: config.partnerships.length + config.forces.length,
      rowsStored: config.partnerships.length + config.forces.length,
      clock,
    });
    await ws.db.run(`DELETE FROM geo_state WHERE key = 'partnerships'`);
    await ws.db.run(`INSERT INTO geo_state VALUES ('partnerships', $json)`, {
      json: JSON.stringify({ batchId, config }),
    });
    options.reporter.info(
      `partnerships: ${config.partnerships.map((p) => `${p.name} (${p.districts.length} district${p.districts.length === 1 ? '' : 's'}${p.within === undefined ? '' : `, within ${p.within}`})`).join('; ')}`,
    );
    if (config.sites.length > 0)
      options.reporter.info(
        `emergency departments: ${config.sites.map((s) => `${s.code} (${s.name}) in ${s.district}`).join('; ')}`,
      );
    const geography = await rebuildGeography(ws, { reporter: options.reporter, clock });
    return { config, batchId, geography };
  });
}
