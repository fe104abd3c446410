/** `svd analyse trends`: the monthly series, periods, change and trend of the selected incidents. */
import { formatMonthRange } from '../../core/months.js';
import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { isMonth } from '../../core/months.js';
import { fixed, parseNumberOption, reportAnalysis } from '../analysisOutput.js';
import { commandContext, withCommandWorkspace } from '../context.js';
import type { CliIo } from '../io.js';
import {
  addSelectionOptions,
  selectionFromOptions,
  type SelectionOptions,
} from '../selectionOptions.js';
import { formatTable } from '../table.js';
import type { MonthRange } from '../../api/analyses.js';

interface TrendsCliOptions extends SelectionOptions {
  compare?: string;
  confidence?: string;
  small?: string;
}

function parseRange(text: string): MonthRange {
  const parts = text.split('..');
  const from = parts[0] ?? '';
  const to = parts[1] ?? from;
  if (parts.length > 2 || !isMonth(from) || !isMonth(to) || from > to)
    throw usageError(
      'BAD_COMPARE',
      `--compare: "${text}" is not a month or a range of months`,
      'write e.g. --compare 2023-01..2023-03,2024-01..2024-03 (earlier, then later)',
    );
  return { from, to };
}

export function parseCompare(text: string): { earlier: MonthRange; later: MonthRange } {
  const parts = text.split(',');
  if (parts.length !== 2)
    throw usageError(
      'BAD_COMPARE',
      `--compare ${JSON.stringify(text)} needs two periods`,
      'write e.g. --compare 2023-01..2023-03,2024-01..2024-03 (earlier, then later)',
    );
  return { earlier: parseRange(parts[0]!.trim()), later: parseRange(parts[1]!.trim()) };
}

export function analyseTrendsCommand(io: CliIo): Command {
  return addSelectionOptions(
    new Command('trends').description(
      'monthly series, financial years and quarters, rolling 12 months, change between two periods, Mann–Kendall trend, seasonal profile',
    ),
  )
    .option(
      '--compare <EARLIER,LATER>',
      'periods to compare, e.g. 2023-01..2023-03,2024-01..2024-03 (default: the latest complete months against the same months a year earlier)',
    )
    .option('--confidence <LEVEL>', 'confidence level of intervals and tests (default 0.95)')
    .option('--small <N>', 'flag counts below N as small (default 10)')
    .addHelpText(
      'after',
      `
Months the selected sources do not hold (police.uk force-months never ingested; months with no
record in a force extract) are gaps, never zeros; a financial year (April–March), quarter (Q1 =
April–June) or rolling 12 months is totalled only when all its months are held.
Change: the exact conditional test for two Poisson counts with the periods' days as exposure, and
the exact (Clopper–Pearson based) interval for the rate ratio, as R's poisson.test.
Trend: Mann–Kendall over the complete months (exact without ties below 50 months, else normal
approximation with tie correction and continuity correction) and Sen's slope with its interval.

Examples:
  svd analyse trends --where source=police-uk --where "crime_type=Violence and sexual offences"
  svd analyse trends --definition thames-valley-vru --tier primary --compare 2023-04..2023-06,2024-04..2024-06 --json`,
    )
    .action(async (options: TrendsCliOptions) => {
      const { analyseTrends } = await import('../../analyses/trends/analyseTrends.js');
      const ctx = commandContext(io, options);
      const selection = selectionFromOptions(options);
      const compare = options.compare === undefined ? undefined : parseCompare(options.compare);
      const confidence = parseNumberOption(
        'confidence',
        options.confidence,
        (x) => x > 0 && x < 1,
        'a level between 0 and 1 (e.g. 0.95)',
      );
      const small = parseNumberOption('small', options.small, (x) => x >= 0, 'a count');
      const analysis = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        analyseTrends(
          ws,
          selection,
          {
            ...(compare === undefined ? {} : { compare }),
            ...(confidence === undefined ? {} : { confidence }),
            ...(small === undefined ? {} : { smallCount: small }),
          },
          { cwd: io.cwd, reporter: ctx.reporter },
        ),
      );
      if (reportAnalysis(ctx, analysis)) return;
      const r = analysis.result;
      ctx.print(
        formatTable(r.months, [
          { header: 'month', value: (m) => m.month },
          { header: 'count', value: (m) => m.count, align: 'right' },
          {
            header: 'status',
            value: (m) =>
              m.status === 'complete'
                ? m.small
                  ? 'small'
                  : ''
                : m.status === 'partial'
                  ? `partial (${m.held} held)`
                  : 'not held',
          },
        ]),
      );
      const periods = [...r.financialYears, ...r.quarters].filter((p) => p.monthsHeld > 0);
      if (periods.length > 0) {
        ctx.print('');
        ctx.print(
          formatTable(periods, [
            { header: 'period', value: (p) => p.label },
            { header: 'months', value: (p) => formatMonthRange(p.from, p.to) },
            { header: 'count', value: (p) => p.count, align: 'right' },
            { header: 'held', value: (p) => `${p.monthsHeld}/${p.months}`, align: 'right' },
          ]),
        );
      }
      const rolling = r.rolling12.filter((x) => x.count !== null);
      if (rolling.length > 0) {
        ctx.print('');
        ctx.print(
          formatTable(rolling, [
            { header: 'rolling 12 months to', value: (x) => x.to },
            { header: 'count', value: (x) => x.count, align: 'right' },
          ]),
        );
      }
      if (r.change !== null) {
        const c = r.change;
        ctx.print('');
        ctx.print(
          `change: ${formatMonthRange(c.earlier.from, c.earlier.to)} ${c.earlier.count.toLocaleString('en-GB')} (${c.earlier.days} days) → ${formatMonthRange(c.later.from, c.later.to)} ${c.later.count.toLocaleString('en-GB')} (${c.later.days} days); rate ratio ${fixed(c.rateRatio, 3) ?? 'unbounded'} [${fixed(c.lower, 3)}, ${fixed(c.upper, 3) ?? '∞'}], p = ${c.pValue.toPrecision(3)}`,
        );
      }
      if (r.trend !== null) {
        const t = r.trend;
        ctx.print(
          `trend: ${t.test}; S = ${t.S}, τ = ${t.tau.toFixed(3)}, p = ${t.pValue.toPrecision(3)}; Sen's slope ${t.slope.toFixed(2)} a month [${fixed(t.slopeLower) ?? '—'}, ${fixed(t.slopeUpper) ?? '—'}]`,
        );
      }
      const seasonal = r.seasonal.filter((s) => s.years > 0);
      if (seasonal.length > 0) {
        ctx.print('');
        ctx.print(
          formatTable(seasonal, [
            { header: 'calendar month', value: (s) => s.name },
            { header: 'years', value: (s) => s.years, align: 'right' },
            { header: 'mean count', value: (s) => fixed(s.meanCount, 1), align: 'right' },
            { header: 'index', value: (s) => fixed(s.index), align: 'right' },
          ]),
        );
      }
      ctx.print('');
      for (const line of r.summary) ctx.print(line);
    });
}
