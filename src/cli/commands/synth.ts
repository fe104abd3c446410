import path from 'node:path';
import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { writeSyntheticFile, type SynthKind } from '../../sources/synthetic/writeSynthetic.js';
import { commandContext, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface SynthOptions extends CommonOptions {
  from: string[];
  seed?: string;
  out: string;
  overwrite?: boolean;
}

function parseSeed(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 0xffffffff) {
    throw usageError(
      'BAD_SEED',
      `--seed ${JSON.stringify(value)} is not a whole number from 0 to 4294967295`,
      'give a seed such as --seed 1',
    );
  }
  return n;
}

function synthSubcommand(io: CliIo, kind: SynthKind, description: string, help: string): Command {
  return new Command(kind)
    .description(description)
    .requiredOption(
      '--from <paths...>',
      'police.uk street files, folders or archive ZIPs to anchor on',
    )
    .option('--seed <n>', 'random seed: the same seed gives the same file (default 1)')
    .requiredOption('--out <file>', 'the CSV file to write')
    .option('--overwrite', 'replace --out if it exists')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText('after', help)
    .action(async (options: SynthOptions) => {
      const ctx = commandContext(io, options);
      if (options.seed === undefined)
        ctx.reporter.info('seed 1 (the default; choose another with --seed)');
      const report = await writeSyntheticFile({
        kind,
        from: options.from.map((f) => path.resolve(io.cwd, f)),
        seed: parseSeed(options.seed),
        out: path.resolve(io.cwd, options.out),
        overwrite: options.overwrite === true,
        reporter: ctx.reporter,
      });
      if (ctx.json) {
        ctx.printJson(report);
        return;
      }
      if (options.quiet === true) return;
      ctx.print(
        formatTable(Object.entries(report.months), [
          { header: 'month', value: ([m]) => m },
          { header: 'rows', value: ([, n]) => n, align: 'right' },
        ]),
      );
      ctx.print(
        `wrote ${report.rows.toLocaleString('en-GB')} SYNTHETIC rows (not real data) to ${report.out}, seed ${report.seed}\ningest with: svd ingest ${kind} ${JSON.stringify(report.out)}${kind === 'force-extract' ? ' --mapping svd-synthetic' : ''}`,
      );
    });
}

export function synthCommand(io: CliIo): Command {
  return new Command('synth')
    .description('generate realistic SYNTHETIC partner data, anchored on real police.uk rows')
    .addCommand(
      synthSubcommand(
        io,
        'force-extract',
        'a synthetic force crime extract: one row per police.uk row of the violence, robbery, weapons and drugs types',
        `
Each row keeps the police.uk row's map point, month and LSOA, so the extract's counts per month
and LSOA equal the police.uk counts of those crime types. Offence codes, days and times, flags,
ages, sexes and location types are drawn at the rates documented in docs/synthetic-data.md.
Every row is marked SYNTHETIC. Ingest it with the built-in mapping svd-synthetic. Example:
  svd synth force-extract --from ../shared/data/police-uk/thames-valley/street --seed 1 --out extract.csv`,
      ),
    )
    .addCommand(
      synthSubcommand(
        io,
        'istv',
        'synthetic A&E (ISTV) assault attendances, consistent with the synthetic force extract of the same seed',
        `
A share of the synthetic extract's assaults with injury attend an emergency department, and about
four times as many attendances are assaults never reported to police (docs/synthetic-data.md).
Every row is marked SYNTHETIC. Example:
  svd synth istv --from ../shared/data/police-uk/thames-valley/street --seed 1 --out istv.csv`,
      ),
    );
}
