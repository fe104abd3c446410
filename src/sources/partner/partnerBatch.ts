/**
 * What every partner ingest (force extract, A&E, Home Office tables) shares: the first look at a
 * file (hash, what it is), the sha256 no-op for a file already held, one transaction for all the
 * files of a run with a `batches` row each, the validation report stored with the batch, and the
 * refusal — nothing stored — when a file has more row errors than `--max-errors` allows.
 */
import path from 'node:path';
import { describeContent } from '../../core/describeContent.js';
import { SvdError } from '../../core/errors.js';
import { DEFAULT_EXPANSION_LIMITS, type ExpansionLimits } from '../../core/expansionLimits.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Reporter } from '../../core/reporter.js';
import { SOFTWARE_VERSION } from '../../core/version.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { inspectFile } from '../inputs/inspectFile.js';
import type { BatchMessage } from '../police-uk/ingestTypes.js';
import { recordMessages } from '../police-uk/summariseBatches.js';
import { sheetFormatOf, type SheetFormat } from '../sheets/sheetRows.js';
import type { LoadedMapping } from './mapping.js';
import { ValidationReport } from './validationReport.js';

export interface PartnerInput {
  display: string;
  name: string;
  localPath: string;
  sha256: string;
  bytes: number;
  gzip: boolean;
  format: SheetFormat;
  /** How far the file (a workbook, a .gz CSV) may expand when its rows are read. */
  limits: ExpansionLimits;
}

export interface PartnerRunOptions {
  /** Rows with errors tolerated per file (they are left out and reported); more refuses the run. */
  maxErrors?: number;
  /** Check everything, store nothing. */
  dryRun?: boolean;
  /** How far workbooks and .gz files may expand (default: `DEFAULT_EXPANSION_LIMITS`). */
  expansionLimits?: ExpansionLimits;
  reporter: Reporter;
  clock?: Clock;
}

export interface PartnerFileOutcome {
  file: string;
  sha256: string;
  status: 'ingested' | 'already-ingested' | 'checked';
  batchId?: number;
  existingBatchId?: number;
  synthetic: boolean;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  messages: BatchMessage[];
  /** What the source adds: months covered, sheet read, financial years… */
  details: Record<string, unknown>;
}

export interface PartnerRunReport {
  sourceKind: string;
  dryRun: boolean;
  maxErrors: number;
  files: PartnerFileOutcome[];
  rowsStored: number;
  seconds: number;
}

export interface BatchBody {
  /** Rows read (excluding the header) and stored. */
  rowsRead: number;
  rowsStored: number;
  columnsUsed?: string[];
  columnsDropped?: string[];
  details?: Record<string, unknown>;
  /** The file says of itself that it is synthetic (a "Synthetic" column): the batch is marked so. */
  synthetic?: boolean;
}

export interface BatchContext {
  batchId: number;
  input: PartnerInput;
  report: ValidationReport;
}

/** The first look at a file given to a partner ingest. */
export async function preparePartnerFile(
  file: string,
  what: string,
  limits: ExpansionLimits = DEFAULT_EXPANSION_LIMITS,
): Promise<PartnerInput> {
  const at = { file };
  let inspection;
  try {
    inspection = await inspectFile(file, { limits });
  } catch (error) {
    if (error instanceof SvdError) throw error;
    throw new SvdError({
      kind: 'usage',
      code: 'NO_SUCH_PATH',
      message: 'no such file',
      location: at,
      fix: 'check the path; quote it if it contains spaces',
    });
  }
  const name = path.basename(file);
  if (inspection.bytes === 0) {
    throw new SvdError({
      kind: 'input',
      code: 'EMPTY_FILE',
      message: 'the file is empty (0 bytes); nothing was stored',
      location: at,
      fix: 'export or copy the file again',
    });
  }
  if (inspection.gzipError !== undefined) {
    throw new SvdError({
      kind: 'input',
      code: 'GZIP_DAMAGED',
      message: `the gzip stream is damaged or cut short (${inspection.gzipError}); nothing was stored`,
      location: at,
      fix: 'copy the file again',
    });
  }
  const format = sheetFormatOf(inspection.head, name.replace(/\.gz$/i, ''));
  if (format === 'csv') {
    const guess = describeContent(inspection.head, name);
    if (guess.kind !== 'text-csv') {
      throw new SvdError({
        kind: 'input',
        code: 'NOT_A_TABLE',
        message: `this looks like ${guess.kind === 'empty' ? 'an empty text file' : guess.description}, not ${what}; nothing was stored`,
        location: at,
        fix: `give ${what} as CSV (UTF-8), XLSX or ODS`,
      });
    }
  }
  if (format === undefined) {
    throw new SvdError({
      kind: 'input',
      code: 'NOT_A_TABLE',
      message: `this is a ZIP archive, not ${what}; nothing was stored`,
      location: at,
      fix: `give ${what} as CSV (UTF-8), XLSX or ODS (name spreadsheets .xlsx or .ods)`,
    });
  }
  return {
    display: file,
    name,
    localPath: file,
    sha256: inspection.sha256,
    bytes: inspection.bytes,
    gzip: inspection.gzip,
    format,
    limits,
  };
}

class DryRunRollback extends Error {}

export interface BatchMeta {
  sourceKind: string;
  synthetic: boolean;
  force?: string;
  mapping?: LoadedMapping;
}

/**
 * Runs the files of one command in one transaction: for each, a `batches` row, `body` to read and
 * store its rows, then its validation report. Too many row errors in any file refuse them all.
 */
export async function runPartnerBatches(
  ws: Workspace,
  inputs: readonly PartnerInput[],
  meta: BatchMeta,
  options: PartnerRunOptions,
  body: (ctx: BatchContext) => Promise<BatchBody>,
): Promise<PartnerRunReport> {
  const clock = options.clock ?? systemClock;
  const maxErrors = options.maxErrors ?? 0;
  const started = performance.now();
  const outcomes: PartnerFileOutcome[] = [];
  const toStore: PartnerInput[] = [];
  for (const input of inputs) {
    const existing = await ws.db.one<{ batch_id: number; rows_stored: number; synthetic: boolean }>(
      `SELECT batch_id, rows_stored, synthetic FROM batches
        WHERE sha256 = $sha AND source_kind = $kind ORDER BY batch_id LIMIT 1`,
      { sha: input.sha256, kind: meta.sourceKind },
    );
    if (existing !== undefined) {
      outcomes.push({
        file: input.display,
        sha256: input.sha256,
        status: 'already-ingested',
        existingBatchId: existing.batch_id,
        synthetic: existing.synthetic,
        rowsRead: 0,
        rowsStored: existing.rows_stored,
        rowsRejected: 0,
        messages: [],
        details: {},
      });
    } else if (toStore.some((t) => t.sha256 === input.sha256)) {
      outcomes.push({
        file: input.display,
        sha256: input.sha256,
        status: 'already-ingested',
        synthetic: meta.synthetic,
        rowsRead: 0,
        rowsStored: 0,
        rowsRejected: 0,
        messages: [
          {
            severity: 'info',
            code: 'SAME_AS',
            message: 'same bytes as another file of this run',
            count: 1,
          },
        ],
        details: {},
      });
    } else toStore.push(input);
  }
  const startedAt = clock.now().toISOString();
  const stored: PartnerFileOutcome[] = [];
  try {
    await ws.db.transaction(async () => {
      let batchId =
        (await ws.db.value<number>(`SELECT coalesce(max(batch_id), 0) FROM batches`)) ?? 0;
      for (const input of toStore) {
        batchId++;
        await ws.db.run(
          `INSERT INTO batches (batch_id, source_kind, file_name, file_path, sha256, bytes, started_at,
             status, synthetic, force, software_version)
           VALUES ($id, $kind, $name, $path, $sha, $bytes, $started, 'active', $synthetic, $force, $software)`,
          {
            id: batchId,
            kind: meta.sourceKind,
            name: input.name,
            path: input.display,
            sha: input.sha256,
            bytes: input.bytes,
            started: startedAt,
            synthetic: meta.synthetic,
            force: meta.force ?? null,
            software: SOFTWARE_VERSION,
          },
        );
        const report = new ValidationReport();
        const result = await body({ batchId, input, report });
        const rejected = report.rowsWithErrors;
        if (report.rowsWithErrors > maxErrors) {
          throw new SvdError({
            kind: 'input',
            code: 'BATCH_REFUSED',
            message: `${report.rowsWithErrors.toLocaleString('en-GB')} row(s) with errors, more than --max-errors ${maxErrors} allows; nothing was stored`,
            location: { file: input.display },
            problems: report.problems(input.display),
            fix:
              maxErrors === 0
                ? 'correct the rows (or the mapping) named above and run the command again; to store the good rows and leave these out, pass --max-errors N'
                : 'correct the rows (or the mapping) named above, or raise --max-errors',
          });
        }
        if (result.columnsDropped !== undefined && result.columnsDropped.length > 0) {
          report.noteCount(
            'info',
            'COLUMNS_DROPPED',
            `columns not in the mapping were not read (data minimisation): ${result.columnsDropped.join(', ')}`,
            result.columnsDropped.length,
          );
        }
        const synthetic = meta.synthetic || result.synthetic === true;
        if (synthetic && !meta.synthetic) {
          report.note(
            'info',
            'SYNTHETIC',
            'the file marks itself as synthetic (its "Synthetic" column); the batch is marked synthetic',
          );
          await ws.db.run(`UPDATE batches SET synthetic = true WHERE batch_id = $id`, {
            id: batchId,
          });
        }
        const messages = report.messages();
        await ws.db.run(
          `UPDATE batches SET rows_read = $read, rows_stored = $stored, rows_rejected = $rejected,
             finished_at = $at WHERE batch_id = $id`,
          {
            id: batchId,
            read: result.rowsRead,
            stored: result.rowsStored,
            rejected,
            at: clock.now().toISOString(),
          },
        );
        await recordMessages(
          ws,
          messages.map((message) => ({ batchId, message })),
        );
        if (meta.mapping !== undefined) {
          await ws.db.run(
            `INSERT INTO batch_mappings VALUES ($id, $name, $sha, $text,
               CASE WHEN $used = '' THEN []::VARCHAR[] ELSE string_split($used, chr(31)) END,
               CASE WHEN $dropped = '' THEN []::VARCHAR[] ELSE string_split($dropped, chr(31)) END)`,
            {
              id: batchId,
              name: meta.mapping.spec.name,
              sha: meta.mapping.sha256,
              text: meta.mapping.text,
              // Lists go in as text joined by the unit separator: an empty list has no item type.
              used: (result.columnsUsed ?? []).join('\u001f'),
              dropped: (result.columnsDropped ?? []).join('\u001f'),
            },
          );
        }
        stored.push({
          file: input.display,
          sha256: input.sha256,
          status: 'ingested',
          batchId,
          synthetic,
          rowsRead: result.rowsRead,
          rowsStored: result.rowsStored,
          rowsRejected: rejected,
          messages,
          details: result.details ?? {},
        });
      }
      if (options.dryRun === true) throw new DryRunRollback();
    });
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
    for (const s of stored) {
      s.status = 'checked';
      delete s.batchId;
    }
  }
  outcomes.push(...stored);
  const order = new Map(inputs.map((f, i) => [f.display, i]));
  outcomes.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  return {
    sourceKind: meta.sourceKind,
    dryRun: options.dryRun === true,
    maxErrors,
    files: outcomes,
    rowsStored: options.dryRun === true ? 0 : stored.reduce((s, o) => s + o.rowsStored, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Maps a sheet's header to column positions (trimmed, case-insensitive), with what is missing. */
export function locateColumns(
  header: readonly string[],
  wanted: readonly string[],
): { index: Map<string, number>; missing: string[]; unused: string[] } {
  const norm = (h: string): string =>
    h
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase();
  const positions = new Map<string, number>();
  header.forEach((h, i) => {
    if (!positions.has(norm(h))) positions.set(norm(h), i);
  });
  const index = new Map<string, number>();
  const missing: string[] = [];
  for (const w of wanted) {
    const i = positions.get(norm(w));
    if (i === undefined) missing.push(w);
    else index.set(w, i);
  }
  const used = new Set(index.values());
  const unused = header.filter((h, i) => !used.has(i) && h.trim() !== '').map((h) => h.trim());
  return { index, missing, unused };
}

/** The error for mapped columns the file does not have. */
export function missingColumnsError(
  input: PartnerInput,
  mapping: LoadedMapping,
  missing: readonly string[],
  header: readonly string[],
  headerLine: number,
): SvdError {
  const lower = header.map((h) => h.trim());
  return new SvdError({
    kind: 'input',
    code: 'MAPPED_COLUMNS_MISSING',
    message: `the mapping ${mapping.display} names column${missing.length > 1 ? 's' : ''} this file lacks: ${missing.map((m) => `"${m}"`).join(', ')}; nothing was stored`,
    location: { file: input.display, line: headerLine },
    problems: [
      {
        file: input.display,
        line: headerLine,
        message: `the file's columns are: ${lower.slice(0, 40).join(', ')}${lower.length > 40 ? ', …' : ''}`,
      },
    ],
    fix: `correct the column names in the mapping (${mapping.display}) to match the file's header`,
  });
}

/** Whether a header carries svd's own "Synthetic" column (written by `svd synth`). */
export const hasSyntheticColumn = (header: readonly string[]): boolean =>
  header.some((h) => h.trim().toLowerCase() === 'synthetic');
