/** `svd analyse when`: the hour × day-of-week matrix (aoristic) and the seasonal pattern. */
import { Command } from 'commander';
import { DAYS } from '../../analyses/when/aoristicWeights.js';
import { fixed, parseNumberOption, reportAnalysis } from '../analysisOutput.js';
import { commandContext, withCommandWorkspace } from '../context.js';
import type { CliIo } from '../io.js';
import {
  addSelectionOptions,
  selectionFromOptions,
  type SelectionOptions,
} from '../selectionOptions.js';
import { formatTable } from '../table.js';

interface WhenCliOptions extends SelectionOptions {
  maxSpan?: string;
  small?: string;
}

export function analyseWhenCommand(io: CliIo): Command {
  return addSelectionOptions(
    new Command('when').description(
      'hour × day-of-week matrix (Europe/London time, committed ranges spread over their hours) and seasonal pattern',
    ),
  )
    .option(
      '--max-span <HOURS>',
      'count records whose committed range is longer than this apart instead of spreading them (default: spread every range)',
    )
    .option('--small <N>', 'flag a matrix from fewer than N records as small (default 100)')
    .addHelpText(
      'after',
      `
Aoristic apportionment: a record known only to lie between its committed-from and committed-to
times is spread over the hours it covers in proportion to elapsed time, so each record adds one in
all. Hours are Europe/London wall-clock hours across the clock changes. A record with no time is
counted apart; police.uk rows carry the month only, so a police.uk selection has no matrix.

Examples:
  svd analyse when --where source=force-extract --definition thames-valley-vru --tier primary
  svd analyse when --where source=force-extract --max-span 168 --json`,
    )
    .action(async (options: WhenCliOptions) => {
      const { analyseWhen } = await import('../../analyses/when/analyseWhen.js');
      const ctx = commandContext(io, options);
      const selection = selectionFromOptions(options);
      const maxSpan = parseNumberOption(
        'max-span',
        options.maxSpan,
        (x) => x > 0,
        'a positive number of hours',
      );
      const small = parseNumberOption('small', options.small, (x) => x >= 0, 'a count');
      const analysis = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        analyseWhen(
          ws,
          selection,
          {
            ...(maxSpan === undefined ? {} : { maxSpanHours: maxSpan }),
            ...(small === undefined ? {} : { smallCount: small }),
          },
          { cwd: io.cwd, reporter: ctx.reporter },
        ),
      );
      if (reportAnalysis(ctx, analysis)) return;
      const r = analysis.result;
      if (r.matrix !== null) {
        const rows = r.matrix.map((hours, d) => ({ day: DAYS[d]!, hours }));
        ctx.print(
          formatTable(rows, [
            { header: 'day', value: (x) => x.day.slice(0, 3) },
            ...Array.from({ length: 24 }, (_, h) => ({
              header: String(h).padStart(2, '0'),
              value: (x: (typeof rows)[number]) => Math.round(x.hours[h]!),
              align: 'right' as const,
            })),
          ]),
        );
        ctx.print('');
      }
      const seasonal = r.seasonal.filter((s) => s.years > 0);
      if (seasonal.length > 0) {
        ctx.print(
          formatTable(seasonal, [
            { header: 'calendar month', value: (s) => s.name },
            { header: 'years', value: (s) => s.years, align: 'right' },
            { header: 'mean count', value: (s) => fixed(s.meanCount, 1), align: 'right' },
            { header: 'index', value: (s) => fixed(s.index), align: 'right' },
          ]),
        );
        ctx.print('');
      }
      const rec = r.records;
      ctx.print(
        `records: ${rec.selected.toLocaleString('en-GB')} selected, ${rec.placed.toLocaleString('en-GB')} placed in time (${rec.exactTime.toLocaleString('en-GB')} exact, ${rec.range.toLocaleString('en-GB')} spread over a range, of which ${rec.dateOnly.toLocaleString('en-GB')} date only), ${Object.values(
          rec.noTime,
        )
          .reduce((s, n) => s + n, 0)
          .toLocaleString('en-GB')} with no time, ${rec.tooLong.toLocaleString('en-GB')} too long`,
      );
      for (const line of r.summary) ctx.print(line);
    });
}
