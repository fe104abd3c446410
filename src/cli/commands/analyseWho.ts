/** `svd analyse who`: victims and suspects by age and sex, and the shares with their intervals. */
import { Command } from 'commander';
import { parseNumberOption, percent, reportAnalysis } from '../analysisOutput.js';
import { commandContext, withCommandWorkspace } from '../context.js';
import type { CliIo } from '../io.js';
import {
  addSelectionOptions,
  selectionFromOptions,
  type SelectionOptions,
} from '../selectionOptions.js';
import { formatTable } from '../table.js';
import type { AgeSexTable } from '../../api/analyses.js';

interface WhoCliOptions extends SelectionOptions {
  confidence?: string;
  small?: string;
}

function ageSex(t: AgeSexTable): string {
  return formatTable(t.rows, [
    { header: 'age band', value: (r) => r.band },
    ...t.sexes.map((s) => ({
      header: s,
      value: (r: AgeSexTable['rows'][number]) => r.counts[s] ?? 0,
      align: 'right' as const,
    })),
    { header: 'total', value: (r) => r.total, align: 'right' },
  ]);
}

export function analyseWhoCommand(io: CliIo): Command {
  return addSelectionOptions(
    new Command('who').description(
      'victims and suspects by age band and sex; under-25, domestic, knife and public-place shares with intervals',
    ),
  )
    .option('--confidence <LEVEL>', 'confidence level of the intervals (default 0.95)')
    .option('--small <N>', 'flag counts below N as small (default 10)')
    .addHelpText(
      'after',
      `
Each share is of the records whose value is known (unknowns are counted apart, never as "no"),
with a Wilson score interval. Public and private location types are those of the canonical
vocabulary. police.uk rows carry no victim, suspect, flags or location type and are left out.

Example:
  svd analyse who --where source=force-extract --definition thames-valley-vru --tier primary`,
    )
    .action(async (options: WhoCliOptions) => {
      const { analyseWho } = await import('../../analyses/who/analyseWho.js');
      const ctx = commandContext(io, options);
      const selection = selectionFromOptions(options);
      const confidence = parseNumberOption(
        'confidence',
        options.confidence,
        (x) => x > 0 && x < 1,
        'a level between 0 and 1 (e.g. 0.95)',
      );
      const small = parseNumberOption('small', options.small, (x) => x >= 0, 'a count');
      const analysis = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        analyseWho(
          ws,
          selection,
          {
            ...(confidence === undefined ? {} : { confidence }),
            ...(small === undefined ? {} : { smallCount: small }),
          },
          { cwd: io.cwd, reporter: ctx.reporter },
        ),
      );
      if (reportAnalysis(ctx, analysis)) return;
      const r = analysis.result;
      if (r.records.withPersonData > 0) {
        ctx.print(`victims (${r.victims.noPerson.toLocaleString('en-GB')} records with no victim)`);
        ctx.print(ageSex(r.victims));
        ctx.print('');
        ctx.print(
          `suspects (${r.suspects.noPerson.toLocaleString('en-GB')} records with no suspect)`,
        );
        ctx.print(ageSex(r.suspects));
        ctx.print('');
        ctx.print(
          formatTable(r.shares, [
            { header: 'share', value: (s) => s.name },
            { header: 'count', value: (s) => s.count, align: 'right' },
            { header: 'of', value: (s) => s.total, align: 'right' },
            { header: '%', value: (s) => percent(s.share), align: 'right' },
            {
              header: 'interval',
              value: (s) => (s.lower === null ? null : `${percent(s.lower)}–${percent(s.upper)}`),
              align: 'right',
            },
            { header: 'unknown', value: (s) => s.unknown, align: 'right' },
            { header: 'flag', value: (s) => (s.small ? 'small' : '') },
          ]),
        );
        ctx.print('');
        ctx.print(
          formatTable(r.locationTypes, [
            { header: 'location type', value: (l) => l.type },
            { header: 'class', value: (l) => l.class },
            { header: 'count', value: (l) => l.count, align: 'right' },
          ]),
        );
        ctx.print('');
      }
      for (const line of r.summary) ctx.print(line);
    });
}
