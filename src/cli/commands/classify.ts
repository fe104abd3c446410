import { Command } from 'commander';
import { audited } from '../../app/audited.js';
import { classifyOutcome } from '../../app/auditEntries.js';
import type { ClassifyReport } from '../../definitions/classifyIncidents.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import { definitionTitleLine, proxyNote } from '../definitionText.js';
import type { CliIo } from '../io.js';
import { formatTable, formatNumber } from '../table.js';

interface ClassifyOptions extends CommonOptions {
  definition: string;
}

export function renderClassifyReport(report: ClassifyReport): string {
  const d = report.definition;
  const lines = [
    definitionTitleLine(d, `, ${d.source}`),
    `${report.added ? 'stored in the workspace as' : 'already stored as'} ${d.id}@${d.version}; classified ${formatNumber(report.records)} records in ${report.seconds.toFixed(1)} s`,
  ];
  const note = proxyNote(d);
  if (note !== null) lines.push(note);
  const matched = new Map(report.matched.map((m) => [m.tier, m.n]));
  const missing = new Set(report.unavailableTiers.map((t) => t.tier));
  lines.push(
    formatTable(report.tiers, [
      { header: 'tier', value: (t) => t.tier },
      { header: 'records', value: (t) => (missing.has(t.tier) ? 'missing' : t.n), align: 'right' },
      {
        header: 'in tier (overlapping)',
        value: (t) =>
          missing.has(t.tier) ? 'missing' : matched.has(t.tier) ? matched.get(t.tier)! : '',
        align: 'right',
      },
    ]),
  );
  lines.push(
    '(records: each record once, in the first tier it matches; "in tier" counts it in every tier it matches)',
  );
  if (report.multiTier > 0)
    lines.push(
      `${formatNumber(report.multiTier)} record${report.multiTier === 1 ? ' is' : 's are'} in more than one tier`,
    );
  return lines.join('\n');
}

export function classifyWarnings(report: ClassifyReport): string[] {
  const out: string[] = [];
  for (const s of report.noDataBySource)
    out.push(
      `${formatNumber(s.n)} ${s.source} records carry none of the fields ${report.definition.id} reads (${report.fieldsRead.join(', ')}): they are counted as no-data, not as "not serious violence"`,
    );
  for (const t of report.unavailableTiers)
    out.push(
      `tier ${t.tier} needs ${t.fields.join(', ')}, which no record in this workspace carries: its count is missing, not zero`,
    );
  return out;
}

export function classifyCommand(io: CliIo): Command {
  return new Command('classify')
    .description(
      'classify every record in the workspace under a definition version, and store the result',
    )
    .requiredOption(
      '--definition <ID[@VERSION]|FILE>',
      'a shipped or stored definition (newest stored version unless @VERSION), or a definition file',
    )
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress or announcements')
    .addHelpText(
      'after',
      `
The definition is stored in the workspace by content hash (a file whose content is already
stored is that version; new content is a new version) and every record gets its tier, all the
tiers it is in and the ids of the rules it matched. Classifying again under the same version
replaces the earlier result; other versions are kept, so history can be re-run under any of them.
Each run (definition, version, records by tier) is recorded in the audit log (svd audit).
Then: svd counts --by month,tier --definition ID

Examples:
  svd classify --definition thames-valley-vru
  svd classify --definition thames-valley-vru@1
  svd classify --definition my-proposal.yaml`,
    )
    .action(async (options: ClassifyOptions) => {
      const { looksLikeFile, resolveDefinition } =
        await import('../../definitions/resolveDefinition.js');
      const { classifyRecords } = await import('../../app/deriveData.js');
      const ctx = commandContext(io, options);
      // A file is checked before the workspace is opened: its problems come first.
      const file = looksLikeFile(options.definition)
        ? await resolveDefinition(options.definition, { cwd: io.cwd })
        : undefined;
      const report = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
        const resolved = file ?? (await resolveDefinition(options.definition, { ws, cwd: io.cwd }));
        for (const w of resolved.warnings) ctx.reporter.warn(w.message);
        for (const n of resolved.notes) ctx.reporter.info(n);
        return audited(
          ws,
          {
            actor: ctx.actor,
            action: 'classify',
            attempt: { target: resolved.definition.file.id, detail: {} },
          },
          () =>
            classifyRecords(ws, resolved.definition, {
              reporter: ctx.reporter,
              source: resolved.source,
            }),
          classifyOutcome,
        );
      });
      if (report.note !== undefined) ctx.reporter.warn(report.note);
      for (const w of classifyWarnings(report)) ctx.reporter.warn(w);
      if (ctx.json) ctx.printJson(report);
      else ctx.print(renderClassifyReport(report));
    });
}
