/** Reading a partner file's header, and turning a CSV structure problem into a refusal. */
import { SvdError } from '../../core/errors.js';
import type { CsvProblem } from '../csv/csvRecords.js';
import type { SheetItem, SheetRow } from '../sheets/sheetRows.js';

export function structuralError(file: string, problem: CsvProblem): SvdError {
  const messages: Record<CsvProblem['kind'], [string, string]> = {
    'invalid-utf8': [
      'holds bytes that are not UTF-8 text',
      'save the file as UTF-8 CSV (in Excel: "CSV UTF-8")',
    ],
    'unterminated-quote': [
      'a quoted field opened here is never closed',
      'the file is cut short or a quote is missing; export it again',
    ],
    'stray-quote': [
      'a double quote appears inside an unquoted field',
      'quote the field and double the inner quote, or export the file again',
    ],
    stream: ['the file could not be read to the end', 'copy or export the file again'],
  };
  const [message, fix] = messages[problem.kind];
  return new SvdError({
    kind: 'input',
    code: 'CSV_STRUCTURE',
    message: `${message}${problem.kind === 'stream' ? ` (${problem.message})` : ''}; nothing was stored`,
    location: { file, line: problem.line },
    fix,
  });
}

/** The first row of a sheet, taken as its header. */
export async function readHeader(rows: AsyncGenerator<SheetItem>, file: string): Promise<SheetRow> {
  const first = await rows.next();
  if (first.done === true) {
    throw new SvdError({
      kind: 'input',
      code: 'NO_HEADER',
      message: 'the file holds no rows, not even a header; nothing was stored',
      location: { file },
      fix: 'export the file again with its header row',
    });
  }
  if ('problem' in first.value) throw structuralError(file, first.value.problem);
  return first.value;
}
