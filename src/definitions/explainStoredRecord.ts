/**
 * Why one stored record is in its tier under a definition: the record as stored, the explanation
 * of every rule (matched, nearly matched, why not), and the stored classification to compare
 * with. `svd explain` and the dashboard's Definitions page both call this.
 */
import { SvdError, usageError } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';
import { definitionMeta } from './classificationRuns.js';
import { compileDefinition } from './compileDefinition.js';
import { explainRecord, type Explanation } from './explainRecord.js';
import { INCIDENT_COLUMNS, RECORD_FIELDS, type IncidentRecord } from './incidentRecord.js';
import { resolveDefinition } from './resolveDefinition.js';
import type { DefinitionMeta } from '../api/definitions.js';

export interface StoredRecord extends IncidentRecord {
  id: number;
  source: string;
  force: string;
  month: string;
  crime_type: string | null;
}

export interface StoredRecordExplanation extends Explanation {
  definition: DefinitionMeta;
  record: StoredRecord;
  /** The classification stored for this version, or null when not classified under it. */
  stored: { tier: string | null; status: string } | null;
  /** How the definition version was chosen, when automatic. */
  notes: string[];
  warnings: string[];
}

export function parseRecordId(text: string): number {
  if (!/^\d+$/.test(text))
    throw usageError(
      'BAD_RECORD_ID',
      `record id ${JSON.stringify(text)} is not a number`,
      'give the id column of the incidents table',
    );
  return Number(text);
}

export async function explainStoredRecord(
  ws: Workspace,
  recordId: number,
  spec: string,
  cwd: string,
): Promise<StoredRecordExplanation> {
  const resolved = await resolveDefinition(spec, { ws, cwd });
  const columns = RECORD_FIELDS.filter((f) => INCIDENT_COLUMNS.has(f));
  const record = await ws.db.one<StoredRecord>(
    `SELECT id, source, force, strftime(month, '%Y-%m-%d') AS month, ${columns.join(', ')}
      FROM incidents WHERE id = $id`,
    { id: recordId },
  );
  if (record === undefined)
    throw new SvdError({
      kind: 'usage',
      code: 'NO_SUCH_RECORD',
      message: `there is no record ${recordId} in this workspace`,
      fix: 'record ids are the id column of incidents; list some with `svd counts` filters or the dashboard',
    });
  const stored = await ws.db.one<{ tier: string | null; status: string }>(
    `SELECT p.tier, p.status FROM incident_classifications c JOIN classification_patterns p
      ON p.definition_id = c.definition_id AND p.version = c.version AND p.mask = c.mask
      JOIN definitions d ON d.definition_id = c.definition_id AND d.version = c.version
      WHERE c.incident_id = $id AND c.definition_id = $def AND d.content_hash = $hash`,
    { id: recordId, def: resolved.definition.file.id, hash: resolved.definition.contentHash },
  );
  const explanation = explainRecord(compileDefinition(resolved.definition), record);
  return {
    definition: definitionMeta(resolved.definition),
    record,
    stored: stored ?? null,
    ...explanation,
    notes: resolved.notes,
    warnings: resolved.warnings.map((w) => w.message),
  };
}
