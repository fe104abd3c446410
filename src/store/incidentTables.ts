/**
 * Where records are stored. Every reader reads `incidents`, a view of two tables: police.uk
 * street records in `police_uk_street`, with only the 15 columns they fill (their source is always
 * 'police-uk'), and the records of every other source in `detailed_incidents`, with all of them
 * (docs/decisions/0082-police-uk-street-table.md). Writers name the table they write; rows that
 * move back into use from a table of replaced rows go to whichever of the two fits them.
 */
import type { Db, SqlParams } from './db.js';

export const STREET_TABLE = 'police_uk_street';
export const DETAILED_TABLE = 'detailed_incidents';

/** The columns of `police_uk_street`, in its order. */
export const STREET_COLUMNS = [
  'id',
  'batch_id',
  'source_record_id',
  'month',
  'force',
  'falls_within',
  'crime_type',
  'location_text',
  'longitude',
  'latitude',
  'lsoa_code',
  'lsoa_name',
  'lsoa_vintage',
  'outcome',
  'context',
] as const;

/** The tables that hold the rows read through `table` (itself, unless it is `incidents`). */
export function storedTables(table: string): string[] {
  return table === 'incidents' ? [STREET_TABLE, DETAILED_TABLE] : [table];
}

/** A SQL predicate over a row of `incidents`' columns: the row fits `police_uk_street`. */
async function fitsStreetTable(db: Db): Promise<string> {
  const columns = await db.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = 'main' AND table_name = $table ORDER BY ordinal_position`,
    { table: DETAILED_TABLE },
  );
  const street = new Set<string>(STREET_COLUMNS);
  const beyond = columns.map((c) => c.name).filter((n) => n !== 'source' && !street.has(n));
  return `source = 'police-uk' AND ${beyond.map((n) => `${n} IS NULL`).join(' AND ')}`;
}

/**
 * Copies the rows of `from` that match `where` into `to` (a table, or `incidents`), by column
 * name; a column of `from` that `to` lacks fails loudly rather than losing values.
 */
export async function copyRows(
  db: Db,
  from: string,
  to: string,
  where: string,
  params: SqlParams,
): Promise<void> {
  if (to !== 'incidents') {
    await db.run(`INSERT INTO ${to} BY NAME SELECT * FROM ${from} WHERE ${where}`, params);
    return;
  }
  const fits = await fitsStreetTable(db);
  await db.run(
    `INSERT INTO ${STREET_TABLE} (${STREET_COLUMNS.join(', ')})
      SELECT ${STREET_COLUMNS.join(', ')} FROM ${from} WHERE (${where}) AND ${fits}`,
    params,
  );
  await db.run(
    `INSERT INTO ${DETAILED_TABLE} BY NAME SELECT * FROM ${from} WHERE (${where}) AND NOT (${fits})`,
    params,
  );
}

/** Deletes the rows that match `where` from `table` (from both tables behind `incidents`). */
export async function deleteRows(
  db: Db,
  table: string,
  where: string,
  params: SqlParams,
): Promise<void> {
  for (const t of storedTables(table)) await db.run(`DELETE FROM ${t} WHERE ${where}`, params);
}
