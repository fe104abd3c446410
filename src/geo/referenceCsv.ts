/** Reading reference CSV files (lookups, population, deprivation) through DuckDB's CSV reader. */
import { existsSync } from 'node:fs';
import { SvdError, errorMessage } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';

export const CSV_SOURCE = `read_csv($file, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"')`;

export async function csvHeader(ws: Workspace, file: string): Promise<string[]> {
  if (!existsSync(file))
    throw new SvdError({
      kind: 'input',
      code: 'FILE_NOT_FOUND',
      message: 'no such file',
      location: { file },
      fix: 'check the path',
    });
  try {
    const rows = await ws.db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${CSV_SOURCE}`, {
      file,
    });
    return rows.map((r) => r.column_name);
  } catch (error) {
    throw new SvdError({
      kind: 'input',
      code: 'CSV_UNREADABLE',
      message: `cannot read the file as CSV: ${errorMessage(error).split('\n')[0]}`,
      location: { file },
      fix: 'give a comma-separated file with a header row (.csv or .csv.gz)',
      cause: error,
    });
  }
}

/** SQL turning a text cell into a number: thousands separators and spaces removed. */
export const sqlNumber = (column: string): string =>
  `TRY_CAST(replace(replace(trim(${column}), ',', ''), ' ', '') AS DOUBLE)`;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The first line (header = line 1) where a column holds something that is not a number. */
export async function firstNonNumber(
  ws: Workspace,
  file: string,
  column: string,
): Promise<{ line: number; value: string } | undefined> {
  const c = quoteIdent(column);
  return ws.db.one<{ line: number; value: string }>(
    `SELECT line, value FROM (
       SELECT row_number() OVER () + 1 AS line, ${c} AS value FROM ${CSV_SOURCE})
     WHERE value IS NOT NULL AND trim(value) <> '' AND ${sqlNumber('value')} IS NULL
     ORDER BY line LIMIT 1`,
    { file },
  );
}
