/**
 * Re-reads a file that DuckDB refused and names the first problems precisely: line (header is
 * line 1), field, value, and what to do.
 */
import type { ExpansionLimits } from '../../core/expansionLimits.js';
import { csvRecords, type CsvProblem } from '../csv/csvRecords.js';
import type { Problem } from '../../core/errors.js';
import { quoteValue } from '../../core/errors.js';
import type { HeaderMatch } from './formats.js';
import { checkRow } from './rowRules.js';

export interface DiagnoseTarget {
  display: string;
  localPath: string;
  gzip: boolean;
  match: HeaderMatch;
  /** The limits the file was first read within. */
  limits?: ExpansionLimits;
}

function structuralProblem(display: string, problem: CsvProblem): Problem {
  switch (problem.kind) {
    case 'invalid-utf8':
      return {
        file: display,
        line: problem.line,
        message: 'holds bytes that are not UTF-8 text (fix: save the file as UTF-8 CSV)',
      };
    case 'unterminated-quote':
      return {
        file: display,
        line: problem.line,
        message:
          'a quoted field opened here is never closed (fix: the file is cut short or a quote is missing)',
      };
    case 'stray-quote':
      return {
        file: display,
        line: problem.line,
        message: `a double quote appears inside unquoted field ${problem.field + 1} (fix: quote the field and double the inner quote)`,
      };
    case 'stream':
      return {
        file: display,
        line: problem.line,
        message: `the file could not be read to the end: ${problem.message} (fix: download or copy it again)`,
      };
  }
}

export async function diagnoseFile(target: DiagnoseTarget, limit = 10): Promise<Problem[]> {
  const problems: Problem[] = [];
  const names = target.match.fileColumns;
  const headers: string[] = [];
  let first = true;
  const source = {
    path: target.localPath,
    display: target.display,
    gzip: target.gzip,
    ...(target.limits === undefined ? {} : { limits: target.limits }),
  };
  for await (const item of csvRecords(source)) {
    if ('problem' in item) {
      problems.push(structuralProblem(target.display, item.problem));
      break;
    }
    if (first) {
      first = false;
      headers.push(...item.fields);
      continue;
    }
    if (item.fields.length !== names.length) {
      const missing = item.fields.length < names.length;
      const field = headers[Math.min(item.fields.length, names.length) - (missing ? 0 : 1)];
      problems.push({
        file: target.display,
        line: item.line,
        ...(field === undefined ? {} : { field: field.trim() }),
        message: `has ${item.fields.length} fields where the header has ${names.length} (fix: ${
          missing ? 'a field is missing' : 'a field holds an unquoted comma'
        }; correct the row or download the file again)`,
      });
    } else {
      const row: Record<string, string> = {};
      names.forEach((name, i) => {
        if (name !== undefined) row[name] = item.fields[i] ?? '';
      });
      for (const p of checkRow(target.match.format.dataset, row)) {
        problems.push({
          file: target.display,
          line: item.line,
          field: p.field,
          value: p.value,
          message: `${quoteValue(p.value)} ${p.message} (fix: ${p.fix})`,
        });
      }
    }
    if (problems.length >= limit) break;
  }
  return problems;
}
