/**
 * The shipped reference tables (CSV files in `reference/`): their rows checked against the
 * expected header and field count, and one error for a damaged table that names the file, the
 * line and how to restore it.
 */
import path from 'node:path';
import { parseCsvLine } from './csvLine.js';
import { SvdError } from './errors.js';

/** A shipped table is damaged: reinstalling (or restoring the file) is the fix. */
export function referenceTableBroken(
  file: string,
  what: string,
  line: number,
  message: string,
): SvdError {
  return new SvdError({
    kind: 'internal',
    code: 'REFERENCE_TABLE_BROKEN',
    message: `the shipped ${what} is damaged: ${message}`,
    location: { file, line },
    fix: `reinstall svd (npm ci), or restore reference/${path.basename(file)} from the repository`,
  });
}

/**
 * The rows of a shipped CSV table (blank lines skipped), each with its 1-based line number (the
 * header is line 1), after checking the header and that every row has as many fields.
 */
export function referenceRows(
  text: string,
  header: readonly string[],
  broken: (line: number, message: string) => SvdError,
): { line: number; fields: string[] }[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const found = parseCsvLine(lines[0] ?? '');
  if (found.join(',') !== header.join(','))
    throw broken(1, `header is "${found.join(',')}", expected "${header.join(',')}"`);
  return lines.slice(1).map((text, i) => {
    const fields = parseCsvLine(text);
    if (fields.length !== header.length)
      throw broken(i + 2, `${fields.length} fields, expected ${header.length}`);
    return { line: i + 2, fields };
  });
}
