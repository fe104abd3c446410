import { Command } from 'commander';
import { listBatches } from '../../store/listBatches.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

export function batchesCommand(io: CliIo): Command {
  return new Command('batches')
    .description('list what was ingested: file, sha256, rows, status (provenance)')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print as JSON')
    .action(async (options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const batches = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        listBatches(ws),
      );
      if (ctx.json) {
        ctx.printJson(batches);
        return;
      }
      if (batches.length === 0) {
        ctx.print('no batches yet');
        return;
      }
      ctx.print(
        formatTable(batches, [
          { header: 'batch', value: (b) => b.batch_id },
          { header: 'kind', value: (b) => b.source_kind },
          { header: 'file', value: (b) => b.file_name },
          { header: 'sha256', value: (b) => b.sha256.slice(0, 12) },
          { header: 'rows', value: (b) => b.rows_stored },
          { header: 'status', value: (b) => b.status + (b.synthetic ? ' · SYNTHETIC' : '') },
          { header: 'warnings', value: (b) => b.warnings },
          { header: 'ingested', value: (b) => b.finished_at ?? b.started_at },
        ]),
      );
    });
}
