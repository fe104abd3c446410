/**
 * What is known of the classifications held, read without writing: the meta of a definition, the
 * latest run of each stored version, and the fields a definition's tiers need that no record
 * carries. Classifying (which writes) is `classifyIncidents.ts`, called only from `src/app/`.
 */
import type { DefinitionMeta } from '../api/definitions.js';
import type { Workspace } from '../store/openWorkspace.js';
import { fieldsOfTest, type CompiledDefinition, type CompiledNode } from './compileDefinition.js';
import { INCIDENT_COLUMNS, type RecordField } from './incidentRecord.js';
import type { Definition } from './definitionFile.js';

export const definitionMeta = (d: Definition): DefinitionMeta => ({
  id: d.file.id,
  version: d.file.version,
  content_hash: d.contentHash,
  title: d.file.title,
  coverage: d.file.coverage,
});

/** Fields without which a node can never hold (a `not` needs none). */
export function requiredFields(node: CompiledNode): Set<RecordField> {
  switch (node.kind) {
    case 'test': {
      const fields = fieldsOfTest(node.test);
      // An age test is satisfied by the exact age or the band: neither alone is required.
      return new Set(node.test.kind === 'age' ? [] : fields);
    }
    case 'all':
      return new Set(node.children.flatMap((c) => [...requiredFields(c)]));
    case 'any': {
      const sets = node.children.map(requiredFields);
      return new Set([...(sets[0] ?? [])].filter((f) => sets.every((s) => s.has(f))));
    }
    case 'not':
      return new Set();
  }
}

/** For each tier, the fields every one of its rules needs. */
export function tierRequirements(
  compiled: CompiledDefinition,
): { tier: string; fields: RecordField[] }[] {
  return compiled.definition.file.tiers.map((tier) => {
    const sets = compiled.slots
      .filter((s) => s.tier === tier.id)
      .map((s) => requiredFields(s.node));
    const fields = [...(sets[0] ?? [])].filter((f) => sets.every((s) => s.has(f)));
    return { tier: tier.id, fields };
  });
}

/**
 * Non-null values held per field read by the definition (0 for fields that are not columns), in
 * the records of the given sources (every record when none are given).
 */
export async function fieldAvailability(
  ws: Workspace,
  compiled: CompiledDefinition,
  sources?: readonly string[],
): Promise<Map<RecordField, number>> {
  const columns = compiled.fieldsRead.filter((f) => INCIDENT_COLUMNS.has(f));
  const out = new Map<RecordField, number>(compiled.fieldsRead.map((f) => [f, 0]));
  if (columns.length === 0) return out;
  // Imported here, not at the top: the meta of a definition is wanted where DuckDB is not loaded
  // (svd definitions validate); with a workspace open it is already in memory.
  const { listValue } = await import('@duckdb/node-api');
  const row = await ws.db.memo(
    `field-availability:${columns.join(',')}:${sources === undefined ? '*' : JSON.stringify(sources)}`,
    () =>
      ws.db.one<Record<string, number>>(
        `SELECT ${columns.map((c) => `count(${c}) AS ${c}`).join(', ')} FROM incidents
          ${sources === undefined ? '' : 'WHERE list_contains($sources, source)'}`,
        sources === undefined ? {} : { sources: listValue([...sources]) },
      ),
  );
  for (const c of columns) out.set(c, row?.[c] ?? 0);
  return out;
}

export async function unavailableTiers(
  ws: Workspace,
  compiled: CompiledDefinition,
  sources?: readonly string[],
): Promise<{ tier: string; fields: RecordField[] }[]> {
  return tiersWithout(compiled, await fieldAvailability(ws, compiled, sources));
}

/** The tiers that need a field of which no value is held (`available`: values held per field). */
export function tiersWithout(
  compiled: CompiledDefinition,
  available: ReadonlyMap<RecordField, number>,
): { tier: string; fields: RecordField[] }[] {
  return tierRequirements(compiled)
    .map((t) => ({ tier: t.tier, fields: t.fields.filter((f) => (available.get(f) ?? 0) === 0) }))
    .filter((t) => t.fields.length > 0);
}

export interface ClassificationRun {
  definition_id: string;
  version: number;
  content_hash: string;
  classified_at: string;
  records: number;
  in_tiers: number;
}

/** The latest classification of each stored definition version (or of one). */
export async function latestRuns(
  ws: Workspace,
  filter?: { id: string; version: number },
): Promise<ClassificationRun[]> {
  return ws.db.allMemo<ClassificationRun>(
    `SELECT definition_id, version, content_hash,
        strftime(classified_at, '%Y-%m-%dT%H:%M:%SZ') AS classified_at, records, in_tiers
      FROM classification_runs
      ${filter === undefined ? '' : 'WHERE definition_id = $id AND version = $version'}
      QUALIFY row_number() OVER (PARTITION BY definition_id, version ORDER BY run_id DESC) = 1
      ORDER BY definition_id, version`,
    filter ?? {},
  );
}
