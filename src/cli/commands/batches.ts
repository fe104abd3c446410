import { Command } from 'commander';
import type { RestoreBatchReport } from '../../app/restoreBatch.js';
import { usageError } from '../../core/errors.js';
import { SHRINK_RATIO } from '../../sources/police-uk/replacementShrinks.js';
import type { BatchRow } from '../../api/dashboard.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';

function statusText(b: BatchRow): string {
  const by = b.replaced_by.length > 0 ? ` by ${b.replaced_by.join(', ')}` : '';
  return `${b.status}${by}${b.synthetic ? ' · SYNTHETIC' : ''}`;
}

export function renderRestore(report: RestoreBatchReport): string {
  const n = (v: number): string => v.toLocaleString('en-GB');
  const lines = [
    `restored batch ${report.batchId} (${report.file}): ${n(report.rows)} rows (${report.force ?? 'force not known'} ${report.dataset}, ${report.months.join(', ')}) in use again`,
  ];
  for (const s of report.setAside)
    lines.push(
      `set aside batch ${s.oldBatchId}'s ${n(s.rowsRemoved)} rows of ${s.force} ${s.month}, kept apart (svd batches restore ${s.oldBatchId} brings them back)`,
    );
  if (report.reclassified.length > 0)
    lines.push(`classified again under ${report.reclassified.join(', ')}`);
  return lines.join('\n');
}

export function batchesCommand(io: CliIo): Command {
  const batches = new Command('batches')
    .description('list what was ingested: file, sha256, rows, status (provenance)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      `
Status: active (every row in use); replaced or partly-replaced (a later police.uk file for the
same force-months took its place; its rows are kept apart, counted nowhere, and the batch can be
brought back with \`svd batches restore BATCH\`; "by N" names the batches in use instead);
superseded (reference data loaded again, or a police.uk batch replaced by an svd that did not
keep replaced rows: nothing to restore).
Supplied by: the organisation that supplied the batch (its controller, svd access org list);
"not recorded" for batches loaded before organisations were kept, and, for now, for every batch:
ingest does not yet take the supplying organisation.`,
    )
    .action(async (options: CommonOptions) => {
      const { listBatches } = await import('../../store/listBatches.js');
      const ctx = commandContext(io, options);
      const rows = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        listBatches(ws),
      );
      if (ctx.json) {
        ctx.printJson(rows);
        return;
      }
      if (rows.length === 0) {
        ctx.print('no batches yet');
        return;
      }
      ctx.print(
        formatTable(rows, [
          { header: 'batch', value: (b) => b.batch_id },
          { header: 'kind', value: (b) => b.source_kind },
          { header: 'file', value: (b) => b.file_name },
          { header: 'sha256', value: (b) => b.sha256.slice(0, 12) },
          { header: 'rows', value: (b) => b.rows_stored },
          { header: 'status', value: statusText },
          { header: 'warnings', value: (b) => b.warnings },
          { header: 'supplied by', value: (b) => b.controller ?? 'not recorded' },
          { header: 'ingested', value: (b) => b.finished_at ?? b.started_at },
        ]),
      );
    });
  batches
    .command('restore')
    .description(
      'bring back a police.uk batch that a later file replaced; the rows in use in its place are set aside, restorable in turn',
    )
    .argument('<batch>', 'the batch number, as svd batches lists it')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no progress or announcements')
    .addHelpText(
      'after',
      `
In one transaction: the batch's rows kept apart are in use again, for every force-month it held,
and the rows in use for those force-months now are kept apart in their place. Then the records
are placed in their areas and classified again under the definitions the workspace was
classified under, as after an upload. The restore (or its refusal) is recorded in the audit
log (\`svd audit\`). Ingesting the batch's file again restores it too, as a
replacement like any other (refused when it holds fewer than ${Math.round(SHRINK_RATIO * 100)}% of the rows in use, unless
--replace).
Example:
  svd batches restore 4`,
    )
    .action(async (batch: string, own: CommonOptions & { quiet?: boolean }) => {
      const { restoreOutcome } = await import('../../app/auditEntries.js');
      const { audited } = await import('../../app/audited.js');
      const { restoreReplacedBatch } = await import('../../app/restoreBatch.js');
      // `svd batches restore 4 --db x`: batches itself takes --db and --json wherever they stand.
      const options = { ...(batches.opts() as CommonOptions), ...own };
      if (!/^[1-9]\d*$/.test(batch))
        throw usageError(
          'BAD_BATCH',
          `"${batch}" is not a batch number`,
          'give the number svd batches lists, e.g. svd batches restore 4',
        );
      const ctx = commandContext(io, options);
      const report = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        audited(
          ws,
          {
            actor: ctx.actor,
            action: 'batch-restore',
            attempt: { target: `batch ${batch}`, detail: { batch: Number(batch) } },
          },
          () => restoreReplacedBatch(ws, Number(batch), { reporter: ctx.reporter }),
          restoreOutcome,
        ),
      );
      if (ctx.json) ctx.printJson(report);
      else if (options.quiet !== true) ctx.print(renderRestore(report));
    });
  return batches;
}
