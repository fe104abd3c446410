/** `svd analyse deprivation`: rates by IMD decile, the decile 1 : 10 ratio, domain correlations. */
import { Command } from 'commander';
import { fixed, parseNumberOption, reportAnalysis } from '../analysisOutput.js';
import { commandContext, withCommandWorkspace } from '../context.js';
import type { CliIo } from '../io.js';
import {
  addSelectionOptions,
  selectionFromOptions,
  type SelectionOptions,
} from '../selectionOptions.js';
import { formatTable } from '../table.js';
import { parseWithin } from './rates.js';

interface DeprivationCliOptions extends SelectionOptions {
  population?: string;
  within?: string;
  small?: string;
}

export function analyseDeprivationCommand(io: CliIo): Command {
  return addSelectionOptions(
    new Command('deprivation').description(
      'rates per 1,000 residents by IMD decile, the decile 1 : decile 10 rate ratio, and correlation with each deprivation domain',
    ),
  )
    .option('--population <DATASET>', 'population dataset (default: the most recent)')
    .option(
      '--within <LEVEL:CODE,…>',
      'only areas within these (default: the area the --where filters select, else the force areas with data)',
    )
    .option('--small <N>', 'flag counts below N as small (default 10)')
    .addHelpText(
      'after',
      `
IMD 2019 is published for 2011 LSOAs: incidents are counted in their LSOA 2011 and residents
carried to it. Rates are per 1,000 residents over the whole period selected, with exact Poisson
95% intervals; the decile 1 : decile 10 ratio has the exact interval of a ratio of two Poisson
rates. Correlations are Spearman's ρ over LSOAs, positive when rates are higher where deprivation
is higher; they describe areas, not people, and say nothing about cause.

Example:
  svd analyse deprivation --where source=police-uk --where "crime_type=Violence and sexual offences"`,
    )
    .action(async (options: DeprivationCliOptions) => {
      const { analyseDeprivation } =
        await import('../../analyses/deprivation/analyseDeprivation.js');
      const ctx = commandContext(io, options);
      const selection = selectionFromOptions(options);
      const within = options.within === undefined ? undefined : parseWithin(options.within);
      const small = parseNumberOption('small', options.small, (x) => x >= 0, 'a count');
      const analysis = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        analyseDeprivation(
          ws,
          selection,
          {
            ...(options.population === undefined ? {} : { population: options.population }),
            ...(within === undefined ? {} : { within }),
            ...(small === undefined ? {} : { smallCount: small }),
          },
          { cwd: io.cwd, reporter: ctx.reporter },
        ),
      );
      if (reportAnalysis(ctx, analysis)) return;
      const r = analysis.result;
      ctx.print(
        formatTable(r.deciles, [
          { header: 'IMD decile', value: (d) => d.decile, align: 'right' },
          { header: 'count', value: (d) => d.count, align: 'right' },
          {
            header: 'population',
            value: (d) => (d.population === null ? null : Math.round(d.population)),
            align: 'right',
          },
          {
            header: `per ${r.per.toLocaleString('en-GB')}`,
            value: (d) => fixed(d.rate),
            align: 'right',
          },
          {
            header: '95% interval',
            value: (d) => (d.lower === null ? null : `${fixed(d.lower)}–${fixed(d.upper)}`),
            align: 'right',
          },
          {
            header: `per ${r.per.toLocaleString('en-GB')} a year`,
            value: (d) => fixed(d.perYear.rate),
            align: 'right',
          },
          { header: 'flag', value: (d) => (d.small ? 'small' : '') },
        ]),
      );
      ctx.print('');
      if (r.correlations.length > 0) {
        ctx.print(
          formatTable(r.correlations, [
            { header: 'domain', value: (c) => c.domain },
            { header: 'LSOAs', value: (c) => c.lsoas, align: 'right' },
            { header: 'Spearman ρ', value: (c) => fixed(c.rho, 3), align: 'right' },
            {
              header: '95% interval',
              value: (c) => (c.lower === null ? null : `${fixed(c.lower, 3)}–${fixed(c.upper, 3)}`),
              align: 'right',
            },
            {
              header: 'p',
              value: (c) => (c.pValue === null ? null : c.pValue.toPrecision(2)),
              align: 'right',
            },
          ]),
        );
        ctx.print('');
      }
      for (const line of r.summary) ctx.print(line);
    });
}
