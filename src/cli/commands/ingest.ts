import { Command } from 'commander';
import type { FileOutcome, PoliceUkIngestReport } from '../../sources/police-uk/ingestPoliceUk.js';
import type { PoliceUkDataset } from '../../sources/police-uk/formats.js';
import { SHRINK_RATIO } from '../../sources/police-uk/replacementShrinks.js';
import { usageError } from '../../core/errors.js';
import {
  EXPANSION_LIMITS_HELP,
  MAX_EXPANDED_BYTES_HELP,
  expansionLimits,
} from '../../core/expansionLimits.js';
import { formatMonthRange } from '../../core/months.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import { SUPPLIER_HELP } from './ingestPartner.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { addPartnerIngestCommands } from './ingestPartner.js';

interface IngestOptions extends CommonOptions {
  supplier?: string;
  force?: string[];
  from?: string;
  to?: string;
  dataset?: string[];
  dryRun?: boolean;
  replace?: boolean;
  maxExpandedBytes?: string;
}

const DATASETS: readonly PoliceUkDataset[] = ['street', 'outcomes', 'stop-and-search'];

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
];

function statusText(f: FileOutcome): string {
  switch (f.status) {
    case 'ingested':
      return f.replaced.length > 0
        ? `replaced batch ${[...new Set(f.replaced.map((r) => r.oldBatchId))].join(', ')}`
        : 'stored';
    case 'restored':
      return f.replaced.length > 0
        ? `restored (set aside batch ${[...new Set(f.replaced.map((r) => r.oldBatchId))].join(', ')})`
        : 'restored';
    case 'already-ingested':
      return `already in batch ${f.existingBatchId ?? '?'}`;
    case 'duplicate-in-run':
      return 'same as another file';
    case 'checked':
      return 'checked (dry run)';
  }
}

export function renderIngestReport(report: PoliceUkIngestReport): string {
  const lines: string[] = [];
  lines.push(
    formatTable(report.files, [
      { header: 'file', value: (f) => f.file.split('/').slice(-1)[0] ?? f.file },
      { header: 'dataset', value: (f) => f.dataset },
      { header: 'force', value: (f) => f.force },
      {
        header: 'months',
        value: (f) =>
          f.months.length === 0
            ? ''
            : f.months.length === 1
              ? f.months[0]
              : formatMonthRange(f.months[0]!, f.months.at(-1)!),
      },
      { header: 'rows', value: (f) => f.rows, align: 'right' },
      {
        header: 'LSOAs',
        value: (f) =>
          f.lsoaVintage == null
            ? ''
            : `${f.lsoaVintage}${f.lsoaVintageBasis === 'assumed' ? '?' : ''}`,
      },
      { header: 'batch', value: (f) => f.batchId ?? f.existingBatchId ?? '', align: 'right' },
      { header: 'result', value: statusText },
    ]),
  );
  const n = (v: number): string => v.toLocaleString('en-GB');
  for (const f of report.files) {
    for (const r of f.replaced) {
      lines.push(
        f.status === 'restored' || (f.status === 'checked' && f.existingBatchId !== undefined)
          ? `restored: ${r.force} ${r.month}: batch ${f.batchId ?? f.existingBatchId ?? '?'}'s ${n(r.rowsAdded)} rows are in use again in place of batch ${r.oldBatchId}'s ${n(r.rowsRemoved)} rows, kept apart (svd batches restore ${r.oldBatchId} brings them back)`
          : `replaced: ${r.force} ${r.month} was re-published; batch ${r.oldBatchId}'s ${n(r.rowsRemoved)} rows were replaced by ${n(r.rowsAdded)} rows from ${f.file}; they are kept apart (svd batches restore ${r.oldBatchId} brings them back)`,
      );
    }
    for (const m of f.messages.filter((m) => m.severity === 'warning')) {
      lines.push(
        `warning: ${f.file}${m.firstLine === undefined ? '' : `, line ${m.firstLine}`}: ${m.message}${m.exampleValue === undefined ? '' : ` (e.g. ${JSON.stringify(m.exampleValue)})`}`,
      );
    }
  }
  const stored = report.files.filter((f) => f.status === 'ingested').length;
  const restored = report.files.filter((f) => f.status === 'restored').length;
  const skipped = report.files.filter(
    (f) => f.status === 'already-ingested' || f.status === 'duplicate-in-run',
  ).length;
  if (report.dryRun) {
    lines.push(`dry run: ${report.files.length} file(s) checked, nothing stored`);
  } else {
    lines.push(
      `${stored} file(s) stored, ${n(report.rowsStored)} rows in ${report.seconds.toFixed(1)} s${restored > 0 ? `; ${restored} replaced batch(es) restored, ${n(report.rowsRestored)} rows` : ''}${skipped > 0 ? `; ${skipped} already held, skipped` : ''}`,
    );
  }
  if (report.skipped.length > 0)
    lines.push(
      `${report.skipped.length} other file(s) in the folders or archives were not taken (not police.uk CSV, or outside --force/--from/--to)`,
    );
  return lines.join('\n');
}

export function ingestCommand(io: CliIo): Command {
  const ingest = new Command('ingest').description('bring data into the workspace');
  ingest
    .command('police-uk')
    .description(
      'ingest police.uk street, outcomes and stop-and-search CSV files (.csv, .csv.gz, folders, archive .zip)',
    )
    .argument('<paths...>', 'files, folders (read recursively) or police.uk archive ZIPs')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--force <slug>', 'only files of this force, e.g. thames-valley (repeatable)', collect)
    .option('--from <YYYY-MM>', 'only months from this one (by file name)')
    .option('--to <YYYY-MM>', 'only months up to this one (by file name)')
    .option('--dataset <name>', `only these datasets: ${DATASETS.join(', ')} (repeatable)`, collect)
    .option('--dry-run', 'check everything, store nothing')
    .option('--supplier <org>', SUPPLIER_HELP)
    .option(
      '--replace',
      `replace a force-month held even when the new file holds fewer than ${Math.round(SHRINK_RATIO * 100)}% of its rows`,
    )
    .option('--max-expanded-bytes <size>', MAX_EXPANDED_BYTES_HELP)
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress or announcements')
    .addHelpText(
      'after',
      `
All files of one run are stored together or not at all. A file already ingested (same sha256)
is skipped; a force-month that police.uk re-published with different contents replaces the
earlier batch, whose rows are kept apart: \`svd batches\` lists it as replaced, and
\`svd batches restore BATCH\` (or ingesting its file again) brings it back. Each ingest (file,
sha256, batch, rows, status) and each refusal is recorded in the audit log (\`svd audit\`).
A file that holds fewer than ${Math.round(SHRINK_RATIO * 100)}% of the rows held for its force-month is more likely cut short
than re-published: it is refused (REPLACEMENT_SHRINKS, nothing stored) unless --replace is given.

${EXPANSION_LIMITS_HELP}

Example:
  svd ingest police-uk ../shared/data/police-uk/thames-valley/street`,
    )
    .action(async (paths: string[], options: IngestOptions) => {
      const ctx = commandContext(io, options);
      const limits = expansionLimits({ maxExpandedBytes: options.maxExpandedBytes }, io.env);
      const datasets = options.dataset?.map((d) => {
        if (!(DATASETS as readonly string[]).includes(d)) {
          throw usageError('BAD_DATASET', `invalid dataset: ${d}`, `use ${DATASETS.join(', ')}`);
        }
        return d as PoliceUkDataset;
      });
      // Imported when the command runs: its help and definition need neither DuckDB nor the readers.
      const [
        { ingestPoliceUk },
        { audited },
        { ingestAttempt, policeUkIngestOutcome },
        { suppliedBy },
      ] = await Promise.all([
        import('../../sources/police-uk/ingestPoliceUk.js'),
        import('../../app/audited.js'),
        import('../../app/auditEntries.js'),
        import('../../app/supplier.js'),
      ]);
      const report = await withCommandWorkspace(
        ctx,
        { create: true, scratchIfMissing: options.dryRun === true },
        (ws) =>
          audited(
            ws,
            {
              actor: ctx.actor,
              action: 'ingest',
              attempt: ingestAttempt('police-uk', paths),
            },
            () =>
              suppliedBy(ws, options.supplier, ctx.reporter, () =>
                ingestPoliceUk(ws, paths, {
                  reporter: ctx.reporter,
                  ...(options.force === undefined ? {} : { forces: options.force }),
                  ...(options.from === undefined ? {} : { from: options.from }),
                  ...(options.to === undefined ? {} : { to: options.to }),
                  ...(datasets === undefined ? {} : { datasets }),
                  ...(options.force?.length === 1 ? { defaultForce: options.force[0]! } : {}),
                  dryRun: options.dryRun === true,
                  replace: options.replace === true,
                  expansionLimits: limits,
                }),
              ),
            policeUkIngestOutcome,
          ),
      );
      if (ctx.json) ctx.printJson(report);
      else if (options.quiet !== true) ctx.print(renderIngestReport(report));
    });
  addPartnerIngestCommands(ingest, io);
  return ingest;
}
