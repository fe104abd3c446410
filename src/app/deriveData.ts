/**
 * Data derived from what was loaded — the areas of every LSOA, the placement of each record in
 * them, the classification of each record under a definition — are written here and nowhere else
 * outside their owners: before an analysis reads them (analyses only check that they are current,
 * `src/geo/derivedDataState.ts`) and after new data arrive. The command line and the server both
 * call these (docs/decisions/0066-layers.md).
 */
import type { Reporter } from '../core/reporter.js';
import {
  classifyIncidents,
  type ClassifyOptions,
  type ClassifyReport,
} from '../definitions/classifyIncidents.js';
import { latestRuns } from '../definitions/classificationRuns.js';
import type { Definition } from '../definitions/definitionFile.js';
import { loadStoredDefinition } from '../definitions/storeDefinition.js';
import type { PlacementReport } from '../geo/derivedDataState.js';
import type { PlaceOptions } from '../geo/placeIncidents.js';
import type { Workspace } from '../store/openWorkspace.js';

/**
 * Brings the areas and the placement of the records up to date: the areas rebuilt when their
 * inputs changed, then every record not yet placed placed (`svd geo place`).
 */
export async function refreshDerivedData(
  ws: Workspace,
  options: PlaceOptions,
): Promise<PlacementReport> {
  return (await placement()).placeIncidents(ws, options);
}

/**
 * The placement's modules (the polygon index, the geography's rebuild), imported when records
 * are placed: a command that only classifies does not load them.
 */
const placement = (): Promise<typeof import('../geo/placeIncidents.js')> =>
  import('../geo/placeIncidents.js');

/** As refreshDerivedData, when LSOA areas are loaded (otherwise there is nothing to place in). */
export async function refreshDerivedDataWhenAreasHeld(
  ws: Workspace,
  options: PlaceOptions,
): Promise<PlacementReport | undefined> {
  const hasAreas = await ws.db.value<number>(
    `SELECT count(*) FROM geo_areas WHERE level IN ('lsoa11', 'lsoa21')`,
  );
  return (hasAreas ?? 0) > 0 ? (await placement()).placeIncidents(ws, options) : undefined;
}

/** Classifies every record under one definition version (`svd classify`). */
export function classifyRecords(
  ws: Workspace,
  definition: Definition,
  options: ClassifyOptions,
): Promise<ClassifyReport> {
  return classifyIncidents(ws, definition, options);
}

/**
 * Classifies again under every definition version the workspace was last classified under whose
 * stored text is unchanged, so new records count at once; returns the `ID@VERSION`s classified.
 */
export async function reclassifyHeld(ws: Workspace, reporter: Reporter): Promise<string[]> {
  const done: string[] = [];
  for (const run of await latestRuns(ws)) {
    const definition = await loadStoredDefinition(ws, run.definition_id, run.version);
    if (definition === undefined || definition.contentHash !== run.content_hash) continue;
    await classifyIncidents(ws, definition, { reporter, source: 'workspace' });
    done.push(`${run.definition_id}@${run.version}`);
  }
  return done;
}
