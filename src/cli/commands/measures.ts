import { Command } from 'commander';
import {
  formatChange,
  formatInterval,
  formatMeasureValue,
  STATUS_LABELS,
} from '../../strategy/formatMeasure.js';
import { commandClock } from '../clock.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface MeasuresOptions extends CommonOptions {
  to?: string;
  measure?: string[];
  population?: string;
  asOf?: string;
}

export function measuresCommand(io: CliIo): Command {
  return new Command('measures')
    .description(
      "the strategy's measures computed from the workspace: value, interval, baseline, target, on-track status",
    )
    .option(
      '--to <YYYY-MM>',
      'evaluate to this month of data (default: the latest month with data)',
    )
    .option('--measure <id>', 'only this measure (repeatable)', (v: string, p: string[] = []) => [
      ...p,
      v,
    ])
    .option('--population <dataset>', 'population dataset for rates (default: the most recent)')
    .option('--as-of <date>', "today's date (default: today, or $SVD_TODAY)")
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option(
      '--json',
      'print every measure with its series over time, provenance and assessment as JSON',
    )
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `
Each measure is reported for the latest period of its basis (month, quarter, financial year
April–March, or rolling 12 months) ending at --to. A period with a month holding no data for the
measure is "missing", never zero. Counts and rates carry exact Poisson 95% intervals, shares
Wilson 95% intervals. The status compares the value with a straight line from the baseline to the
target (see docs/decisions/0010-strategy-and-reviews.md).`,
    )
    .action(async (options: MeasuresOptions) => {
      const { requireStrategy } = await import('../../strategy/storeStrategy.js');
      const { evaluateMeasures } = await import('../../strategy/evaluateMeasures.js');
      const ctx = commandContext(io, options);
      const clock = commandClock(options.asOf, io.env);
      const result = await withCommandWorkspace(
        ctx,
        { create: false, readOnly: true },
        async (ws) =>
          evaluateMeasures(ws, (await requireStrategy(ws)).file, {
            reporter: ctx.reporter,
            clock,
            cwd: io.cwd,
            ...(options.to === undefined ? {} : { to: options.to }),
            ...(options.measure === undefined ? {} : { only: options.measure }),
            ...(options.population === undefined ? {} : { population: options.population }),
          }),
      );
      if (ctx.json) return ctx.printJson(result);
      ctx.print(
        formatTable(result.measures, [
          { header: 'measure', value: (m) => m.id },
          { header: 'period', value: (m) => m.current?.period ?? null },
          {
            header: 'value',
            value: (m) => formatMeasureValue(m.metric, m.current?.value ?? null),
            align: 'right',
          },
          {
            header: '95% interval',
            value: (m) =>
              formatInterval(m.metric, m.current?.lower ?? null, m.current?.upper ?? null),
            align: 'right',
          },
          {
            header: 'baseline',
            value: (m) =>
              m.baseline === null
                ? null
                : `${formatMeasureValue(m.metric, m.baseline.value)} (${m.baseline.period})`,
            align: 'right',
          },
          {
            header: 'change',
            value: (m) =>
              m.comparison === null
                ? null
                : formatChange(m.metric, m.comparison.change, m.comparison.percentChange),
            align: 'right',
          },
          {
            header: 'target',
            value: (m) =>
              m.assessment.targetValue === null
                ? null
                : formatMeasureValue(m.metric, m.assessment.targetValue),
            align: 'right',
          },
          {
            header: 'status',
            value: (m) => STATUS_LABELS[m.assessment.status] ?? m.assessment.status,
          },
        ]),
      );
      for (const m of result.measures) {
        const notes: string[] = [];
        if (m.problem !== null) notes.push(m.problem);
        if (m.current?.missing != null)
          notes.push(
            `${m.current.period}: ${m.current.missing.reason}${m.current.missing.months.length > 0 ? ` (${m.current.missing.months.join(', ')})` : ''}`,
          );
        if (m.baseline?.missing != null)
          notes.push(`baseline ${m.baseline.period}: ${m.baseline.missing.reason}`);
        if (m.current?.small === true)
          notes.push('fewer than 10 records: read the value with its interval');
        notes.push(...m.notes);
        for (const n of notes) ctx.print(`note ${m.id}: ${n}`);
      }
      ctx.print(
        `data to ${result.dataTo}; ${result.measures.length} measure${result.measures.length === 1 ? '' : 's'}`,
      );
    });
}
