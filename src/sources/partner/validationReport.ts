/**
 * The validation report of one partner batch: every row error (line, field, value, reason, fix)
 * and every warning, deduplicated by code and counted, with the first line and an example. The
 * batch's `--max-errors` decides whether rows with errors are left out (and the rest stored) or
 * the whole batch is refused. Values of pseudonymised fields are never put in a message.
 */
import { quoteValue, type Problem } from '../../core/errors.js';
import type { BatchMessage } from '../police-uk/ingestTypes.js';

export interface RowError {
  code: string;
  line: number;
  field?: string;
  /** The offending value; undefined for a pseudonymised field (never shown or stored). */
  value?: string;
  reason: string;
  fix: string;
}

/** Row errors kept in detail (all are counted); the rest are summarised per code. */
export const ERROR_DETAIL_LIMIT = 1000;

interface WarningEntry {
  code: string;
  severity: 'warning' | 'info';
  message: string;
  count: number;
  firstLine?: number;
  field?: string;
  example?: string;
}

export class ValidationReport {
  readonly errors: RowError[] = [];
  errorCount = 0;
  /** Lines of rows that had at least one error (each row is counted once). */
  rowsWithErrors = 0;
  private readonly errorCodes = new Map<string, number>();
  private readonly warnings = new Map<string, WarningEntry>();
  private lastErrorLine = -1;

  error(e: RowError): void {
    this.errorCount++;
    this.errorCodes.set(e.code, (this.errorCodes.get(e.code) ?? 0) + 1);
    if (e.line !== this.lastErrorLine) {
      this.rowsWithErrors++;
      this.lastErrorLine = e.line;
    }
    if (this.errors.length < ERROR_DETAIL_LIMIT) this.errors.push(e);
  }

  /** A warning or note; repeated codes are counted, the first line and example kept. */
  note(
    severity: 'warning' | 'info',
    code: string,
    message: string,
    at: { line?: number; field?: string; example?: string } = {},
  ): void {
    const entry = this.warnings.get(code);
    if (entry !== undefined) {
      entry.count++;
      return;
    }
    this.warnings.set(code, {
      code,
      severity,
      message,
      count: 1,
      ...(at.line === undefined ? {} : { firstLine: at.line }),
      ...(at.field === undefined ? {} : { field: at.field }),
      ...(at.example === undefined ? {} : { example: at.example }),
    });
  }

  /** Adds to a note's count (for notes counted elsewhere, e.g. columns dropped). */
  noteCount(severity: 'warning' | 'info', code: string, message: string, count: number): void {
    if (count <= 0) return;
    this.warnings.set(code, { code, severity, message, count });
  }

  get warningCount(): number {
    let n = 0;
    for (const w of this.warnings.values()) if (w.severity === 'warning') n += w.count;
    return n;
  }

  /** Messages for `batch_messages` and the printed report: errors first, then warnings, notes. */
  messages(): BatchMessage[] {
    const out: BatchMessage[] = this.errors.map((e) => ({
      severity: 'error',
      code: e.code,
      message: `${e.value === undefined ? '' : `${quoteValue(e.value)} `}${e.reason} (fix: ${e.fix})`,
      count: 1,
      firstLine: e.line,
      ...(e.field === undefined ? {} : { field: e.field }),
      ...(e.value === undefined ? {} : { exampleValue: e.value }),
    }));
    if (this.errorCount > this.errors.length) {
      out.push({
        severity: 'error',
        code: 'MORE_ERRORS',
        message: `${this.errorCount - this.errors.length} further row error(s) not listed (${[...this.errorCodes].map(([c, n]) => `${c} ${n}`).join(', ')} in all)`,
        count: this.errorCount - this.errors.length,
      });
    }
    for (const w of this.warnings.values()) {
      out.push({
        severity: w.severity,
        code: w.code,
        message:
          w.count === 1 || w.firstLine === undefined ? w.message : `${w.message} (${w.count} rows)`,
        count: w.count,
        ...(w.firstLine === undefined ? {} : { firstLine: w.firstLine }),
        ...(w.field === undefined ? {} : { field: w.field }),
        ...(w.example === undefined ? {} : { exampleValue: w.example }),
      });
    }
    return out;
  }

  /** The first errors as problems of an SvdError. */
  problems(file: string, limit = 20): Problem[] {
    const shown: Problem[] = this.errors.slice(0, limit).map((e) => ({
      file,
      line: e.line,
      ...(e.field === undefined ? {} : { field: e.field }),
      ...(e.value === undefined ? {} : { value: e.value }),
      message: `${e.value === undefined ? '' : `${quoteValue(e.value)} `}${e.reason} (fix: ${e.fix})`,
    }));
    if (this.errorCount > shown.length) {
      shown.push({
        file,
        message: `… and ${this.errorCount - shown.length} more row error(s): ${[...this.errorCodes].map(([c, n]) => `${c} ×${n}`).join(', ')}`,
      });
    }
    return shown;
  }
}
