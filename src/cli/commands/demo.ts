import { Command } from 'commander';
import path from 'node:path';
import { locateSharedData, runDemo, OXFORDSHIRE_DISTRICTS } from '../../demo/runDemo.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { renderCoverage } from './coverage.js';
import { renderIngestReport } from './ingest.js';

interface DemoOptions extends CommonOptions {
  data?: string;
}

export const DEMO_DB = path.join('.svd', 'demo-oxfordshire.duckdb');

export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description('build (or reuse) the Oxfordshire demo workspace and show what it holds')
    .option('--db <path>', 'workspace file', DEMO_DB)
    .option(
      '--data <dir>',
      'the shared open data folder (default: $SVD_SHARED_DATA, else ../shared/data)',
    )
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no progress or announcements')
    .action(async (options: DemoOptions) => {
      const ctx = commandContext(io, { ...options, db: options.db ?? DEMO_DB });
      const result = await withCommandWorkspace(ctx, { create: true }, (ws) =>
        runDemo(ws, {
          sharedData: locateSharedData(options.data, io.env),
          downloadDir: path.resolve(io.cwd, '.svd', 'police-uk'),
          reporter: ctx.reporter,
        }),
      );
      if (ctx.json) {
        ctx.printJson(result);
        return;
      }
      ctx.print(renderIngestReport(result.ingest));
      ctx.print('');
      ctx.print(renderCoverage(result.coverage));
      ctx.print('');
      ctx.print(
        `Oxfordshire (${OXFORDSHIRE_DISTRICTS.join(', ')}): police.uk incidents by month and district`,
      );
      const months = [...new Set(result.oxfordshire.rows.map((r) => String(r['month'])))];
      const at = new Map(
        result.oxfordshire.rows.map((r) => [
          `${String(r['month'])}|${String(r['lsoa_district'])}`,
          r.n,
        ]),
      );
      ctx.print(
        formatTable(months, [
          { header: 'month', value: (m) => m },
          ...OXFORDSHIRE_DISTRICTS.map((d) => ({
            header: d,
            value: (m: string) => at.get(`${m}|${d}`) ?? 0,
            align: 'right' as const,
          })),
          {
            header: 'Oxfordshire',
            value: (m: string) =>
              OXFORDSHIRE_DISTRICTS.reduce((s, d) => s + (at.get(`${m}|${d}`) ?? 0), 0),
            align: 'right' as const,
          },
        ]),
      );
      ctx.print(
        `\nworkspace: ${path.resolve(io.cwd, options.db ?? DEMO_DB)} — try: npx svd counts --by month,crime_type --where lsoa_district=Oxford --db ${options.db ?? DEMO_DB}`,
      );
    });
}
