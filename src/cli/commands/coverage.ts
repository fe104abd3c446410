import { Command } from 'commander';
import { getCoverage, parseCoverageDataset } from '../../analyses/coverage/getCoverage.js';
import { formatMonthRange, formatRuns, monthRuns } from '../../core/months.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { cell, formatTable } from '../table.js';
import type { Coverage } from '../../api/dashboard.js';

const MISSING = 'missing';

/** Forces as rows and months as columns when there are few months; otherwise the other way or a summary. */
export function renderCoverage(c: Coverage): string {
  if (c.cells.length === 0) return `no police.uk ${c.dataset} data in this workspace yet`;
  const at = new Map(c.cells.map((x) => [`${x.force}|${x.month}`, x.rows]));
  const show = (force: string, month: string): string => {
    const n = at.get(`${force}|${month}`);
    return n === null || n === undefined ? MISSING : cell(n);
  };
  const lines: string[] = [
    `police.uk ${c.dataset}: rows held per force and month ("${MISSING}" = never ingested, not zero)`,
  ];
  if (c.months.length <= 12) {
    lines.push(
      formatTable(c.forces, [
        { header: 'force', value: (f) => f },
        ...c.months.map((m) => ({
          header: m,
          value: (f: string) => show(f, m),
          align: 'right' as const,
        })),
      ]),
    );
  } else if (c.forces.length <= 8) {
    // Months as rows; runs of months that no force has are folded into one line.
    type Line = { label: string; values: string[] };
    const rows: Line[] = [];
    const allMissing = (m: string): boolean => c.forces.every((f) => at.get(`${f}|${m}`) == null);
    let gap: string[] = [];
    const flush = (): void => {
      if (gap.length === 0) return;
      const run = monthRuns(gap)[0]!;
      rows.push({
        label: formatMonthRange(run.first, run.last),
        values: c.forces.map(() => `${MISSING} (${run.count} month${run.count === 1 ? '' : 's'})`),
      });
      gap = [];
    };
    for (const m of c.months) {
      if (allMissing(m)) gap.push(m);
      else {
        flush();
        rows.push({ label: m, values: c.forces.map((f) => show(f, m)) });
      }
    }
    flush();
    lines.push(
      formatTable(rows, [
        { header: 'month', value: (r) => r.label },
        ...c.forces.map((f, i) => ({
          header: f,
          value: (r: Line) => r.values[i],
          align: 'right' as const,
        })),
      ]),
    );
  } else {
    const summary = c.forces.map((force) => {
      const cells = c.cells.filter((x) => x.force === force);
      const present = cells.filter((x) => x.rows !== null);
      return {
        force,
        months: present.length,
        first: present[0]?.month ?? '',
        last: present.at(-1)?.month ?? '',
        missing: formatRuns(cells.filter((x) => x.rows === null).map((x) => x.month)),
        rows: present.reduce((s, x) => s + (x.rows ?? 0), 0),
      };
    });
    lines.push(
      formatTable(summary, [
        { header: 'force', value: (s) => s.force },
        { header: 'months held', value: (s) => s.months },
        { header: 'first', value: (s) => s.first },
        { header: 'last', value: (s) => s.last },
        { header: 'rows', value: (s) => s.rows },
        { header: `${MISSING} months`, value: (s) => s.missing },
      ]),
    );
    lines.push('(use --json for every force × month cell)');
  }
  lines.push(
    `${c.totalRows.toLocaleString('en-GB')} rows in ${c.forces.length} force(s), ${formatMonthRange(c.months[0]!, c.months.at(-1)!)}`,
  );
  return lines.join('\n');
}

export function coverageCommand(io: CliIo): Command {
  return new Command('coverage')
    .description('force × month row counts; months never ingested are shown as missing, not zero')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--dataset <name>', 'street, outcomes or stop-and-search', 'street')
    .option('--json', 'print every force × month cell as JSON')
    .action(async (options: CommonOptions & { dataset: string }) => {
      const ctx = commandContext(io, options);
      const dataset = parseCoverageDataset(options.dataset);
      const coverage = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        getCoverage(ws, dataset),
      );
      if (ctx.json) ctx.printJson(coverage);
      else ctx.print(renderCoverage(coverage));
    });
}
