/**
 * Where classifications are kept (docs/decisions/0084-classification-values.md). Readers read
 * `incident_classifications` (definition, version, record id, mask), a view rebuilt here whenever
 * a classification is kept, or, over many records, join one version through `classificationJoin`:
 *
 * - a definition version classified since schema 13 is kept as the combinations of the values its
 *   definition reads, each with its mask, in a table of its own (`classification_values_N`),
 *   listed in `classification_values` with the columns it joins on and the highest record id held
 *   when it was classified. Its part of the view is every record up to that id joined to its
 *   combination; a record added later (a higher id) is unclassified until the next `svd
 *   classify`. A record set apart by a republication and brought back keeps its id: it takes its
 *   combination's mask, the mask it was classified with, when a record classified held the same
 *   values, and is unclassified otherwise (a restore classifies again in any case);
 * - a version classified before is kept per record in `incident_classification_rows` until it is
 *   classified again.
 */
import { sqlText } from '../core/sqlText.js';
import type { Db } from './db.js';

/** Classifications kept per record (those made before schema 13). */
export const CLASSIFICATION_ROWS = 'incident_classification_rows';
const REGISTRY = 'classification_values';

/** The name of a column of `incidents`, as a combination table holds it. */
const COLUMN = /^[a-z_][a-z0-9_]*$/;
const VALUE_TABLE = /^classification_values_[0-9]+$/;

export interface ClassifiedVersion {
  definition_id: string;
  version: number;
}

/**
 * The definition versions whose classification is held, without reading any record (ordered by
 * definition and version; at most `limit`).
 */
export function classifiedVersions(db: Db, limit?: number): Promise<ClassifiedVersion[]> {
  return db.all<ClassifiedVersion>(
    `SELECT DISTINCT definition_id, version FROM (
       SELECT definition_id, version FROM ${REGISTRY}
       UNION ALL SELECT definition_id, version FROM ${CLASSIFICATION_ROWS})
     ORDER BY 1, 2${limit === undefined ? '' : ` LIMIT ${Math.trunc(limit)}`}`,
  );
}

export interface KeptClassification {
  definitionId: string;
  version: number;
  /** The columns of `incidents` the mask depends on (none when it depends on no value). */
  columns: readonly string[];
  /** A query giving each combination of `columns` once, in that order, then its `mask`. */
  combinations: string;
  params?: Record<string, string | number>;
  /** The highest record id classified. */
  throughId: number;
}

/**
 * Replaces the classification of one definition version by the combinations given, and rebuilds
 * the view. Within the caller's transaction: on any error nothing of it is kept.
 */
export async function keepClassification(db: Db, kept: KeptClassification): Promise<void> {
  const key = { d: kept.definitionId, v: kept.version };
  for (const column of kept.columns)
    if (!COLUMN.test(column)) throw new Error(`not a column of incidents: ${column}`);
  await dropClassification(db, kept.definitionId, kept.version);
  const n = await db.value<number>(`SELECT nextval('classification_values_seq')`);
  const table = valueTable(`classification_values_${n}`);
  await db.run(
    `CREATE TABLE ${table} AS
       SELECT ${[...kept.columns, 'CAST(mask AS HUGEINT) AS mask'].join(', ')}
       FROM (${kept.combinations})`,
    kept.params,
  );
  await db.run(
    `INSERT INTO ${REGISTRY} VALUES ($d, $v, $table, CAST($columns AS VARCHAR[]), $through)`,
    {
      ...key,
      table,
      columns: JSON.stringify(kept.columns),
      through: kept.throughId,
    },
  );
  await rebuildClassificationView(db);
}

/**
 * How a query gives each record of `incidents` (alias `record`) its mask under one definition
 * version, without reading the records a second time (as a join of the view on the record's id
 * would: the view joins the records to the combinations): a LEFT JOIN, and the mask, NULL when the
 * record is unclassified under the version. For a version kept as combinations the join is on the
 * record's values, and the record's id is compared with the highest id classified in the mask,
 * not in the join (where DuckDB would join by nested loops); for one kept per record it is on the
 * id, the rows cut by `rowsWhere` (a condition on `incident_id`) when given.
 */
export async function classificationJoin(
  db: Db,
  held: ClassifiedVersion & { alias: string; record?: string; rowsWhere?: string },
): Promise<{ join: string; mask: string }> {
  const record = held.record ?? 'i';
  const listed = await db.one<{ value_table: string; columns: string[]; through_id: number }>(
    `SELECT value_table, columns, through_id FROM ${REGISTRY} WHERE definition_id = $d AND version = $v`,
    { d: held.definition_id, v: held.version },
  );
  if (listed === undefined) {
    if (!Number.isSafeInteger(held.version)) throw new Error(`not a version: ${held.version}`);
    return {
      join: `LEFT JOIN (SELECT incident_id, mask FROM ${CLASSIFICATION_ROWS}
          WHERE definition_id = ${sqlText(held.definition_id)} AND version = ${held.version}
            ${held.rowsWhere === undefined ? '' : `AND ${held.rowsWhere}`}) ${held.alias}
        ON ${held.alias}.incident_id = ${record}.id`,
      mask: `${held.alias}.mask`,
    };
  }
  return {
    join: `LEFT JOIN ${valueTable(listed.value_table)} ${held.alias}
        ON ${combinationMatch(listed.columns, record, held.alias)}`,
    mask: `CASE WHEN ${record}.id <= ${throughId(listed.through_id)} THEN ${held.alias}.mask END`,
  };
}

/** The condition that a record (alias `record`) holds a combination's values (alias `values`). */
function combinationMatch(columns: readonly string[], record: string, values: string): string {
  for (const column of columns)
    if (!COLUMN.test(column)) throw new Error(`not a column of incidents: ${column}`);
  if (columns.length === 0) return 'true';
  return columns.map((k) => `${record}.${k} IS NOT DISTINCT FROM ${values}.${k}`).join(' AND ');
}

function throughId(id: number): number {
  if (!Number.isSafeInteger(id)) throw new Error(`not a record id: ${id}`);
  return id;
}

/**
 * Forgets the classification of one definition version: its records are unclassified under it
 * (its runs and patterns are the caller's). Within the caller's transaction.
 */
export async function forgetClassification(
  db: Db,
  definitionId: string,
  version: number,
): Promise<void> {
  await dropClassification(db, definitionId, version);
  await rebuildClassificationView(db);
}

/** The rows and the combinations of one version dropped; the view is left to the caller. */
async function dropClassification(db: Db, definitionId: string, version: number): Promise<void> {
  const key = { d: definitionId, v: version };
  await db.run(`DELETE FROM ${CLASSIFICATION_ROWS} WHERE definition_id = $d AND version = $v`, key);
  for (const { value_table: table } of await db.all<{ value_table: string }>(
    `SELECT value_table FROM ${REGISTRY} WHERE definition_id = $d AND version = $v`,
    key,
  ))
    await db.run(`DROP TABLE IF EXISTS ${valueTable(table)}`);
  await db.run(`DELETE FROM ${REGISTRY} WHERE definition_id = $d AND version = $v`, key);
}

/** `incident_classifications` made again from the classifications listed. */
async function rebuildClassificationView(db: Db): Promise<void> {
  const listed = await db.all<
    ClassifiedVersion & { value_table: string; columns: string[]; through_id: number }
  >(
    `SELECT definition_id, version, value_table, columns, through_id FROM ${REGISTRY} ORDER BY 1, 2`,
  );
  const parts = [
    `SELECT definition_id, version, incident_id, mask FROM ${CLASSIFICATION_ROWS}`,
    ...listed.map((c) => {
      if (!Number.isSafeInteger(c.version))
        throw new Error(`not a classification: ${c.definition_id}@${c.version}`);
      return `SELECT ${sqlText(c.definition_id)} AS definition_id, CAST(${c.version} AS INTEGER) AS version,
          i.id AS incident_id, m.mask
        FROM incidents i JOIN ${valueTable(c.value_table)} m ON ${combinationMatch(c.columns, 'i', 'm')}
        WHERE i.id <= ${throughId(c.through_id)}`;
    }),
  ];
  await db.run(`CREATE OR REPLACE VIEW incident_classifications AS ${parts.join('\nUNION ALL\n')}`);
}

function valueTable(name: string): string {
  if (!VALUE_TABLE.test(name)) throw new Error(`not a classification table: ${name}`);
  return name;
}
