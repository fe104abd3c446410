import { Command } from 'commander';
import path from 'node:path';
import { commandContext, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { renderCoverage } from './coverage.js';
import { renderIngestReport } from './ingest.js';
import { renderPartnerReport } from './ingestPartner.js';
import {
  ALLOWED_HOST_HELP,
  checkServeOptions,
  collectAllowedHost,
  parsePort,
  runServer,
} from './serve.js';

interface DemoOptions extends CommonOptions {
  data?: string;
  serve?: boolean;
  host: string;
  allowedHost?: string[];
  port: string;
  rebuild?: boolean;
}

export const DEMO_DB = path.join('.svd', 'demo-oxfordshire.duckdb');

export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description(
      'build (or reuse, when up to date) the Oxfordshire demo workspace, show what it holds, and with --serve open its dashboard',
    )
    .option('--db <path>', 'workspace file', DEMO_DB)
    .option(
      '--data <dir>',
      'the shared open data folder (default: $SVD_SHARED_DATA, else ../shared/data)',
    )
    .option('--serve', 'then serve its dashboard (what `npm start` does)')
    .option(
      '--host <address>',
      'with --serve: loopback address to listen on; any other is refused (the demo has no sign-in: use svd serve --sign-in on a workspace of your own)',
      '127.0.0.1',
    )
    .option('--port <n>', 'with --serve: port to listen on (0: any free port)', '8080')
    .option('--allowed-host <name>', `with --serve: ${ALLOWED_HOST_HELP}`, collectAllowedHost)
    .option('--rebuild', 'build again even when up to date')
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no progress or announcements')
    .addHelpText(
      'after',
      `
The workspace holds the Thames Valley police.uk months, LSOA 2011 and district boundaries, the
Oxfordshire partnership configuration, Census 2021 population, IMD 2019 and the published risk
and protective factors (IoD 2025, Census 2021 household deprivation, DfE LAIT, Fingertips, NEET,
social care assessment factors: all from the shared open data; police.uk months are downloaded when it is absent), and SYNTHETIC force extract and
A&E (ISTV) data generated from the police.uk rows (seed 1), classified under the shipped
definitions. It is reused while up to date: same inputs (path, size, modification time), same
svd, schema and shipped definitions; otherwise it is rebuilt from nothing.`,
    )
    .action(async (options: DemoOptions) => {
      const { ensureDemoWorkspace } = await import('../../app/demo/ensureDemoWorkspace.js');
      const { locateSharedData, OXFORDSHIRE_DISTRICTS } = await import('../../app/demo/runDemo.js');
      const dbOption = options.db ?? DEMO_DB;
      const ctx = commandContext(io, { ...options, db: dbOption });
      const db = path.resolve(io.cwd, dbOption);
      const port = parsePort(options.port);
      // Refused before the workspace is built, not after.
      if (options.serve === true) checkServeOptions(options.host, options.allowedHost ?? [], true);
      const result = await ensureDemoWorkspace(db, {
        sharedData: locateSharedData(options.data, io.env),
        downloadDir: path.resolve(io.cwd, '.svd', 'police-uk'),
        reporter: ctx.reporter,
        ...(options.rebuild === true ? { rebuild: true } : {}),
      });
      if (ctx.json) ctx.printJson(result);
      else {
        if (result.built !== undefined) {
          ctx.print(renderIngestReport(result.built.ingest));
          ctx.print('');
          ctx.print(renderPartnerReport(result.built.partner.forceExtract));
          ctx.print(renderPartnerReport(result.built.partner.istv));
          ctx.print(
            `classified under ${result.built.classified.map((c) => `${c.id}@${c.version}`).join(', ')}`,
          );
        } else ctx.print(`demo workspace up to date: reused ${db}`);
        ctx.print('');
        ctx.print(renderCoverage(result.summary.coverage));
        ctx.print('');
        ctx.print(
          `Oxfordshire (${OXFORDSHIRE_DISTRICTS.join(', ')}): police.uk incidents by month and district`,
        );
        const rows = result.summary.oxfordshire.rows;
        const months = [...new Set(rows.map((r) => String(r['month'])))];
        const at = new Map(
          rows.map((r) => [`${String(r['month'])}|${String(r['lsoa_district'])}`, r.n]),
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
          `\nworkspace: ${db} — try: npx svd counts --by month,tier --definition thames-valley-vru --db ${dbOption}`,
        );
      }
      if (options.serve === true) {
        await runServer(ctx, {
          db,
          host: options.host,
          port,
          allowedHosts: options.allowedHost ?? [],
          allowUpload: true,
          maxUploadBytes: 200 * 1024 * 1024,
        });
        await new Promise<void>(() => undefined);
      }
    });
}
