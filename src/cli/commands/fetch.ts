import { Command } from 'commander';
import path from 'node:path';
import { fetchPoliceUk, POLICE_UK_ARCHIVE_URL } from '../../sources/police-uk/fetchPoliceUk.js';
import type { PoliceUkDataset } from '../../sources/police-uk/formats.js';
import { usageError } from '../../core/errors.js';
import {
  DEFAULT_EXPANSION_LIMITS,
  MAX_EXPANDED_BYTES_HELP,
  expansionLimits,
  formatBytes,
} from '../../core/expansionLimits.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { renderIngestReport } from './ingest.js';

interface FetchOptions extends CommonOptions {
  force: string;
  from: string;
  to: string;
  dest?: string;
  baseUrl?: string;
  dataset?: string[];
  ingest?: boolean;
  maxExpandedBytes?: string;
}

const DATASETS: readonly PoliceUkDataset[] = ['street', 'outcomes', 'stop-and-search'];

export function fetchCommand(io: CliIo): Command {
  const fetch = new Command('fetch').description('download open data');
  fetch
    .command('police-uk')
    .description("download one force's monthly police.uk files from the police.uk archive")
    .requiredOption('--force <slug>', 'police.uk force, e.g. thames-valley')
    .requiredOption('--from <YYYY-MM>', 'first month')
    .requiredOption('--to <YYYY-MM>', 'last month')
    .option('--dest <dir>', 'where to put the files', 'police-uk-data')
    .option('--base-url <url>', 'archive location', POLICE_UK_ARCHIVE_URL)
    .option(
      '--dataset <name>',
      `street (default), outcomes, stop-and-search (repeatable)`,
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--ingest', 'ingest the files into the workspace once they are here')
    .option('--max-expanded-bytes <size>', MAX_EXPANDED_BYTES_HELP)
    .option('--db <path>', 'workspace file for --ingest (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress or announcements')
    .addHelpText(
      'after',
      `
A second run takes only what is still missing; each file is checked against the archive (its
CRC-32 and size) and expanded within limits: a member is refused at the first byte past the size
its header declares, past ${formatBytes(DEFAULT_EXPANSION_LIMITS.maxBytes)} for the members together or past ${DEFAULT_EXPANSION_LIMITS.maxRatio}:1 (see svd ingest
police-uk --help).`,
    )
    .action(async (options: FetchOptions) => {
      const { ingestPoliceUk } = await import('../../sources/police-uk/ingestPoliceUk.js');
      const ctx = commandContext(io, options);
      const limits = expansionLimits({ maxExpandedBytes: options.maxExpandedBytes }, io.env);
      const datasets = (options.dataset ?? ['street']).map((d) => {
        if (!(DATASETS as readonly string[]).includes(d))
          throw usageError('BAD_DATASET', `invalid dataset: ${d}`, `use ${DATASETS.join(', ')}`);
        return d as PoliceUkDataset;
      });
      const dest = path.resolve(io.cwd, options.dest ?? 'police-uk-data');
      const report = await fetchPoliceUk({
        force: options.force,
        from: options.from,
        to: options.to,
        dest,
        baseUrl: options.baseUrl ?? POLICE_UK_ARCHIVE_URL,
        datasets,
        reporter: ctx.reporter,
        expansionLimits: limits,
      });
      const ingested =
        options.ingest === true && report.files.length > 0
          ? await withCommandWorkspace(ctx, { create: true }, (ws) =>
              ingestPoliceUk(
                ws,
                report.files.map((f) => f.path),
                { reporter: ctx.reporter, expansionLimits: limits },
              ),
            )
          : undefined;
      if (ctx.json) {
        ctx.printJson({ fetch: report, ingest: ingested ?? null });
        return;
      }
      if (options.quiet === true) return;
      const got = report.files.filter((f) => f.status === 'downloaded').length;
      const had = report.files.length - got;
      ctx.print(`${got} file(s) downloaded, ${had} already here, into ${dest}`);
      if (report.missing.length > 0) {
        ctx.print(
          `not in the archive (police.uk did not publish them): ${report.missing.map((m) => `${m.month} ${m.dataset}`).join(', ')}`,
        );
      }
      if (ingested !== undefined) ctx.print(renderIngestReport(ingested));
    });
  return fetch;
}
