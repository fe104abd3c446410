import { Command } from 'commander';
import { countIncidents, parseBy, parseWhere } from '../../counts/countIncidents.js';
import { DIMENSIONS } from '../../counts/dimensions.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface CountsOptions extends CommonOptions {
  by: string;
  where?: string[];
}

export function countsCommand(io: CliIo): Command {
  return new Command('counts')
    .description('count incidents by one or more dimensions')
    .requiredOption('--by <dims>', 'comma-separated dimensions, e.g. month,crime_type')
    .option(
      '--where <DIM=VALUE>',
      'filter (repeatable; DIM=A..B for a range of months; DIM= for no value)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print one JSON array of objects with the dimension values and n')
    .addHelpText(
      'after',
      `\nDimensions:\n${DIMENSIONS.map((d) => `  ${d.name.padEnd(13)} ${d.description}`).join('\n')}\n\nExample:\n  svd counts --by month,crime_type --where force=thames-valley --where month=2024-01..2024-03`,
    )
    .action(async (options: CountsOptions) => {
      const ctx = commandContext(io, options);
      const query = { by: parseBy(options.by), where: parseWhere(options.where ?? []) };
      const result = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        countIncidents(ws, query),
      );
      if (result.syntheticTotal > 0) {
        ctx.reporter.warn(
          `${result.syntheticTotal.toLocaleString('en-GB')} of these incidents are SYNTHETIC (generated for tests and demonstrations, not real records)`,
        );
      }
      if (ctx.json) {
        ctx.printJson(result.rows);
        return;
      }
      if (result.rows.length === 0) {
        ctx.print('no incidents match');
        return;
      }
      ctx.print(
        formatTable(result.rows, [
          ...result.by.map((name) => ({
            header: name,
            value: (r: (typeof result.rows)[number]) => (r[name] ?? '(none)') as string,
          })),
          { header: 'n', value: (r) => r.n, align: 'right' as const },
        ]),
      );
      ctx.print(`total ${result.total.toLocaleString('en-GB')}`);
    });
}
