/**
 * `svd ingest police-uk`: police.uk street, outcomes and stop-and-search CSV files (plain, gzip,
 * in folders or in police.uk archive ZIPs) into the workspace, all or nothing.
 *
 * The rows are read by DuckDB's CSV reader straight into their table, inside one transaction,
 * with every value checked on the way (see rowRules.ts). If anything is wrong the transaction is
 * rolled back, the store is as it was, and the refused files are re-read to name the exact line,
 * field and value. A file already ingested (same sha256) is skipped; a force-month that police.uk
 * re-published with different contents replaces the earlier one, whose rows are kept apart, and
 * the replacement is logged — unless the new file holds markedly fewer rows, which is refused
 * without `replace`. The file of a replaced batch given again restores that batch.
 */
import path from 'node:path';
import { SvdError, errorMessage, type Problem } from '../../core/errors.js';
import type { ExpansionLimits } from '../../core/expansionLimits.js';
import { systemClock } from '../../core/clock.js';
import { mapLimit } from '../../core/mapLimit.js';
import { listValue } from '@duckdb/node-api';
import { PARTLY_SUPERSEDED, RESTORABLE_STATUSES, SUPERSEDED } from '../../store/batchStatus.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { collectInputs } from '../inputs/collectInputs.js';
import { diagnoseFile } from './diagnoseFile.js';
import type {
  FileOutcome,
  PoliceUkIngestOptions,
  PoliceUkIngestReport,
  PreparedFile,
  StoredBatch,
} from './ingestTypes.js';
import { checkMonthOption, prepareFile, wantedByName } from './prepareFile.js';
import { replaceRepublished } from './replaceRepublished.js';
import { restoreBatch, type RestoredBatch } from './restoreBatch.js';
import { storeGroup } from './storeGroup.js';
import { summariseBatches } from './summariseBatches.js';

export type * from './ingestTypes.js';

const INSPECT_CONCURRENCY = 4;

class DryRunRollback extends Error {}

export async function ingestPoliceUk(
  ws: Workspace,
  paths: readonly string[],
  options: PoliceUkIngestOptions,
): Promise<PoliceUkIngestReport> {
  const clock = options.clock ?? systemClock;
  const started = performance.now();
  checkMonthOption('from', options.from);
  checkMonthOption('to', options.to);
  const inputs = await collectInputs(paths, {
    wanted: wantedByName(options),
    extensions: ['.csv', '.csv.gz'],
    ...(options.expansionLimits === undefined ? {} : { limits: options.expansionLimits }),
  });
  try {
    if (inputs.files.length === 0) {
      throw new SvdError({
        kind: 'usage',
        code: 'NO_FILES',
        message: `no police.uk CSV files found in ${paths.join(', ')}`,
        fix: 'give street, outcomes or stop-and-search CSV files (.csv or .csv.gz), folders holding them, or police.uk archive ZIPs; check --force/--from/--to',
      });
    }
    const stages: Record<string, number> = {};
    let mark = performance.now();
    const stage = (name: string): void => {
      const now = performance.now();
      stages[name] = (stages[name] ?? 0) + (now - mark) / 1000;
      mark = now;
    };
    const problems: Problem[] = [];
    const prepared: PreparedFile[] = [];
    let inspected = 0;
    const scratch = await inputs.scratch();
    const results = await mapLimit(inputs.files, INSPECT_CONCURRENCY, async (input, i) => {
      // A gzip file is expanded once, here, to a plain copy that DuckDB then reads.
      const result = await prepareFile(input, options, path.join(scratch, `expanded-${i}.csv`));
      inspected++;
      options.reporter.progress({
        label: 'checking files',
        done: inspected,
        total: inputs.files.length,
        unit: 'files',
      });
      return result;
    });
    for (const result of results) {
      if (result.problem !== undefined) problems.push(result.problem);
      else if (result.file !== undefined) prepared.push(result.file);
    }
    options.reporter.endProgress();
    stage('inspect');

    const outcomes: FileOutcome[] = [];
    const toStore: PreparedFile[] = [];
    const toRestore: { file: PreparedFile; batchId: number }[] = [];
    const seenSha = new Map<string, PreparedFile>();
    const seenForceMonth = new Map<string, PreparedFile>();
    const heldBySha = await heldBatches(
      ws,
      prepared.map((f) => f.sha256),
    );
    for (const file of prepared) {
      const base: Omit<FileOutcome, 'status'> = {
        file: file.input.display,
        sha256: file.sha256,
        dataset: file.match.format.dataset,
        force: file.force,
        rows: 0,
        months: [],
        replaced: [],
        messages: [],
      };
      const twin = seenSha.get(file.sha256);
      if (twin !== undefined) {
        outcomes.push({
          ...base,
          status: 'duplicate-in-run',
          messages: [
            {
              severity: 'info',
              code: 'SAME_AS',
              message: `same bytes as ${twin.input.display}`,
              count: 1,
            },
          ],
        });
        continue;
      }
      const held = heldBySha.get(file.sha256) ?? {};
      if (held.inUse !== undefined) {
        outcomes.push({
          ...base,
          status: 'already-ingested',
          existingBatchId: held.inUse.batch_id,
          rows: held.inUse.rows_stored,
        });
        continue;
      }
      seenSha.set(file.sha256, file);
      const key = `${file.match.format.dataset}|${file.force}|${file.monthHint}`;
      const rival = seenForceMonth.get(key);
      if (rival !== undefined && file.hasRows) {
        problems.push({
          file: file.input.display,
          message: `holds ${file.force} ${file.match.format.dataset} for ${file.monthHint}, as does ${rival.input.display}, with different contents (fix: ingest the one you want; a later ingest of the other replaces it)`,
        });
        continue;
      }
      if (file.hasRows) seenForceMonth.set(key, file);
      if (held.restorable !== undefined) {
        toRestore.push({ file, batchId: held.restorable.batch_id });
        continue;
      }
      if (held.rowsGone !== undefined) {
        file.headerMessages.push({
          severity: 'info',
          code: 'STORED_AGAIN',
          message: `the same file was batch ${held.rowsGone.batch_id}, whose rows were replaced before svd kept replaced rows; stored again`,
          count: 1,
        });
      }
      toStore.push(file);
    }
    if (problems.length > 0) {
      throw new SvdError({
        kind: 'input',
        code: 'INPUT_REFUSED',
        message: `${problems.length} problem${problems.length === 1 ? '' : 's'} found; nothing was stored`,
        problems,
        fix: 'correct or remove the files named above and run the command again',
      });
    }

    // Group files that share a layout so that DuckDB reads each group in one parallel scan.
    const groups = new Map<string, PreparedFile[]>();
    for (const file of toStore) {
      const key = `${file.match.format.dataset}|${file.match.fileColumns.join(',')}`;
      const list = groups.get(key) ?? [];
      list.push(file);
      groups.set(key, list);
    }
    const startedAt = clock.now().toISOString();
    const stored: FileOutcome[] = [];
    try {
      await ws.db.transaction(async () => {
        for (const { file, batchId } of toRestore) {
          const restored = await restoreBatch(ws, batchId, {
            restoredAt: startedAt,
            allowShrink: options.replace === true,
            file: file.input.display,
          });
          stored.push(restoredOutcome(file, restored));
        }
        if (toRestore.length > 0) stage('restore');
        let nextBatch =
          ((await ws.db.value<number>(`SELECT coalesce(max(batch_id), 0) FROM batches`)) ?? 0) + 1;
        for (const files of groups.values()) {
          const format = files[0]!.match.format;
          let batches: StoredBatch[];
          try {
            batches = await storeGroup(ws, files, nextBatch, options, startedAt);
          } catch (error) {
            throw new GroupFailed(files, error, options.expansionLimits);
          }
          nextBatch += files.length;
          stage('load');
          const replacements = await replaceRepublished(ws, format.table, format.dataset, batches, {
            replacedAt: startedAt,
            allowShrink: options.replace === true,
          });
          stage('replace');
          stored.push(
            ...(await summariseBatches(ws, batches, replacements, clock.now().toISOString())),
          );
          stage('checks');
        }
        if (options.dryRun === true) throw new DryRunRollback();
      });
      stage('commit');
    } catch (error) {
      if (error instanceof DryRunRollback) {
        for (const s of stored) {
          // A restore checked: the batch it would restore.
          if (s.status === 'restored') s.existingBatchId = s.batchId!;
          s.status = 'checked';
          delete s.batchId;
        }
      } else if (error instanceof GroupFailed) {
        throw await explainFailure(error);
      } else throw error;
    }
    outcomes.push(...stored);
    const order = new Map(inputs.files.map((f, i) => [f.display, i]));
    outcomes.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
    return {
      dryRun: options.dryRun === true,
      files: outcomes,
      skipped: inputs.skipped.map((s) => ({ file: s.display, reason: s.reason })),
      rowsStored: rowsOf(stored, 'ingested'),
      rowsRestored: rowsOf(stored, 'restored'),
      seconds: (performance.now() - started) / 1000,
      stages,
    };
  } finally {
    await inputs.cleanup();
  }
}

const rowsOf = (files: readonly FileOutcome[], status: FileOutcome['status']): number =>
  files.filter((f) => f.status === status).reduce((sum, f) => sum + f.rows, 0);

/**
 * The batches holding each file's bytes, looked up in one query: one whose rows are in use (the
 * file is already ingested), else one whose rows a later file replaced and which are kept (the
 * file restores it), else one replaced before replaced rows were kept (the file is stored again).
 */
async function heldBatches(
  ws: Workspace,
  shas: readonly string[],
): Promise<Map<string, { inUse?: HeldBatch; restorable?: HeldBatch; rowsGone?: HeldBatch }>> {
  const held = new Map<
    string,
    { inUse?: HeldBatch; restorable?: HeldBatch; rowsGone?: HeldBatch }
  >();
  if (shas.length === 0) return held;
  const rows = await ws.db.all<HeldBatch & { sha256: string }>(
    `SELECT sha256, batch_id, rows_stored, status FROM batches
      WHERE sha256 IN (SELECT unnest($shas)) ORDER BY batch_id DESC`,
    { shas: listValue([...new Set(shas)]) },
  );
  const gone = [SUPERSEDED, PARTLY_SUPERSEDED];
  for (const r of rows) {
    const found = held.get(r.sha256) ?? {};
    if (!gone.includes(r.status) && !RESTORABLE_STATUSES.includes(r.status)) found.inUse ??= r;
    else if (RESTORABLE_STATUSES.includes(r.status)) found.restorable ??= r;
    else found.rowsGone ??= r;
    held.set(r.sha256, found);
  }
  return held;
}

interface HeldBatch {
  batch_id: number;
  rows_stored: number;
  status: string;
}

function restoredOutcome(file: PreparedFile, restored: RestoredBatch): FileOutcome {
  return {
    file: file.input.display,
    sha256: file.sha256,
    status: 'restored',
    dataset: restored.dataset,
    force: file.force,
    batchId: restored.batchId,
    rows: restored.rows,
    months: restored.months,
    replaced: restored.setAside,
    messages: [],
  };
}

class GroupFailed extends Error {
  constructor(
    readonly files: PreparedFile[],
    readonly original: unknown,
    readonly limits: ExpansionLimits | undefined,
  ) {
    super('group failed');
  }
}

/** After a rollback: re-read the group's files and say exactly what was wrong. */
async function explainFailure(failure: GroupFailed): Promise<SvdError> {
  const problems: Problem[] = [];
  for (const file of failure.files) {
    problems.push(
      ...(await diagnoseFile({
        display: file.input.display,
        localPath: file.input.localPath,
        gzip: file.gzip,
        match: file.match,
        ...(failure.limits === undefined ? {} : { limits: failure.limits }),
      })),
    );
  }
  if (problems.length === 0) {
    return new SvdError({
      kind: 'internal',
      code: 'INGEST_FAILED',
      message: `the store refused these files for a reason the checks did not find: ${errorMessage(failure.original).split('\n')[0]}`,
      problems: failure.files
        .slice(0, 5)
        .map((f) => ({ file: f.input.display, message: 'read in the refused step' })),
      fix: 'nothing was stored; please report this with the files named above',
      cause: failure.original,
    });
  }
  return new SvdError({
    kind: 'input',
    code: 'INPUT_REFUSED',
    message: `${problems.length} problem${problems.length === 1 ? '' : 's'} found; nothing was stored`,
    problems,
    fix: 'correct or remove the files named above and run the command again',
  });
}
