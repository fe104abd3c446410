/**
 * `svd analyse causes`: serious violence beside its risk and protective factors — association
 * with each small-area indicator, the neighbourhood risk index and its quadrants, comparators,
 * and indicator trends.
 */
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
import type { RateRatio } from '../../api/causes.js';

interface CausesCliOptions extends SelectionOptions {
  indicators?: string;
  compare?: string;
  weights?: string;
  similarBy?: string;
  neighbours?: string;
}

const list = (v: string | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

const ratio = (r: RateRatio | null): string | null =>
  r === null ? null : `${fixed(r.rateRatio, 2)} (${fixed(r.lower, 2)}–${fixed(r.upper, 2)})`;

export function analyseCausesCommand(io: CliIo): Command {
  return addSelectionOptions(
    new Command('causes').description(
      'serious violence beside its risk and protective factors: association with each small-area indicator, the risk index and its quadrants, comparators, trends',
    ),
  )
    .option(
      '--indicators <ID,…>',
      'small-area indicators to associate (default: every one held for LSOAs 2021 but ranks, deciles and numerators)',
    )
    .option(
      '--compare <ID,…>',
      'indicators published by local authority to compare and follow (default: the key indicators held)',
    )
    .option(
      '--weights <FILE>',
      'risk index weights YAML (default: reference/risk-index/neighbourhood-risk.yaml)',
    )
    .option(
      '--similar-by <ID,…>',
      'indicators by local authority that define similar areas (default: lait/PriFSM,lait/SecFSM)',
    )
    .option('--neighbours <N>', 'how many similar local authorities (default 10)')
    .addHelpText(
      'after',
      `
Load the indicators first (svd indicators load --help). Association: across the LSOAs 2021 of the
area, counts are regressed on each indicator with the residents as offset, Poisson and negative
binomial, as rate ratios per standard deviation and per decile with 95% Wald intervals; Spearman's
ρ of the rates; Moran's I of the residuals over contiguous LSOAs says whether the model leaves a
spatial pattern. Association across areas is not cause, and the IMD crime domain is partly
circular (it is built from recorded crime).

Risk index: the components of the weights file standardised across the areas and combined; the
quadrants set it beside the rate of violence. Comparators: England, the region (the force's
"region" in the partnership configuration) and the most similar local authorities, for the
partnership's upper-tier local authority ("localAuthority" in the configuration).

Example:
  svd analyse causes --definition svd-serious-violence --where csp_code=safer-oxfordshire`,
    )
    .action(async (options: CausesCliOptions) => {
      const { analyseCauses } = await import('../../analyses/causes/analyseCauses.js');
      const ctx = commandContext(io, options);
      const selection = selectionFromOptions(options);
      const neighbours = parseNumberOption(
        'neighbours',
        options.neighbours,
        (x) => Number.isInteger(x) && x >= 1 && x <= 50,
        'a whole number from 1 to 50',
      );
      const indicators = list(options.indicators);
      const compare = list(options.compare);
      const similarBy = list(options.similarBy);
      const analysis = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        analyseCauses(
          ws,
          selection,
          {
            ...(indicators === undefined ? {} : { indicators }),
            ...(compare === undefined ? {} : { compare }),
            ...(options.weights === undefined ? {} : { weights: options.weights }),
            ...(similarBy === undefined ? {} : { similarBy }),
            ...(neighbours === undefined ? {} : { neighbours }),
          },
          { cwd: io.cwd, reporter: ctx.reporter },
        ),
      );
      if (reportAnalysis(ctx, analysis)) return;
      const r = analysis.result;
      const a = r.association;
      ctx.print(
        `Association across ${a.areas} LSOAs 2021 (${a.incidents} incidents, ${Math.round(a.population)} residents); rate ratios with 95% intervals:`,
      );
      ctx.print(
        formatTable(a.rows, [
          { header: 'indicator', value: (x) => x.indicator },
          { header: 'LSOAs', value: (x) => x.areas, align: 'right' },
          {
            header: 'per SD (neg. binomial)',
            value: (x) => ratio(x.perSd.negativeBinomial),
            align: 'right',
          },
          { header: 'per SD (Poisson)', value: (x) => ratio(x.perSd.poisson), align: 'right' },
          {
            header: 'per decile (neg. bin.)',
            value: (x) => ratio(x.perDecile.negativeBinomial),
            align: 'right',
          },
          { header: 'Spearman ρ', value: (x) => fixed(x.spearman?.rho, 3), align: 'right' },
          { header: "Moran's I", value: (x) => fixed(x.moran?.statistic, 3), align: 'right' },
          { header: 'note', value: (x) => (x.circular ? 'built from crime' : '') },
        ]),
      );
      ctx.print('');
      if (r.riskIndex !== null) {
        const q = r.riskIndex.quadrants;
        ctx.print(
          `Risk index ${r.riskIndex.weights.id} version ${r.riskIndex.weights.version}: high risk and high violence ${q['high-risk-high-violence']}, high risk and low violence ${q['high-risk-low-violence']}, low risk and high violence ${q['low-risk-high-violence']}, low on both ${q['low-risk-low-violence']}.`,
        );
        ctx.print('');
      }
      if (r.comparators.rows.length > 0) {
        ctx.print(
          `Comparators for ${r.comparators.area?.name ?? r.comparators.area?.code ?? 'the area'} (similar areas: ${r.comparators.similar.map((s) => s.name ?? s.code).join(', ')}):`,
        );
        ctx.print(
          formatTable(r.comparators.rows, [
            { header: 'indicator', value: (x) => x.indicator },
            { header: 'period', value: (x) => x.period },
            { header: 'area', value: (x) => fixed(x.area.value, 2), align: 'right' },
            { header: 'England', value: (x) => fixed(x.england?.value, 2), align: 'right' },
            { header: 'region', value: (x) => fixed(x.region?.value, 2), align: 'right' },
            {
              header: 'similar (median)',
              value: (x) => fixed(x.neighboursMedian, 2),
              align: 'right',
            },
            {
              header: 'rank',
              value: (x) => (x.rank === null ? null : `${x.rank.position}/${x.rank.of}`),
              align: 'right',
            },
          ]),
        );
        ctx.print('');
      }
      for (const line of [...r.summary, ...r.cautions]) ctx.print(line);
    });
}
